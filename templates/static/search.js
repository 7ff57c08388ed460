/* The search box in the header: progressive enhancement over Pagefind's
   static index (pagefind/, made by the last step of each build).

   Without JavaScript the box stays hidden and every page is still reached
   through the navigation. Opened straight from disk (file:), browsers refuse
   the fetches the index needs, so the box stays hidden there too; so it does
   when the site has no pagefind/ folder. Nothing is loaded from elsewhere:
   the UI's script and stylesheet come from the site's own pagefind/ folder,
   found relative to this page, so search works under any sub-path. */
(function () {
  "use strict";

  var box = document.getElementById("site-search");
  if (!box || location.protocol === "file:" || !window.fetch || !window.URL) return;

  var bundle = new URL(box.getAttribute("data-bundle"), document.baseURI);

  function showSearch() {
    new window.PagefindUI({
      element: box,
      bundlePath: bundle.pathname,
      baseUrl: new URL("../", bundle).pathname,
      showImages: false,
      showSubResults: true,
      translations: { placeholder: "Search claims, actors, outlets, articles" }
    });
    // Pagefind names its input only by a title attribute; give it a real label.
    var input = box.querySelector("input");
    if (input) input.setAttribute("aria-label", "Search claims, actors, outlets, articles");
    box.hidden = false;
  }

  var stylesheet = document.createElement("link");
  stylesheet.rel = "stylesheet";
  stylesheet.href = new URL("pagefind-ui.css", bundle).href;
  var script = document.createElement("script");
  script.src = new URL("pagefind-ui.js", bundle).href;
  script.onload = showSearch;
  document.head.appendChild(stylesheet);
  document.head.appendChild(script);
})();
