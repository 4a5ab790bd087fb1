/* wenji search page (search.html?q=…&kind=…&year=…): the results of the query as it is typed,
   from window.wenjiSearch (static/search-engine.js) over the files the build wrote, each a plain
   <script>, so the page works from file:// as well as over HTTP. The first page of results is
   shown as soon as it is known; the rest are checked in the background, then counted per speech.
   Everything shown from a speech goes in as text nodes. */
(function (root) {
  "use strict";

  var app = document.getElementById("search-app");
  if (!app) return;
  var wenjiSearch = root.wenjiSearch, wenjiText = root.wenjiText;
  var HOLDS = wenjiSearch.HOLDS, LACKS = wenjiSearch.LACKS, UNCHECKED = wenjiSearch.UNCHECKED;
  var IN_HEADING = wenjiSearch.IN_HEADING;
  var PAGE_SIZE = 20;  /* results shown at first and added by each press of "more" */

  /* ---- the page's parts --------------------------------------------------------------------- */

  var box = document.getElementById("q");
  var statusLine = document.getElementById("search-status");
  var resultList = document.getElementById("search-results");
  var speechList = document.getElementById("search-speeches");
  var kindFilter = document.getElementById("search-kind");
  var yearFilter = document.getElementById("search-year");
  var moreButton = document.createElement("button");
  moreButton.type = "button";
  moreButton.className = "search-more";
  moreButton.hidden = true;
  resultList.parentNode.insertBefore(moreButton, resultList.nextSibling);

  function say(message) { statusLine.textContent = message; }

  /* ---- loading: lunr.js, the engine's data files ------------------------------------------- */

  var dataName = app.getAttribute("data-global");
  var data = root[dataName] = root[dataName] || {};
  var dataFolder = app.getAttribute("data-base");
  var scripts = new Map(), engine = null, engineReady = null;

  /* A plain <script>, once (loads from file://, unlike fetch). */
  function script(src) {
    if (!scripts.has(src)) {
      scripts.set(src, new Promise(function (resolve, reject) {
        var element = document.createElement("script");
        element.src = src;
        element.onload = resolve;
        element.onerror = function () { reject(new Error(src)); };
        document.head.appendChild(element);
      }));
    }
    return scripts.get(src);
  }

  /* lunr.js and the manifest, once, on first use: Promise of the engine. */
  function ready() {
    if (!engineReady) {
      engine = new wenjiSearch.Engine(null, wenjiText, function (name) { return script(dataFolder + name + ".js"); }, data);
      engineReady = Promise.all([script(app.getAttribute("data-lunr")), engine.ready()])
        .then(function () { engine.lunr = root.lunr; return engine; });
      engineReady.catch(function (e) { say("检索数据未能载入（" + e.message + "）。"); });
    }
    return engineReady;
  }

  /* ---- one result ----------------------------------------------------------------------------- */

  /* Text with the words' occurrences in <mark>, as DOM nodes (never HTML). */
  function appendMarked(parent, text, words) {
    var folded = wenjiText.foldMap(text), at = 0;
    wenjiText.spans(folded.text, words).forEach(function (span) {
      var a = folded.map[span[0]], b = folded.map[span[1]];
      if (a > at) parent.appendChild(document.createTextNode(text.slice(at, a)));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(a, b);
      parent.appendChild(mark);
      at = b;
    });
    if (at < text.length) parent.appendChild(document.createTextNode(text.slice(at)));
  }

  /* Where the first occurrence of a word starts in text, at or after from; -1 if none. */
  function firstMatch(text, words, from) {
    var folded = wenjiText.foldMap(text), spans = wenjiText.spans(folded.text, words);
    for (var j = 0; j < spans.length; j++) if (folded.map[spans[j][0]] >= from) return folded.map[spans[j][0]];
    return -1;
  }

  /* Up to 120 characters of the paragraph holding the first match (or of the first one). */
  function snippet(d, words) {
    var row = engine.row(d), text = engine.docText(d);
    var body = row[1] && row.length > 2 ? row[1].length + 1 : 0;  /* paragraphs follow the heading */
    var pos = firstMatch(text, words, body);
    if (pos < 0) pos = body;
    var lineStart = text.lastIndexOf("\n", pos - 1) + 1, lineEnd = text.indexOf("\n", pos);
    if (lineEnd < 0) lineEnd = text.length;
    var from = Math.max(lineStart, pos - 30), to = Math.min(lineEnd, from + 120);
    return (from > lineStart ? "…" : "") + text.slice(from, to) + (to < lineEnd ? "…" : "");
  }

  /* The link to a hit: its speech page, the query to highlight, the section or paragraph. */
  function resultUrl(d, query) {
    var speech = engine.manifest.speech(d), id = engine.manifest.ids[d];
    return "speeches/" + encodeURIComponent(speech[0]) + ".html?hl=" + encodeURIComponent(query) +
      "#" + (id ? encodeURIComponent(id) : "title");  /* a title hit lands on the page's <h1 id="title"> */
  }

  /* A result: link, title and date at once; heading path and snippet when its text is in. */
  function resultItem(hit, query, words) {
    var speech = engine.manifest.speech(hit.doc);
    var li = document.createElement("li");
    li.className = "hit" + (hit.tier === IN_HEADING ? " in-heading" : "");
    var link = document.createElement("a");
    link.href = resultUrl(hit.doc, query);
    link.className = "hit-title";
    link.textContent = speech[1];
    li.appendChild(link);
    var meta = document.createElement("p");
    meta.className = "hit-meta";
    var where = document.createElement("span");
    where.className = "hit-path";
    meta.appendChild(where);
    if (speech[2]) {
      var time = document.createElement("time");
      time.dateTime = speech[2];
      time.textContent = speech[2];
      meta.appendChild(time);
    }
    li.appendChild(meta);
    var text = document.createElement("p");
    text.className = "hit-snippet";
    li.appendChild(text);
    function fill() { fillDetails(hit.doc, words, where, text); }
    if (engine.hasText(engine.manifest.speechOf[hit.doc])) fill();
    else engine.withText([hit.doc]).then(fill);
    return li;
  }

  /* Where a hit is (its heading path, or its paragraph) and its snippet, marked. */
  function fillDetails(d, words, where, text) {
    var path = engine.headingPath(d), id = engine.manifest.ids[d];
    if (path.length) appendMarked(where, path.join(" › "), words);
    else where.textContent = id ? "第" + id.slice(1) + "段" : "标题";
    appendMarked(text, snippet(d, words), words);
  }

  /* ---- the list of results ---------------------------------------------------------------- */

  var shown = null;  /* the query on the page: {result, hits, count shown} */
  var generation = 0;  /* of the latest query: answers to an older one are dropped */

  function clearResults() {
    resultList.textContent = "";
    speechList.textContent = "";
    moreButton.hidden = true;
  }

  function appendResults(hits, result) {
    var fragment = document.createDocumentFragment();
    hits.forEach(function (h) { fragment.appendChild(resultItem(h, result.query, result.words)); });
    resultList.appendChild(fragment);
  }

  function offerMore() {
    var left = shown.hits.length - shown.count;
    moreButton.hidden = left <= 0;
    moreButton.textContent = "再显示 " + Math.min(left, PAGE_SIZE) + " 处（还有 " + left + " 处）";
  }

  /* Appends the next page of (complete) results to the list. */
  function showMore() {
    var next = shown.hits.slice(shown.count, shown.count + PAGE_SIZE);
    engine.scores(shown.result, next);
    appendResults(next, shown.result);
    shown.count += next.length;
    offerMore();
  }

  /* Hits per speech, in archive order; returns how many speeches. */
  function listSpeeches(hits) {
    var perSpeech = new Map();
    hits.forEach(function (h) {
      var s = engine.manifest.speechOf[h.doc];
      perSpeech.set(s, (perSpeech.get(s) || 0) + 1);
    });
    speechList.textContent = "";
    Array.from(perSpeech.keys()).sort(function (a, b) { return a - b; }).forEach(function (s) {
      var li = document.createElement("li"), speech = engine.manifest.speeches[s];
      li.textContent = speech[1] + (speech[2] ? "（" + speech[2] + "）" : "") + "：";
      var count = document.createElement("span");
      count.className = "count";
      count.textContent = perSpeech.get(s) + " 处";
      li.appendChild(count);
      speechList.appendChild(li);
    });
    return perSpeech.size;
  }

  /* The first page, shown at once: links, titles and dates; heading paths and snippets as
     their text arrives (already in when the query needed it for checking). */
  function showFirst(result, first, keep) {
    engine.scores(result, first);
    clearResults();
    shown = { result: result, hits: first, count: 0 };
    appendResults(first, result);
    var found = result.candidates.filter(function (h) { return h.literal !== LACKS && keep(h.doc); });
    if (found.some(function (h) { return h.literal === UNCHECKED; })) say("已找到 " + first.length + " 处，正在核对其余的候选…");
    else say(found.length ? "找到 " + found.length + " 处。" : "没有找到“" + result.query + "”。");
    app.setAttribute("data-shown", result.query);
    app.dispatchEvent(new CustomEvent("wenji-search-rendered", { detail: result.query }));
  }

  /* All results known: counts, the "more" button, and data-query for whoever waits. */
  function showAll(result, hits) {
    shown = { result: result, hits: hits, count: resultList.children.length };
    var speeches = listSpeeches(hits);
    moreButton.hidden = true;
    if (shown.count < hits.length) offerMore();
    say(hits.length ? "找到 " + hits.length + " 处，分布在 " + speeches + " 篇中。" : "没有找到“" + result.query + "”。");
    app.setAttribute("data-state", "done");
    app.setAttribute("data-query", result.query);
  }

  function showNothingAsked(query) {
    clearResults();
    say("请输入要检索的文字。");
    app.setAttribute("data-query", query);
  }

  /* ---- filters and the address -------------------------------------------------------------- */

  function accepts(filter, value) {
    return !filter || !filter.value || filter.value === value;
  }

  /* The filters as a test of documents. */
  function filterOfDocuments() {
    var manifest = engine.manifest;
    return function (d) {
      var speech = manifest.speech(d);
      return accepts(kindFilter, speech[3]) && accepts(yearFilter, speech[2].slice(0, 4));
    };
  }

  /* The page's address for the query and filters (so it can be bookmarked and shared). */
  function addressFor(query) {
    var params = new URLSearchParams();
    if (query) params.set("q", query);
    if (kindFilter && kindFilter.value) params.set("kind", kindFilter.value);
    if (yearFilter && yearFilter.value) params.set("year", yearFilter.value);
    var search = params.toString();
    return location.pathname + (search ? "?" + search : "") + location.hash;
  }

  /* ---- a query ---------------------------------------------------------------------------------- */

  /* The query in the box, with the filters: the first page, then every answer. */
  function run() {
    var query = box.value, gen = ++generation;
    function current() { return gen === generation; }
    try { history.replaceState(null, "", addressFor(query)); } catch (e) { /* file:// in some browsers */ }
    app.removeAttribute("data-state");
    if (!wenjiText.words(query).length) {
      showNothingAsked(query);
      return;
    }
    if (!engine || !engine.manifest) say("正在载入检索数据…");
    var result, keep;
    ready().then(function () {
      return shown && shown.result.query === query ? shown.result : engine.search(query);
    }).then(function (r) {
      result = r;
      keep = filterOfDocuments();
      return engine.settle(result, PAGE_SIZE, keep);
    }).then(function (first) {
      if (!current()) return;
      showFirst(result, first, keep);
      return Promise.all([engine.withText(first.map(function (h) { return h.doc; })),
                          engine.finish(result, keep, current)]);
    }).then(function (done) {
      if (done && done[1] && current()) showAll(result, done[1]);
    }).catch(function (e) { if (current() && engine && engine.manifest) say("检索出错（" + e.message + "）。"); });
  }

  /* ---- start ------------------------------------------------------------------------------------ */

  var params = new URLSearchParams(location.search);
  box.value = params.get("q") || "";
  if (kindFilter) kindFilter.value = params.get("kind") || "";
  if (yearFilter) yearFilter.value = params.get("year") || "";
  moreButton.addEventListener("click", showMore);
  box.addEventListener("input", run);
  box.addEventListener("focus", function () { ready().catch(function () {}); }, { once: true });
  [kindFilter, yearFilter].forEach(function (filter) { if (filter) filter.addEventListener("change", run); });
  if (box.form) box.form.addEventListener("submit", function (e) { e.preventDefault(); run(); });
  run();
})(window);
