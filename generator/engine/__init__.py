"""The build engine: runs the stages and renders the outputs for ``build``
(``build``) and ``serve`` (``incremental``), at scale: files checked in
parallel (``prepare``, ``workers``) and cached (``cache``, ``codec``), pages
rendered into a staging folder (``rendering``, ``write``) under a lock
(``lock``), and the search index (``search``)."""
