"""The pipeline's stages, files → what the pages say: load (``load``, with
``sitefiles``, ``yamlnodes``, ``characters``), validate (``validate``: each
file on its own with ``records``, ``schema``, ``fields``, ``quotes``; then
all of them with ``crossfile``, ``siteconfig`` and the checks it calls), link
(``link``, ``affiliation``) and analyse (``analyse``, ``claim_analysis``,
``tallies``, ``comparison``, ``agreement``); ``history`` compares verdicts
with git. Pure functions of the content: nothing here renders or writes."""
