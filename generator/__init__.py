"""factcheck: a static site generator for cross-source fact-checking.

The build is a pipeline: load → validate → link → analyse → render → write
(``engine/build.py``). Its code is in layers, each importing only from the
layers below it (the contracts in pyproject.toml, checked by import-linter):

- the commands: ``cli``, ``preview/`` (``serve``), which answers annotation
  requests with ``annotation/`` (minimal-diff edits of front matter), which
  creates claims and actors as ``scaffold/`` (``factcheck new``) writes them;
- ``engine/``: the pipeline run for ``build`` and ``serve``: cache, workers, writing, search;
- ``outputs/``: the site map, pages, feeds, open data, pictures, addresses;
- ``stages/``: load, validate, link, analyse;
- ``core/``: the records, problems, the site's layout, limits and words.
"""

__version__ = "0.1.0"
