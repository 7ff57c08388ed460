"""What the site is made of, from the graph and its analysis: the site map
(``siteplan``), pages rendered from templates (``render``, ``environment``),
feeds, open data, structured data, pictures and the editors' own pages,
and where each lives (``urls``). Each output is planned with its sources;
nothing here knows about the cache, workers or the output folder."""
