"""``factcheck new``: content files to fill in, generated from ``schema.py``.

Every key a file kind accepts is written with its help text as a YAML
comment, so the scaffolds stay in step with validation:

- required keys are present but empty, so ``check`` reports each of them as
  missing until it is filled in (never a placeholder that would pass
  validation and get published);
- optional keys are commented out: delete the ``# `` to use one;
- keys with a fixed set of values list them.

``new article`` also turns a raw text in ``seeds/`` into the article's
Markdown body: one paragraph per non-empty line, escaped where Markdown would
otherwise read the line as something else (a heading, a list, a quote, …),
so a reader sees each line as it is in the seed.

Output is deterministic UTF-8 with ``\\n`` line endings and a final newline.
A file that exists already is never overwritten.

Three modules: ``entries.py`` checks what was asked for and writes the file,
``seeds.py`` turns a seed into a title, an id and Markdown paragraphs, and
``filetext.py`` writes a new file's front matter from the tables.
"""


class ScaffoldError(Exception):
    """A problem that stops a scaffold from being written; the message says what to do."""
