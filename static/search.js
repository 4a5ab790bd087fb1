/* wenji search page: search.html?q=... answers from the index built by lunr.py (see
   wenji/search.py for the format and why). The data files are plain <script>s inserted on
   first use, so the page works from file:// as well as over HTTP. Everything shown from the
   index goes into the page as text nodes. */
(function (root) {
  "use strict";

  var DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_$";
  var VALUE = new Int8Array(128).fill(-1);
  for (var i = 0; i < DIGITS.length; i++) VALUE[DIGITS.charCodeAt(i)] = i;

  /* Reads the base-32 numbers written by wenji.search._vint from a string. */
  function Reader(s) { this.s = s; this.i = 0; }
  Reader.prototype.int = function () {
    var n = 0, v;
    do {
      v = VALUE[this.s.charCodeAt(this.i++)];
      n = n * 32 + (v & 31);
    } while (v >= 32);
    return n;
  };
  Reader.prototype.end = function () {
    if (this.s.charCodeAt(this.i) === 44) { this.i++; return true; }
    return false;
  };

  /* Python's round(x, 3): correctly rounded, ties to even (only x = odd/16 can tie). */
  function round3(x) {
    var t = x * 16;
    if (t === Math.floor(t) && Math.abs(t % 2) === 1) {
      var lo = Math.floor(x * 1000);
      return (lo % 2 === 0 ? lo : lo + 1) / 1000;
    }
    return Number(x.toFixed(3));
  }

  /* The compact index -> terms in UTF-16 order (lunr's term numbers), where each term's
     postings start, field lengths. Postings are read per term, when a query needs them. */
  function decode(ix) {
    var alphabet = Array.from(ix.a), terms = [], r = new Reader(ix.t);
    for (var c = 0; c < alphabet.length; c++) {
      var v = r.int(), k = v >> 1, rank = -1, first = alphabet[c];
      if (v & 1) terms.push(first);
      for (var j = 0; j < k; j++) {
        rank += r.int() + 1;
        terms.push(first + alphabet[rank]);
      }
    }
    terms.sort();
    var n = ix.n, start = new Int32Array(terms.length + 1), at = 0;
    for (var t = 0; t < terms.length; t++) {
      start[t] = at;
      at = ix.p.indexOf(",", at) + 1;
    }
    start[terms.length] = at;
    var len = new Float64Array(n), lr = new Reader(ix.l), total = 0;
    for (var d = 0; d < n; d++) total += (len[d] = lr.int());
    var id = new Map();
    for (var i2 = 0; i2 < terms.length; i2++) id.set(terms[i2], i2);
    return { n: n, k1: ix.k1, b: ix.b, field: ix.field, terms: terms, id: id, start: start,
             p: ix.p, cache: new Map(), len: len, avg: total / n };
  }

  /* Term t's postings: {docs, tfs}, read from the index string once. */
  function postings(D, t) {
    var got = D.cache.get(t);
    if (got) return got;
    var r = new Reader(D.p), docs = [], tfs = [], d = -1;
    r.i = D.start[t];
    while (!r.end()) {
      var v = r.int();
      d += (v >> 1) + 1;
      docs.push(d);
      tfs.push(v & 1 ? r.int() + 2 : 1);
    }
    got = { docs: docs, tfs: tfs };
    D.cache.set(t, got);
    return got;
  }

  /* lunr's serialized index for the given term numbers (ascending), with the BM25 weights
     lunr.py computes (same operations in the same order, rounded as it rounds). All terms
     and all documents give exactly lunr.py's Index.serialize(). */
  function serialize(D, ids, allDocs) {
    var inverted = [], vectors = new Map();
    if (allDocs) for (var d0 = 0; d0 < D.n; d0++) vectors.set(d0, []);
    for (var i = 0; i < ids.length; i++) {
      var t = ids[i], ps = postings(D, t), df = ps.docs.length;
      var idf = Math.log(1 + Math.abs((D.n - df + 0.5) / (df + 0.5)));
      var docsOf = {}, posting = {};
      posting[D.field] = docsOf;
      posting._index = t;
      for (var j = 0; j < df; j++) {
        var d = ps.docs[j], tf = ps.tfs[j];
        var score = idf * ((D.k1 + 1) * tf) / (D.k1 * (1 - D.b + D.b * (D.len[d] / D.avg)) + tf);
        docsOf[d] = {};
        var vec = vectors.get(d);
        if (!vec) vectors.set(d, vec = []);
        vec.push(t, round3(score));
      }
      inverted.push([D.terms[t], posting]);
    }
    var order = Array.from(vectors.keys()).sort(function (a, b) { return a - b; });
    return {
      version: "2.3.9",
      fields: [D.field],
      fieldVectors: order.map(function (d) { return [D.field + "/" + d, vectors.get(d)]; }),
      invertedIndex: inverted,
      pipeline: []
    };
  }

  /* Term numbers starting with c (a prefix query c*): one block in UTF-16 order. */
  function prefixed(D, c) {
    var lo = 0, hi = D.terms.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (D.terms[mid] < c) lo = mid + 1; else hi = mid;
    }
    var out = [];
    for (var i = lo; i < D.terms.length && D.terms[i].lastIndexOf(c, 0) === 0; i++) out.push(i);
    return out;
  }

  /* Same clauses as SearchIndex.clauses in wenji/search.py: [{term, prefix}]. */
  function clauses(D, query, text) {
    var seen = new Set(), out = [];
    function add(term, prefix) {
      var key = (prefix ? "*" : "=") + term;
      if (!seen.has(key)) { seen.add(key); out.push({ term: term, prefix: prefix }); }
    }
    text.words(query).forEach(function (w) {
      text.runs(w).forEach(function (run) {
        var chars = Array.from(run), known = [];
        for (var i = 0; i + 1 < chars.length; i++) {
          var bigram = chars[i] + chars[i + 1];
          if (D.id.has(bigram)) known.push(bigram);
        }
        known.forEach(function (t) { add(t, false); });
        if (!known.length) chars.forEach(function (c) { add(c, true); });
      });
    });
    return out;
  }

  /* lunr's hits [{ref, score}] for the clauses, from an index of just the terms they need:
     lunr divides by the query vector's length only, so the scores are the whole index's. */
  function lunrHits(lunr, D, cls) {
    var ids = new Set();
    cls.forEach(function (c) {
      if (c.prefix) prefixed(D, c.term).forEach(function (t) { ids.add(t); });
      else ids.add(D.id.get(c.term));
    });
    var sorted = Array.from(ids).sort(function (a, b) { return a - b; });
    var idx = lunr.Index.load(serialize(D, sorted, false));
    return idx.query(function (q) {
      cls.forEach(function (c) {
        q.term(c.term, {
          presence: lunr.Query.presence.REQUIRED, usePipeline: false,
          wildcard: c.prefix ? lunr.Query.wildcard.TRAILING : lunr.Query.wildcard.NONE
        });
      });
    });
  }

  /* The engine: decoded index + documents -> ranked hits holding every word literally. */
  function Engine(lunr, data, text) {
    this.lunr = lunr;
    this.text = text;
    this.D = decode(data.index);
    this.speeches = data.docs.speeches;
    this.docs = data.docs.docs;
    this.folded = new Array(this.docs.length);
    this.foldedHead = new Array(this.docs.length);
  }
  Engine.prototype.docText = function (d) {
    var row = this.docs[d], parts = row[3] ? [row[3]] : [];
    for (var i = 5; i < row.length; i += 2) parts.push(row[i]);
    return parts.join("\n");
  };
  Engine.prototype.foldedText = function (d) {
    var f = this.folded[d];
    if (f === undefined) f = this.folded[d] = this.text.fold(this.docText(d));
    return f;
  };
  Engine.prototype.search = function (query) {
    var ws = this.text.words(query);
    if (!ws.length) return [];
    var cls = clauses(this.D, query, this.text), hits;
    if (cls.length) {
      hits = lunrHits(this.lunr, this.D, cls).map(function (h) { return { doc: +h.ref, score: h.score }; });
    } else {  /* only punctuation: check every document */
      hits = this.docs.map(function (_, d) { return { doc: d, score: 0 }; });
    }
    var out = [], self = this;
    hits.forEach(function (h) {
      var folded = self.foldedText(h.doc);
      for (var i = 0; i < ws.length; i++) if (folded.indexOf(ws[i]) < 0) return;
      var fh = self.foldedHead[h.doc];
      if (fh === undefined) fh = self.foldedHead[h.doc] = self.text.fold(self.docs[h.doc][3]);
      h.tier = fh && ws.every(function (w) { return fh.indexOf(w) >= 0; }) ? 0 : 1;
      out.push(h);
    });
    out.sort(function (a, b) { return a.tier - b.tier || b.score - a.score || a.doc - b.doc; });
    return out;
  };

  var api = { decode: decode, serialize: serialize, clauses: clauses, round3: round3,
              lunrHits: lunrHits, Engine: Engine };
  root.wenjiSearch = api;
  if (typeof document === "undefined" || !document.getElementById("search-app")) return;

  /* ---- the results page -------------------------------------------------------------- */

  var app = document.getElementById("search-app");
  var box = document.getElementById("q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var perSpeech = document.getElementById("search-speeches");
  var kindSel = document.getElementById("search-kind");
  var yearSel = document.getElementById("search-year");
  var data = root[app.getAttribute("data-global")] = root[app.getAttribute("data-global")] || {};
  var engine = null, loading = null;
  var PAGE = 20, current = null;
  var moreButton = document.createElement("button");
  moreButton.type = "button";
  moreButton.className = "search-more";
  moreButton.hidden = true;
  moreButton.addEventListener("click", more);
  list.parentNode.insertBefore(moreButton, list.nextSibling);

  function say(text) { status.textContent = text; }

  function load(src) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = src;
      s.async = false;
      s.onload = resolve;
      s.onerror = function () { reject(new Error(src)); };
      document.head.appendChild(s);
    });
  }

  /* Inserts lunr.js and the index scripts once, on the first query. */
  function ready() {
    if (!loading) {
      var base = app.getAttribute("data-base");
      loading = Promise.all([load(app.getAttribute("data-lunr")), load(base + "docs.js"), load(base + "index.js")])
        .then(function () { engine = new Engine(root.lunr, data, root.wenjiText); return engine; });
      loading.catch(function (e) { say("检索数据未能载入（" + e.message + "）。"); });
    }
    return loading;
  }

  function headingPath(d) {
    var path = [];
    for (var row = engine.docs[d]; row; row = row[1] >= 0 ? engine.docs[row[1]] : null) {
      if (row[2] && row[3]) path.unshift(row[3]);  /* sections; not paragraphs or the title */
    }
    return path;
  }

  /* Text with the words' occurrences in <mark>, as DOM nodes (never HTML). */
  function marked(parent, text, ws) {
    var fm = root.wenjiText.foldMap(text), at = 0;
    root.wenjiText.spans(fm.text, ws).forEach(function (s) {
      var a = fm.map[s[0]], b = fm.map[s[1]];
      if (a > at) parent.appendChild(document.createTextNode(text.slice(at, a)));
      var m = document.createElement("mark");
      m.textContent = text.slice(a, b);
      parent.appendChild(m);
      at = b;
    });
    if (at < text.length) parent.appendChild(document.createTextNode(text.slice(at)));
  }

  /* Where the first occurrence of a word starts in text, at or after from; -1 if none. */
  function firstAt(text, ws, from) {
    var folded = root.wenjiText.fold(text, true), pos = -1;
    if (folded !== null) {  /* the usual case: offsets in the folded text are the text's */
      ws.forEach(function (w) {
        var at = folded.indexOf(w, from);
        if (at >= 0 && (pos < 0 || at < pos)) pos = at;
      });
      return pos;
    }
    var fm = root.wenjiText.foldMap(text), spans = root.wenjiText.spans(fm.text, ws);
    for (var i = 0; i < spans.length; i++) if (fm.map[spans[i][0]] >= from) return fm.map[spans[i][0]];
    return -1;
  }

  /* Up to 120 characters of the paragraph holding the first match (or of the first one). */
  function snippet(d, ws) {
    var row = engine.docs[d], text = engine.docText(d);
    var body = row[3] && row.length > 4 ? row[3].length + 1 : 0;  /* paragraphs follow the heading */
    var pos = firstAt(text, ws, body);
    if (pos < 0) pos = body;
    var lineStart = text.lastIndexOf("\n", pos - 1) + 1, lineEnd = text.indexOf("\n", pos);
    if (lineEnd < 0) lineEnd = text.length;
    var from = Math.max(lineStart, pos - 30), to = Math.min(lineEnd, from + 120);
    return (from > lineStart ? "…" : "") + text.slice(from, to) + (to < lineEnd ? "…" : "");
  }

  function hitUrl(h, query) {
    var row = engine.docs[h.doc], slug = engine.speeches[row[0]][0];
    return "speeches/" + encodeURIComponent(slug) + ".html?hl=" + encodeURIComponent(query) +
      "#" + (row[2] ? encodeURIComponent(row[2]) : "title");  /* a title hit lands on the page's <h1 id="title"> */
  }

  function option(sel, value) {
    return !sel || !sel.value || sel.value === value;
  }

  function item(h, query, ws) {
    var row = engine.docs[h.doc], sp = engine.speeches[row[0]];
    var li = document.createElement("li");
    li.className = "hit" + (h.tier === 0 ? " in-heading" : "");
    var a = document.createElement("a");
    a.href = hitUrl(h, query);
    a.className = "hit-title";
    a.textContent = sp[1];
    li.appendChild(a);
    var meta = document.createElement("p");
    meta.className = "hit-meta";
    var where = document.createElement("span");
    where.className = "hit-path";
    var path = headingPath(h.doc);
    if (path.length) marked(where, path.join(" › "), ws);
    else where.textContent = row[2] ? "第" + row[2].slice(1) + "段" : "标题";
    meta.appendChild(where);
    if (sp[2]) {
      var time = document.createElement("time");
      time.dateTime = sp[2];
      time.textContent = sp[2];
      meta.appendChild(time);
    }
    li.appendChild(meta);
    var snip = document.createElement("p");
    snip.className = "hit-snippet";
    marked(snip, snippet(h.doc, ws), ws);
    li.appendChild(snip);
    return li;
  }

  /* Appends the next page of results to the list. */
  function more() {
    var ws = root.wenjiText.words(current.query), frag = document.createDocumentFragment();
    var next = current.hits.slice(current.shown, current.shown + PAGE);
    next.forEach(function (h) { frag.appendChild(item(h, current.query, ws)); });
    list.appendChild(frag);
    current.shown += next.length;
    var left = current.hits.length - current.shown;
    moreButton.hidden = left <= 0;
    moreButton.textContent = "再显示 " + Math.min(left, PAGE) + " 处（还有 " + left + " 处）";
  }

  function render(query, hits) {
    var shown = hits.filter(function (h) {
      var sp = engine.speeches[engine.docs[h.doc][0]];
      return option(kindSel, sp[3]) && option(yearSel, sp[2].slice(0, 4));
    });
    list.textContent = "";
    perSpeech.textContent = "";
    var counts = new Map();
    shown.forEach(function (h) {
      var s = engine.docs[h.doc][0];
      counts.set(s, (counts.get(s) || 0) + 1);
    });
    Array.from(counts.keys()).sort(function (a, b) { return a - b; }).forEach(function (s) {
      var li = document.createElement("li"), sp = engine.speeches[s];
      li.textContent = sp[1] + (sp[2] ? "（" + sp[2] + "）" : "") + "：";
      var n = document.createElement("span");
      n.className = "count";
      n.textContent = counts.get(s) + " 处";
      li.appendChild(n);
      perSpeech.appendChild(li);
    });
    current = { query: query, hits: shown, shown: 0 };
    more();
    say(shown.length ? "找到 " + shown.length + " 处，分布在 " + counts.size + " 篇中。"
                     : "没有找到“" + query + "”。");
  }

  function stateUrl(query) {
    var params = new URLSearchParams();
    if (query) params.set("q", query);
    if (kindSel && kindSel.value) params.set("kind", kindSel.value);
    if (yearSel && yearSel.value) params.set("year", yearSel.value);
    var qs = params.toString();
    return location.pathname + (qs ? "?" + qs : "") + location.hash;
  }

  function run() {
    var query = box.value;
    try { history.replaceState(null, "", stateUrl(query)); } catch (e) { /* file:// in some browsers */ }
    if (!root.wenjiText.words(query).length) {
      list.textContent = "";
      perSpeech.textContent = "";
      moreButton.hidden = true;
      say("请输入要检索的文字。");
      app.setAttribute("data-query", query);
      return;
    }
    if (!engine) say("正在载入检索数据…");
    ready().then(function () {
      if (box.value !== query) return;  /* a later keystroke will render */
      render(query, engine.search(query));
      app.setAttribute("data-state", "done");
      app.setAttribute("data-query", query);
      app.dispatchEvent(new CustomEvent("wenji-search-rendered", { detail: query }));
    }).catch(function () { /* already said in the status line */ });
  }

  var params = new URLSearchParams(location.search);
  box.value = params.get("q") || "";
  if (kindSel) kindSel.value = params.get("kind") || "";
  if (yearSel) yearSel.value = params.get("year") || "";
  box.addEventListener("input", run);
  box.addEventListener("focus", function () { ready().catch(function () {}); }, { once: true });
  [kindSel, yearSel].forEach(function (sel) { if (sel) sel.addEventListener("change", run); });
  if (box.form) box.form.addEventListener("submit", function (e) { e.preventDefault(); run(); });
  run();
})(typeof window !== "undefined" ? window : globalThis);
