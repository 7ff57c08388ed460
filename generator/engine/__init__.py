"""The build engine: one pipeline (``pipeline.run``: prepare → link → analyse
→ plan → what is stale → render → static files → search) for ``build``
(``build``: previous state from the build cache, the site staged on disk and
swapped in under a lock, ``lock``, ``write``) and ``serve`` (``incremental``:
previous state and site in memory, ``memorysite``; the preview's fast path,
``fastpath``). At scale: files checked in parallel (``prepare``, ``workers``)
and cached (``cache``, ``codec``), pages rendered in parallel (``rendering``),
the search index in shards refreshed in proportion to the change
(``search_shards``, ``search``)."""
