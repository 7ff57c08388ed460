/* Pagefind's web worker, with one download of its WebAssembly for all the shards.

   search/pagefind.js starts this worker in place of Pagefind's own
   pagefind-worker.js, which it names in the query ("?pagefind=<url>", a
   script of this site) and which runs here unchanged after fetch is wrapped.

   Each shard's Pagefind fetches its own "<shard>/wasm.<language>.pagefind":
   ~70 KB, the same bytes in every shard (one Pagefind version, one
   language), and instantiated once in the worker anyway (wasm-bindgen keeps
   one instance and ignores the later loads). So a reader's first search
   downloaded it once per shard: on a 2,000-article site in 39 shards, 2.7 MB
   of the 3.7 MB the first search brought. Here the first response for a
   file of that name is kept, and every shard's Pagefind gets a copy of it. */
"use strict";

(function () {
  var wanted = new URL(location.href).searchParams.get("pagefind");
  var script = wanted && new URL(wanted, location.href);
  if (!script || script.origin !== location.origin || !/\/pagefind-worker\.js$/.test(script.pathname)) {
    throw new Error("search worker: no Pagefind worker of this site named");
  }

  var networkFetch = self.fetch.bind(self);
  var wasmFiles = new Map(); // file name → promise of its bytes

  self.fetch = function (resource, init) {
    var url = new URL(resource instanceof Request ? resource.url : String(resource), location.href);
    var name = /\/(wasm\.[^\/]+\.pagefind)$/.exec(url.pathname);
    if (!name || url.origin !== location.origin) return networkFetch(resource, init);
    var bytes = wasmFiles.get(name[1]);
    if (!bytes) {
      bytes = networkFetch(resource, init).then(function (response) {
        if (!response.ok) throw new Error("search worker: " + url.pathname + ": HTTP " + response.status);
        return response.arrayBuffer();
      });
      wasmFiles.set(name[1], bytes);
      bytes.catch(function () { wasmFiles.delete(name[1]); }); // the next shard tries again
    }
    return bytes.then(function (buffer) { return new Response(buffer); }); // (a Response copies the bytes)
  };

  importScripts(script.href);
})();
