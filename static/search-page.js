/* wenji search page (search.html?q=…&kind=…&year=…): the results of the query as it is typed,
   from window.wenjiSearch (static/search-engine.js) over the files the build wrote, each a plain
   <script>, so the page works from file:// as well as over HTTP. The first page of results is
   shown as soon as it is known; the rest are checked in the background, then counted per speech.
   The results can be sorted by date or grouped by speech (the choice is in the address), and
   the page keeps its place in the history entry (how many results are shown, the scroll
   position), so Back and reload come back to the same list at the same place. ArrowDown/ArrowUp
   and j/k move between results. Everything shown from a speech goes in as text nodes. */
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
  var sortChoice = document.getElementById("search-sort");
  var groupChoice = document.getElementById("search-group");
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
  var engine = null, engineReady = null;
  var script = root.wenjiPage.script, typing = root.wenjiPage.typing;  /* static/common.js */

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

  /* A speech's page with the query to highlight. */
  function speechUrl(speech, query) {
    return "speeches/" + encodeURIComponent(speech[0]) + ".html?hl=" + encodeURIComponent(query);
  }

  /* The link to a hit: its speech page, the query to highlight, the section or paragraph. */
  function resultUrl(d, query) {
    var id = engine.manifest.ids[d];
    return speechUrl(engine.manifest.speech(d), query) +
      "#" + (id ? encodeURIComponent(id) : "title");  /* a title hit lands on the page's <h1 id="title"> */
  }

  function element(tag, className) {
    var made = document.createElement(tag);
    if (className) made.className = className;
    return made;
  }

  function timeOf(date) {
    var time = element("time");
    time.dateTime = date;
    time.textContent = date;
    return time;
  }

  /* A result: link, title and date at once; heading path and snippet when its text is in.
     Under its speech's heading (grouped) the link names the place in the speech instead,
     the speech's title standing in until the text is in. */
  function resultItem(hit, query, words, grouped) {
    var speech = engine.manifest.speech(hit.doc);
    var li = element("li", "hit" + (hit.tier === IN_HEADING ? " in-heading" : ""));
    if (speech[4]) li.lang = speech[4];  /* a speech in traditional characters: zh-Hant */
    var link = element("a", "hit-title"), where = link;
    link.href = resultUrl(hit.doc, query);
    link.textContent = speech[1];
    li.appendChild(link);
    if (!grouped) {
      var meta = element("p", "hit-meta");
      where = element("span", "hit-path");
      meta.appendChild(where);
      if (speech[2]) meta.appendChild(timeOf(speech[2]));
      li.appendChild(meta);
    }
    var text = element("p", "hit-snippet");
    li.appendChild(text);
    function fill() { fillDetails(hit.doc, words, where, text); }
    if (engine.hasText(engine.manifest.speechOf[hit.doc])) fill();
    else engine.withText([hit.doc]).then(fill);
    return li;
  }

  /* Where a hit is (its heading path, or its paragraph) and its snippet, marked. */
  function fillDetails(d, words, where, text) {
    var path = engine.headingPath(d), id = engine.manifest.ids[d];
    where.textContent = "";
    if (path.length) appendMarked(where, path.join(" › "), words);
    else where.textContent = id ? "第" + id.slice(1) + "段" : "标题";
    appendMarked(text, snippet(d, words), words);
  }

  /* A speech's entry in the grouped list: its title (a link to the speech), its date and how
     many hits it holds; its hits go in the list inside. */
  function speechGroup(s, count, query) {
    var speech = engine.manifest.speeches[s];
    var li = element("li", "hit-group"), heading = element("h2", "hit-group-title"), link = element("a");
    link.href = speechUrl(speech, query);
    link.textContent = speech[1];
    heading.appendChild(link);
    li.appendChild(heading);
    var meta = element("p", "hit-meta"), counted = element("span", "count");
    if (speech[2]) meta.appendChild(timeOf(speech[2]));
    counted.textContent = count + " 处";
    meta.appendChild(counted);
    li.appendChild(meta);
    li.appendChild(element("ol", "hit-group-hits"));
    return li;
  }

  /* ---- the list of results ---------------------------------------------------------------- */

  /* The query on the page: {result, hits (relevance order), complete (every hit known),
     order (hits as arranged), perSpeech (hits of each speech), count (drawn so far),
     drawnAs (the arrangement drawn), group (the speech and list the last hit went in)}. */
  var shown = null;
  var generation = 0;  /* of the latest query: answers to an older one are dropped */

  /* The arrangement asked for, as the address spells it. */
  function arrangement() { return (sortChoice.value || "") + (groupChoice.checked ? "/group" : ""); }

  function arranged(hits) {
    var order = [];
    wenjiSearch.arrange(hits, engine.manifest, sortChoice.value, groupChoice.checked).forEach(function (run) {
      order.push.apply(order, run.hits);
    });
    return order;
  }

  function countPerSpeech(hits) {
    var perSpeech = new Map();
    hits.forEach(function (h) {
      var s = engine.manifest.speechOf[h.doc];
      perSpeech.set(s, (perSpeech.get(s) || 0) + 1);
    });
    return perSpeech;
  }

  function clearResults() {
    resultList.textContent = "";
    speechList.textContent = "";
    moreButton.hidden = true;
  }

  /* An empty list, to be drawn in the arrangement now asked for (grouped, the count per speech
     is in the list: the summary above it goes). */
  function startList() {
    resultList.textContent = "";
    resultList.classList.toggle("grouped", groupChoice.checked);
    speechList.parentNode.hidden = groupChoice.checked;
    shown.count = 0;
    shown.drawnAs = arrangement();
    shown.group = null;
  }

  /* lunr.js's scores of the hits about to be shown (a check that they are its hits). */
  function score(hits) {
    var unscored = hits.filter(function (h) { return h.score === undefined; });
    if (unscored.length) engine.scores(shown.result, unscored);
  }

  /* Draws the hits of shown.order up to the count-th: in the list, or (grouped) each under its
     speech's entry. */
  function drawUpTo(count) {
    var next = shown.order.slice(shown.count, count), result = shown.result;
    var grouped = /\/group$/.test(shown.drawnAs), speechOf = engine.manifest.speechOf;
    score(next);
    next.forEach(function (hit) {
      var s = speechOf[hit.doc];
      if (grouped && (!shown.group || shown.group.speech !== s)) {
        var entry = speechGroup(s, shown.perSpeech.get(s), result.query);
        resultList.appendChild(entry);
        shown.group = { speech: s, list: entry.querySelector("ol") };
      }
      (grouped ? shown.group.list : resultList).appendChild(resultItem(hit, result.query, result.words, grouped));
    });
    shown.count += next.length;
    offerMore();
  }

  function offerMore() {
    var left = shown.order.length - shown.count;
    moreButton.hidden = left <= 0;
    moreButton.textContent = "再显示 " + Math.min(left, PAGE_SIZE) + " 处（还有 " + left + " 处）";
  }

  /* The result links, in the order shown. */
  function resultLinks() {
    return Array.prototype.slice.call(resultList.querySelectorAll("a.hit-title"));
  }

  /* The next page of results; focus goes from the button to the first of them. */
  function showMore() {
    var from = shown.count, pressed = document.activeElement === moreButton;
    drawUpTo(shown.count + PAGE_SIZE);
    if (pressed) {
      var first = resultLinks()[from];
      if (first) first.focus();
    }
    savePlace();
  }

  /* Sort or grouping changed: the list drawn again, as many results as before. */
  function rearrange() {
    savePlace();
    if (!shown || !shown.complete) return;  /* showAll arranges them */
    var count = shown.count;
    shown.order = arranged(shown.hits);
    startList();
    drawUpTo(Math.max(count, PAGE_SIZE));
    savePlace();
  }

  /* Hits per speech, in archive order; returns how many speeches. */
  function listSpeeches(perSpeech) {
    speechList.textContent = "";
    Array.from(perSpeech.keys()).sort(function (a, b) { return a - b; }).forEach(function (s) {
      var li = element("li"), speech = engine.manifest.speeches[s];
      li.textContent = speech[1] + (speech[2] ? "（" + speech[2] + "）" : "") + "：";
      var count = element("span", "count");
      count.textContent = perSpeech.get(s) + " 处";
      li.appendChild(count);
      speechList.appendChild(li);
    });
    return perSpeech.size;
  }

  /* The first page, shown at once when the arrangement is by relevance: links, titles and
     dates; heading paths and snippets as their text arrives (already in when the query needed
     it for checking). Another arrangement waits for every hit. */
  function showFirst(result, first, keep) {
    clearResults();
    shown = { result: result, hits: first, order: first, complete: false, perSpeech: null };
    startList();
    var byRelevance = !sortChoice.value && !groupChoice.checked;
    if (byRelevance) drawUpTo(first.length);
    var found = result.candidates.filter(function (h) { return h.literal !== LACKS && keep(h.doc); });
    if (found.some(function (h) { return h.literal === UNCHECKED; })) {
      say("已找到 " + first.length + " 处，正在核对其余的候选" + (byRelevance ? "…" : "，核对完即按所选方式排列…"));
    } else {
      say(found.length ? "找到 " + found.length + " 处。" : "没有找到“" + result.query + "”。");
    }
    app.setAttribute("data-shown", result.query);
    app.dispatchEvent(new CustomEvent("wenji-search-rendered", { detail: result.query }));
  }

  /* Whether the first n of two orders are the same hits. */
  function samePrefix(a, b, n) {
    if (a.length < n || b.length < n) return false;
    for (var j = 0; j < n; j++) if (a[j] !== b[j]) return false;
    return true;
  }

  /* All results known: arranged, counted per speech, as many shown as before (or as the place
     to come back to says), then data-query for whoever waits. */
  function showAll(result, hits, place, current) {
    var drawn = shown.order;
    shown.hits = hits;
    shown.complete = true;
    shown.order = arranged(hits);
    shown.perSpeech = countPerSpeech(hits);
    var count = Math.max(shown.count, PAGE_SIZE, place ? place.count : 0);
    if (shown.drawnAs !== arrangement() || !samePrefix(drawn, shown.order, shown.count)) startList();
    drawUpTo(count);
    var speeches = listSpeeches(shown.perSpeech);
    say(hits.length ? "找到 " + hits.length + " 处，分布在 " + speeches + " 篇中。" : "没有找到“" + result.query + "”。");
    function done() {
      app.setAttribute("data-state", "done");
      app.setAttribute("data-query", result.query);
    }
    if (!place) {
      savePlace();
      return done();
    }
    backToPlace(place, current).then(function (back) { if (back) done(); });
  }

  function showNothingAsked(query) {
    clearResults();
    shown = null;
    say("请输入要检索的文字。");
    app.setAttribute("data-query", query);
  }

  /* ---- the place in the history entry --------------------------------------------------- */

  /* The place saved in this history entry, if it is the place of this address's results:
     {count, scroll}. Back and reload give the entry back with its state, from file:// too. */
  function savedPlace() {
    var state = history.state;
    if (!state || typeof state.search !== "string" || !(state.count > 0)) return null;
    if (new URLSearchParams(state.search).toString() !== new URLSearchParams(location.search).toString()) return null;
    return { count: state.count, scroll: +state.scroll || 0 };
  }

  var placing = savedPlace();  /* the place being come back to; nothing is saved meanwhile */

  /* The address and, in the history entry, how many results are shown and the scroll. */
  function savePlace() { keepPlace(shown && shown.complete ? shown.count : 0); }

  function keepPlace(count) {
    if (placing) return;
    var search = searchFor(box.value);
    var state = { search: search, count: count, scroll: Math.round(window.scrollY) };
    try {
      history.replaceState(state, "", location.pathname + search + location.hash);
    } catch (e) { /* a browser that refuses: the page still works, without its place kept */ }
  }

  /* Once the shown results have their text (and so their height), scrolls to the place;
     Promise of whether the query is still the page's. */
  function backToPlace(place, current) {
    var docs = shown.order.slice(0, shown.count).map(function (h) { return h.doc; });
    return engine.withText(docs).then(function () {
      return new Promise(function (resolve) { setTimeout(resolve, 0); });  /* after the snippets are filled */
    }).then(function () {
      if (!current()) return false;
      window.scrollTo(0, place.scroll);
      placing = null;
      savePlace();
      return true;
    });
  }

  var scrollTimer = 0;
  function saveScrollSoon() {
    clearTimeout(scrollTimer);
    scrollTimer = setTimeout(savePlace, 150);  /* browsers limit how often history may change */
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

  /* The address's query part for the query, filters and arrangement (so it can be bookmarked
     and shared). */
  function searchFor(query) {
    var params = new URLSearchParams();
    if (query) params.set("q", query);
    if (kindFilter && kindFilter.value) params.set("kind", kindFilter.value);
    if (yearFilter && yearFilter.value) params.set("year", yearFilter.value);
    if (sortChoice.value) params.set("sort", sortChoice.value);
    if (groupChoice.checked) params.set("group", "1");
    var search = params.toString();
    return search ? "?" + search : "";
  }

  /* ---- a query ---------------------------------------------------------------------------------- */

  /* The "趋势" link: the query's occurrences year by year (trends.html). */
  var trendLink = document.getElementById("search-trend");
  function showTrendLink(query) {
    if (!trendLink) return;
    trendLink.hidden = !query.trim();
    trendLink.firstElementChild.href = "trends.html?q=" + encodeURIComponent(query.trim());
  }

  /* The query in the box, with the filters: the first page, then every answer. Only the
     page's first query comes back to a saved place. */
  function run() {
    var query = box.value, gen = ++generation;
    function current() { return gen === generation; }
    if (gen > 1) placing = null;
    var place = placing;
    keepPlace(0);
    app.removeAttribute("data-state");
    showTrendLink(query);
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
      if (done && done[1] && current()) showAll(result, done[1], place, current);
    }).catch(function (e) { if (current() && engine && engine.manifest) say("检索出错（" + e.message + "）。"); });
  }

  /* ---- the keyboard ------------------------------------------------------------------------ */


  /* Where ArrowDown/ArrowUp or j/k take focus from the element that has it, or null to leave
     the key to the browser: from a result to the next or previous one (up from the first
     goes to the search box, down from the last to "more", up from "more" to the last);
     ArrowDown from the search box and j/k from anywhere but a field to the first result. */
  function keyTarget(key, from) {
    var down = key === "ArrowDown" || key === "j", letter = key === "j" || key === "k";
    if (!down && key !== "ArrowUp" && key !== "k") return null;
    var links = resultLinks(), at = links.indexOf(from);
    if (from === box) return key === "ArrowDown" ? links[0] || null : null;
    if (from === moreButton) return down ? null : links[links.length - 1] || null;
    if (typing(from)) return null;
    if (at < 0) return letter ? links[0] || null : null;
    if (down) return links[at + 1] || (moreButton.hidden ? null : moreButton);
    return at > 0 ? links[at - 1] : box;
  }

  function onKey(e) {
    if (e.ctrlKey || e.metaKey || e.altKey || e.isComposing || e.defaultPrevented) return;
    var target = keyTarget(e.key, document.activeElement);
    if (!target) return;
    e.preventDefault();
    target.focus();
  }

  /* A second skip link, beside the page's own, to the first result (the results exist only
     with scripts, so the link does too). */
  function addSkipLink() {
    var skip = document.querySelector("a.skip"), link = element("a", "skip skip-results");
    link.href = "#search-results";
    link.textContent = "跳到检索结果";
    link.addEventListener("click", function (e) {
      var first = resultLinks()[0];
      e.preventDefault();
      (first || box).focus();
    });
    if (skip) skip.parentNode.insertBefore(link, skip.nextSibling);
    else document.body.insertBefore(link, document.body.firstChild);
  }

  /* ---- start ------------------------------------------------------------------------------------ */

  var params = new URLSearchParams(location.search);
  box.value = params.get("q") || "";
  if (kindFilter) kindFilter.value = params.get("kind") || "";
  if (yearFilter) yearFilter.value = params.get("year") || "";
  sortChoice.value = params.get("sort") || "";
  if (sortChoice.selectedIndex < 0) sortChoice.value = "";
  groupChoice.checked = params.get("group") === "1";
  try { history.scrollRestoration = "manual"; } catch (e) { /* the page restores the scroll itself */ }
  addSkipLink();
  moreButton.addEventListener("click", showMore);
  box.addEventListener("input", run);
  box.addEventListener("focus", function () { ready().catch(function () {}); }, { once: true });
  [kindFilter, yearFilter].forEach(function (filter) { if (filter) filter.addEventListener("change", run); });
  sortChoice.addEventListener("change", rearrange);
  groupChoice.addEventListener("change", rearrange);
  if (box.form) box.form.addEventListener("submit", function (e) { e.preventDefault(); run(); });
  document.addEventListener("keydown", onKey);
  window.addEventListener("scroll", saveScrollSoon, { passive: true });
  window.addEventListener("pagehide", savePlace);
  resultList.addEventListener("click", savePlace, true);
  run();
})(window);
