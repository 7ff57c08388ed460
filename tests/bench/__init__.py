"""The performance benchmark of issue 5: factcheck against Hugo and Pelican.

``run.py`` is the entry point (``make bench``); ``corpus`` writes the same
synthetic site for the three generators, ``contenders`` knows how to build and
serve each of them, ``measure`` times runs and samples memory, and ``report``
turns the runs into the Markdown table and JSON file under ``results/``.
"""
