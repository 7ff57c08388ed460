"""``factcheck serve``: the live preview. A builder thread (on
``engine.incremental``), a file watcher and an HTTP server (``devserver``),
what is answered for a path (``responses``), which hosts are answered
(``hosts``), and how the server runs (``httpserver``); ``serve`` starts and
stops it."""
