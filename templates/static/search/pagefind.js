/* Pagefind's search API over the index's shards, finding what one index finds.

   search.js gives Pagefind's UI this module in place of Pagefind's own
   pagefind.js (the UI imports "<bundlePath>pagefind.js" and calls options,
   mergeIndex, preload, search, filters, destroy), and every shard through
   mergeIndex.

   Why not Pagefind's own mergeIndex: for each searched word Pagefind takes
   the indexed words that start with it ("command" → commander, commanders);
   where its index has none, it takes instead the longest indexed word that
   the searched one starts with ("he" for "helmand": pagefind_web's
   find_word_extensions). One index does that only when no page at all has
   a word that starts so; each shard does it on its own, and merging kept
   what a shard found with its shorter word (on a 2,000-article corpus,
   "Taliban commanders": 23 results from one index, 48 from 26 shards).

   The rule here, one index's, is applied across the shards. Each shard is
   searched by its own Pagefind index in "playground mode", which names,
   for each result, the indexed words that matched and, for the search, the
   searched words as stemmed. Each searched word is first searched alone in
   every shard, which tells, per shard, whether it matched words that start
   with it, a shorter word, or nothing. Then, word by word:
   - if any shard has words that start with it, one index would have used
     those, so a shard that fell back to a shorter word has no page one
     index finds (a page of it would need one of those words);
   - otherwise one index would have used the longest shorter word of all
     its pages: a shard that fell back to that same word keeps its pages,
     one whose longest was shorter has none;
   - and where no page at all has such a word, one index leaves the word
     out of the search, as does each shard; a shard that has none while
     others have leaves it out too, and so finds pages one index does not
     (their other words only): it keeps none.
   A shard's results for the whole search are kept when it is kept for every
   word; their excerpts come from the same words, so they read the same.
   Order is by each shard's own score, as in Pagefind's merging: each shard
   ranks against its own statistics, so the order may differ from one
   index's. Exact searches ("…") have no fallback and are merged as they are.

   One case stays Pagefind's own: an index is fetched in chunks (word
   ranges), one per searched word, and Pagefind looks for a shorter word
   only among the chunks fetched so far. So where no page at all has a word
   that starts like the searched one, even one index finds what the chunks
   it happened to fetch allow: on a 2,000-article corpus, one index finds
   nothing for "al-Qaeda" in a fresh page and 2,633 pages after a search
   for "a" (fallback to "a"). Shards have other chunk boundaries, so there
   (and only there) their results may differ from one index's.

   The shards' Pagefind indexes run in Pagefind's own web worker
   (pagefind-worker.js, from the first shard), driven through its message
   protocol ({id, instanceId, method, args} → {id, result | error}), since
   the playground mode is not among pagefind.js's exports. That protocol is
   Pagefind's internal one: the Pagefind version is pinned (pagefind-bin),
   and tests/browser/test_search.py checks this against one index. */

var shards = []; // each shard: {instanceId, ready}
var shardOptions = {};
var worker = null;
var pending = new Map();
var nextMessage = 0;
var searchCount = 0;
var releaser = typeof FinalizationRegistry === "undefined" ? null
  : new FinalizationRegistry(function (held) { send(held.instanceId, "releaseData", [held.dataId]).catch(function () {}); });

function send(instanceId, method, args) {
  return new Promise(function (resolve, reject) {
    var id = "shards_" + nextMessage++;
    pending.set(id, { resolve: resolve, reject: reject });
    worker.postMessage({ id: id, instanceId: instanceId, method: method, args: args });
  });
}

// Pagefind's worker of the first shard, started through search/worker.js,
// which has every shard's Pagefind share one download of the WebAssembly.
function startWorker(bundlePath) {
  var pagefindWorker = new URL(bundlePath + "pagefind-worker.js", location.href);
  var shim = new URL("worker.js", import.meta.url);
  shim.searchParams.set("pagefind", pagefindWorker.pathname);
  worker = new Worker(shim.href);
  worker.addEventListener("message", function (event) {
    var reply = event.data, waiting = pending.get(reply.id);
    if (!waiting) return;
    pending.delete(reply.id);
    if (reply.error) waiting.reject(new Error(reply.error)); else waiting.resolve(reply.result);
  });
  // A worker that fails to load (or dies) answers nothing: what waits for it fails instead.
  worker.addEventListener("error", function (event) {
    var failed = new Error("search worker: " + (event.message || "failed to load"));
    pending.forEach(function (waiting) { waiting.reject(failed); });
    pending.clear();
  });
}

export async function options(newOptions) {
  Object.assign(shardOptions, newOptions);
  await Promise.all(shards.map(function (shard) {
    return shard.ready.then(function () { return send(shard.instanceId, "options", [newOptions]); });
  }));
}

export async function mergeIndex(bundlePath, indexOptions) {
  if (!worker) startWorker(bundlePath);
  var instanceId = "shard_" + shards.length;
  var language = document.documentElement.getAttribute("lang") || "unknown";
  var settings = Object.assign({}, shardOptions, indexOptions || {});
  var ready = send(instanceId, "init", [{ basePath: bundlePath, language: language.toLowerCase() }])
    .then(function () { return send(instanceId, "options", [settings]); })
    .then(function () { return send(instanceId, "enterPlaygroundMode", []); });
  shards.push({ instanceId: instanceId, ready: ready });
  // The first shard's Pagefind loads the WebAssembly that all of them share
  // in the worker (wasm-bindgen keeps one instance; two loading at once
  // would replace it under the other): the others load after it, together,
  // while the UI goes on (search() waits for them).
  if (shards.length === 1) await ready;
  else ready.catch(function () { /* reported by search() */ });
}

export async function init() {
  await Promise.all(shards.map(function (shard) { return shard.ready; }));
}

export async function filters() {
  return {}; // the site defines no Pagefind filters
}

export async function destroy() {
  if (worker) worker.terminate();
  worker = null;
  shards = [];
  pending.clear();
}

// Fetches the index chunks the searched words need, in every shard.
export async function preload(term, searchOptions) {
  await Promise.all(shards.map(function (shard) {
    return shard.ready.then(function () {
      return send(shard.instanceId, "preload", [term, searchOptions || {}]);
    });
  }));
}

export async function debouncedSearch(term, searchOptions, debounceTimeoutMs) {
  var thisSearch = ++searchCount;
  preload(term, searchOptions);
  await new Promise(function (resolve) { setTimeout(resolve, debounceTimeoutMs === undefined ? 300 : debounceTimeoutMs); });
  if (thisSearch !== searchCount) return null;
  var found = await search(term, searchOptions);
  return thisSearch === searchCount ? found : null;
}

function searchShard(shard, term, searchOptions) {
  return shard.ready.then(function () { return send(shard.instanceId, "search", [term, searchOptions]); });
}

// What a shard matched for one searched word (alone): "extension" (words
// that start with it), the shorter word it fell back to, or null (nothing).
function matchOf(found) {
  var keyword = found.search_keywords && found.search_keywords[0];
  var first = found.results[0];
  if (keyword === undefined || !first || !first.scores || !first.scores.length) return null;
  var word = first.scores[0].search_term;
  return word.startsWith(keyword) ? "extension" : word;
}

// One index's choice for one searched word, from every shard's match.
function indexChoice(matches) {
  if (matches.indexOf("extension") >= 0) return "extension";
  return matches.reduce(function (longest, match) {
    return match !== null && (longest === null || match.length > longest.length) ? match : longest;
  }, null);
}

// The searched words as Pagefind splits them: at single spaces, once runs of
// white space are one space. A word that is only punctuation searches
// nothing, alone or in the whole search.
function words(term) {
  var spaced = term.replace(/\s{2,}/g, " ").trim();
  return spaced ? spaced.split(" ") : [];
}

export async function search(term, searchOptions) {
  searchOptions = searchOptions || {};
  await init();
  var exact = /^\s*".+"\s*$/.test(term || "");
  var searched = words(term || "");
  // Each word alone first: its index chunks are then loaded in every shard
  // before any search runs, so every search sees the same indexed words.
  await Promise.all(searched.map(function (word) { return preload(word, searchOptions); }));
  var alone = exact ? [] : await Promise.all(searched.map(function (word) {
    return Promise.all(shards.map(function (shard) { return searchShard(shard, word, searchOptions); }));
  }));
  var whole = searched.length === 1 && !exact ? alone[0]
    : await Promise.all(shards.map(function (shard) { return searchShard(shard, term, searchOptions); }));
  var choices = alone.map(function (perShard) { return indexChoice(perShard.map(matchOf)); });
  var kept = shards.map(function (shard, s) {
    return alone.every(function (perShard, w) {
      return matchOf(perShard[s]) === choices[w];
    });
  });
  var results = [];
  whole.forEach(function (found, s) {
    if (!kept[s]) return;
    found.results.forEach(function (result) { results.push(withData(shards[s].instanceId, result)); });
  });
  results.sort(function (a, b) { return b.score - a.score; });
  return {
    results: results,
    unfilteredResultCount: results.length,
    filters: {},
    totalFilters: {},
    timings: whole.map(function (found) { return found.timings; })
  };
}

// A result as Pagefind's API gives it: data() loads the page's fragment
// (its URL, title, excerpt, sections) from the shard's index, in the worker.
function withData(instanceId, result) {
  var dataId = result.data;
  var shaped = { id: result.id, score: result.score, words: result.words };
  shaped.data = function () { return send(instanceId, "getData", [dataId]); };
  if (releaser) releaser.register(shaped, { instanceId: instanceId, dataId: dataId });
  return shaped;
}
