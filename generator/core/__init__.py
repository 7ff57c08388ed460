"""What every layer shares: the records (``model``, with the converted
Markdown of ``markup``), the problems (``diagnostics``, ``failures``), where a
site's files are (``layout``), how long a list may get (``limits``), the
words for stances (``wording``) and languages (``language``), and the
progress line. Nothing here imports from the other sub-packages."""
