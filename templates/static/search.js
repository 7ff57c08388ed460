/* The search box in the header: progressive enhancement over Pagefind's
   static index (pagefind/, made by the last step of each build).

   Without JavaScript the box stays hidden and every page is still reached
   through the navigation. Opened straight from disk (file:), browsers refuse
   the fetches the index needs, so the box stays hidden there too; so it does
   when the site has no pagefind/ folder. Nothing is loaded from elsewhere:
   the UI's script and stylesheet come from the site's own pagefind/ folder,
   found relative to this page, so search works under any sub-path.

   The index is in shards (generator/engine/search_shards.py), each a Pagefind index
   in its own folder, listed in pagefind/shards.json. Pagefind's UI (script
   and stylesheet) is loaded from the first; it searches through
   search/pagefind.js beside this script, which stands in for Pagefind's own
   pagefind.js and searches every shard so as to find what one index over
   all pages would find (see there why Pagefind's own merging does not). */
(function () {
  "use strict";

  var box = document.getElementById("site-search");
  if (!box || location.protocol === "file:" || !window.fetch || !window.URL || !window.Worker) return;

  var bundle = new URL(box.getAttribute("data-bundle"), document.baseURI);
  var placeholder = box.getAttribute("data-placeholder");
  var siteRoot = new URL("../", bundle).pathname;
  // The stand-in for pagefind.js: Pagefind's UI imports "<bundlePath>pagefind.js".
  var shardSearch = new URL("search/", document.currentScript.src).pathname;

  // Words in an excerpt: the UI's own default with sub-results, which it
  // passes to options() only; every shard needs it, so it goes with each.
  var EXCERPT_WORDS = 12;

  function showSearch(shards) {
    // One shard is one index: Pagefind's own pagefind.js searches it alone.
    var merged = shards.length > 1 ? shards : [];
    new window.PagefindUI({
      element: box,
      bundlePath: merged.length ? shardSearch : shards[0].pathname,
      baseUrl: siteRoot,
      mergeIndex: merged.map(function (shard) {
        return { bundlePath: shard.pathname, baseUrl: siteRoot, excerptLength: EXCERPT_WORDS };
      }),
      excerptLength: EXCERPT_WORDS,
      showImages: false,
      showSubResults: true,
      // The box's words in the site's language, from the page (templates/base.html); Pagefind's
      // UI words its own messages in the language of <html lang>.
      translations: { placeholder: placeholder }
    });
    // Pagefind names its input only by a title attribute; give it a real label.
    var input = box.querySelector("input");
    if (input) input.setAttribute("aria-label", placeholder);
    box.hidden = false;
  }

  function loadUI(shards) {
    if (!shards.length) return;
    var stylesheet = document.createElement("link");
    stylesheet.rel = "stylesheet";
    stylesheet.href = new URL("pagefind-ui.css", shards[0]).href;
    var script = document.createElement("script");
    script.src = new URL("pagefind-ui.js", shards[0]).href;
    script.onload = function () { showSearch(shards); };
    document.head.appendChild(stylesheet);
    document.head.appendChild(script);
  }

  fetch(new URL("shards.json", bundle).href)
    .then(function (response) { return response.ok ? response.json() : { shards: [] }; })
    .then(function (list) {
      loadUI(list.shards.map(function (folder) { return new URL(folder, bundle); }));
    })
    .catch(function () { /* no index: the box stays hidden */ });
})();
