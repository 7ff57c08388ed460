"""factcheck: a static site generator for cross-source fact-checking.

The build is a pipeline, one module per stage:
load → validate → link → analyse → render → write (see ``build.py``).
"""

__version__ = "0.1.0"
