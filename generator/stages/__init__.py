"""The pipeline's stages, files → what the pages say: load (``load``, with
``sitefiles``, ``yamlnodes``, ``characters``), validate (``validate``, with
``schema``, ``fields``, ``siteconfig`` and the checks it calls), link
(``link``, ``affiliation``) and analyse (``analyse``, ``tallies``,
``comparison``, ``agreement``); ``history`` compares verdicts with git.
Pure functions of the content: nothing here renders or writes."""
