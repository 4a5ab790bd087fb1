/* wenji search page: search.html?q=... answers from the files wenji/search_shards.py writes
   (see wenji/search.py for the model and why). A query loads the manifest, the term shards
   that hold its terms and the text of the results it shows, each a plain <script>, so the
   page works from file:// as well as over HTTP. Everything shown goes in as text nodes. */
(function (root) {
  "use strict";

  var DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_$";
  var VALUE = new Int8Array(128).fill(-1);
  for (var i = 0; i < DIGITS.length; i++) VALUE[DIGITS.charCodeAt(i)] = i;

  /* Reads the numbers of wenji.search_shards.vint: digits 48-63 continue a number
     (bijective base 16, high first), a digit below 48 ends it. */
  function Reader(s) { this.s = s; this.i = 0; }
  Reader.prototype.int = function () {
    var q = 0, v;
    while ((v = VALUE[this.s.charCodeAt(this.i++)]) >= 48) q = q * 16 + v - 47;
    return q * 48 + v;
  };
  Reader.prototype.more = function () { return this.i < this.s.length; };
  function ints(s) {
    var r = new Reader(s), out = [];
    while (r.more()) out.push(r.int());
    return out;
  }
  /* Ascending numbers written as differences minus one. */
  function ascending(r, n) {
    var out = [], x = -1;
    for (var j = 0; j < n; j++) out.push(x += r.int() + 1);
    return out;
  }

  /* Python's round(x, 3): correctly rounded, ties to even (only x = odd/16 can tie). Far
     from a half, Math.round(x * 1000) / 1000 is that value (the product's error is tiny). */
  function round3(x) {
    var y = x * 1000, r = Math.round(y);
    if (Math.abs(Math.abs(y - r) - 0.5) > 1e-6) return r / 1000;
    var t = x * 16;
    if (t === Math.floor(t) && Math.abs(t % 2) === 1) {
      var lo = Math.floor(x * 1000);
      return (lo % 2 === 0 ? lo : lo + 1) / 1000;
    }
    return Number(x.toFixed(3));
  }

  /* wenji.search_shards.key16, inverted: characters numbered in UTF-16 order. */
  function char16(k) {
    if (k < 0xd800) return String.fromCharCode(k);
    if (k < 0x10d800) return String.fromCodePoint(k - 0xd800 + 0x10000);
    return String.fromCharCode(k - 0x10d800 + 0xe000);
  }

  function Manifest(m) {
    var k = 0, r, d, s;
    this.n = m.n; this.k1 = m.k1; this.b = m.b; this.field = m.field;
    this.alphabet = ints(m.a).map(function (x) { return char16(k += x); });
    this.len = new Float64Array(ints(m.l));
    var total = 0;
    for (d = 0; d < this.n; d++) total += this.len[d];
    this.avg = total / this.n;
    this.shards = m.shards;
    this.speeches = m.speeches;
    this.ids = m.ids.split(" ");
    this.first = [0];  /* first document of each speech */
    this.speechOf = new Int32Array(this.n);
    r = ints(m.sd);
    for (s = 0, d = 0; s < r.length; s++) {
      for (var e = d + r[s]; d < e; d++) this.speechOf[d] = s;
      this.first.push(d);
    }
  }

  /* A term shard: its terms (lunr numbers start + i), their postings (read on demand), which
     postings are in a heading, and per character the headings holding it that no term's
     heading flag shows. */
  function Shard(x, M) {
    var r = new Reader(x.t), rank = -1, c, v, j, t;
    this.start = x.s;
    this.terms = [];
    while (r.more()) {
      c = M.alphabet[rank += r.int() + 1];
      v = r.int();
      if (v & 1) this.terms.push(c);
      ascending(r, v >> 1).forEach(function (second) { this.terms.push(c + M.alphabet[second]); }, this);
    }
    this.p = x.p.split(",");
    this.got = [];
    this.head = new Map();
    for (r = new Reader(x.h), t = -1; r.more();) {
      t += r.int() + 1;
      this.head.set(t, ascending(r, r.int() + 1));
    }
    this.chars = new Map();
    for (r = new Reader(x.c), rank = -1; r.more();) {
      c = M.alphabet[rank += r.int() + 1];
      this.chars.set(c, ascending(r, r.int() + 1));
    }
  }
  /* Postings of local term i: {docs, tfs}. */
  Shard.prototype.postings = function (i) {
    var got = this.got[i];
    if (got) return got;
    var r = new Reader(this.p[i]), docs = [], tfs = [], d = -1, v;
    while (r.more()) {
      v = r.int();
      docs.push(d += (v >> 1) + 1);
      tfs.push(v & 1 ? r.int() + 2 : 1);
    }
    return (this.got[i] = { docs: docs, tfs: tfs });
  };

  /* The engine: manifest, shards and text chunks, loaded through load(name) -> Promise. */
  function Engine(lunr, text, load, data) {
    this.lunr = lunr; this.text = text; this.load = load; this.data = data;
    this.shards = []; this.terms = new Map(); this.chunks = [];
  }
  Engine.prototype.get = function (name) {
    var data = this.data;
    return this.load(name).then(function () { return data[name]; });
  };
  Engine.prototype.ready = function () {
    var self = this;
    if (!this.started) this.started = this.get("manifest").then(function (m) { self.M = new Manifest(m); });
    return this.started;
  };
  /* The shard whose range holds term t: the last one starting at or before it. */
  Engine.prototype.shardOf = function (t) {
    var s = this.M.shards, lo = 0, hi = s.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (s[mid] <= t) lo = mid; else hi = mid - 1;
    }
    return lo;
  };
  /* Shards that may hold terms starting with c (a prefix query c*). */
  Engine.prototype.prefixShards = function (c) {
    var s = this.M.shards, k = this.shardOf(c), out = [k];
    while (k + 1 < s.length && s[k + 1].lastIndexOf(c, 0) === 0) out.push(++k);
    return out;
  };
  Engine.prototype.loadShards = function (ks) {
    var self = this;
    return Promise.all(ks.map(function (k) {
      if (!self.shards[k]) {
        self.shards[k] = self.get("t/" + k).then(function (x) {
          var sh = new Shard(x, self.M);
          sh.terms.forEach(function (t, i) { self.terms.set(t, { s: sh, i: i, n: sh.start + i }); });
          return (self.shards[k] = sh);
        });
      }
      return self.shards[k];
    }));
  };
  /* Loaded terms starting with c, in lunr's order. */
  Engine.prototype.prefixed = function (c) {
    var out = [];
    this.prefixShards(c).forEach(function (k) {
      var sh = this.shards[k];
      sh.terms.forEach(function (t, i) { if (t.lastIndexOf(c, 0) === 0) out.push(this.terms.get(t)); }, this);
    }, this);
    return out;
  };

  /* Same clauses as SearchIndex.clauses in wenji/search.py: [{term, prefix}]; each run of a
     word is its known bigrams, or the prefixes of its characters if it has none. */
  Engine.prototype.clauses = function (query) {
    var seen = new Set(), out = [], self = this;
    function add(term, prefix) {
      var key = (prefix ? "*" : "=") + term;
      if (!seen.has(key)) { seen.add(key); out.push({ term: term, prefix: prefix }); }
    }
    this.text.words(query).forEach(function (w) {
      self.text.runs(w).forEach(function (run) {
        var known = self.known(run);
        known.forEach(function (t) { add(t, false); });
        if (!known.length) Array.from(run).forEach(function (c) { add(c, true); });
      });
    });
    return out;
  };
  Engine.prototype.known = function (run) {
    var chars = Array.from(run), out = [];
    for (var j = 0; j + 1 < chars.length; j++) {
      if (this.terms.has(chars[j] + chars[j + 1])) out.push(chars[j] + chars[j + 1]);
    }
    return out;
  };

  function weight(M, idf, tf, d) {
    return round3(idf * ((M.k1 + 1) * tf) / (M.k1 * (1 - M.b + M.b * (M.len[d] / M.avg)) + tf));
  }
  function idfOf(M, df) { return Math.log(1 + Math.abs((M.n - df + 0.5) / (df + 0.5))); }
  var NONE = {};  /* the (empty) metadata of every posting, shared */

  /* lunr's serialized index of the given terms ({s, i, n}, ascending n) over the documents
     that hold them and keep(d) accepts, with the BM25 weights lunr.py computes (same
     operations in the same order, rounded as it rounds). All terms and documents give
     lunr.py's Index.serialize() of the whole archive. */
  Engine.prototype.serialize = function (infos, allDocs, keep) {
    var M = this.M, inverted = [], vectors = new Map();
    if (allDocs) for (var d0 = 0; d0 < M.n; d0++) vectors.set(d0, []);
    infos.forEach(function (info) {
      var ps = info.s.postings(info.i), df = ps.docs.length, idf = idfOf(M, df);
      var docsOf = {}, posting = {};
      posting[M.field] = docsOf;
      posting._index = info.n;
      for (var j = 0; j < df; j++) {
        var d = ps.docs[j];
        if (keep && !keep(d)) continue;
        docsOf[d] = NONE;
        var vec = vectors.get(d);
        if (!vec) vectors.set(d, vec = []);
        vec.push(info.n, weight(M, idf, ps.tfs[j], d));
      }
      inverted.push([info.s.terms[info.i], posting]);
    });
    var order = Int32Array.from(vectors.keys()).sort();
    return {
      version: "2.3.9", fields: [M.field], invertedIndex: inverted, pipeline: [],
      fieldVectors: Array.from(order, function (d) { return [M.field + "/" + d, vectors.get(d)]; })
    };
  };
  /* lunr.js's answer to the query's clauses from an index of its terms over the documents
     keep(d) accepts: [{doc, score}]. lunr divides the dot product of the query's vector
     and a document's by the length of the query's only, so these are the scores one index
     of the whole archive gives. */
  Engine.prototype.lunrHits = function (R, keep) {
    var lunr = this.lunr, idx = lunr.Index.load(this.serialize(R.infos, false, keep));
    return idx.query(function (q) {
      R.clauses.forEach(function (c) {
        q.term(c.term, {
          presence: lunr.Query.presence.REQUIRED, usePipeline: false,
          wildcard: c.prefix ? lunr.Query.wildcard.TRAILING : lunr.Query.wildcard.NONE
        });
      });
    }).map(function (h) { return { doc: +h.ref, score: h.score }; });
  };
  /* lunr's scores of these candidates (an index of just them): checks they are its hits. */
  Engine.prototype.scores = function (R, hits) {
    if (!R.clauses.length) return;
    var want = new Map(hits.map(function (h) { return [h.doc, h]; }));
    var got = this.lunrHits(R, function (d) { return want.has(d); });
    if (got.length !== want.size) throw new Error("lunr disagrees on " + R.query);
    got.forEach(function (x) { want.get(x.doc).score = x.score; });
  };
  /* Every shard loaded and expanded: lunr.py's Index.serialize() of the whole archive. */
  Engine.prototype.whole = function () {
    var self = this;
    return this.ready().then(function () {
      return self.loadShards(self.M.shards.map(function (_, k) { return k; }));
    }).then(function () {
      var infos = Array.from(self.terms.values()).sort(function (a, b) { return a.n - b.n; });
      return self.serialize(infos, true);
    });
  };

  /* Documents whose heading holds the term (by its heading flags). */
  function flagged(info) {
    var idx = info.s.head.get(info.i) || [], docs = info.s.postings(info.i).docs;
    return idx.map(function (j) { return docs[j]; });
  }

  /* A query -> Promise of its candidates (see rank), after loading the shards of its
     bigrams, then those its prefix clauses need. */
  Engine.prototype.search = function (query) {
    var self = this, words = this.text.words(query), runs = [];
    words.forEach(function (w) { runs = runs.concat(self.text.runs(w)); });
    var R = { query: query, words: words, cands: [], exact: false, clauses: [], infos: [] };
    if (!words.length) return Promise.resolve(R);
    return this.ready().then(function () {
      var ks = [];
      runs.forEach(function (run) {
        var cs = Array.from(run);
        if (cs.length === 1) ks = ks.concat(self.prefixShards(cs[0]));
        for (var j = 0; j + 1 < cs.length; j++) ks.push(self.shardOf(cs[j] + cs[j + 1]));
      });
      return self.loadShards(ks);
    }).then(function () {
      var ks = [];
      self.clauses(query).forEach(function (c) { if (c.prefix) ks = ks.concat(self.prefixShards(c.term)); });
      return self.loadShards(ks);
    }).then(function () { return self.rank(R); });
  };
  /* Candidates and their order, from the loaded postings: the documents every clause
     matches (lunr's required clauses), ranked by the dot product lunr scores them with,
     summed in lunr's order (a score is that divided by the same number for all), each
     marked with whether its heading may hold every word. A query is exact when each word is
     one character or one known bigram: then the candidates are the answer, and the heading
     marks exact too; otherwise candidates are checked against their text. */
  Engine.prototype.rank = function (R) {
    var self = this, M = this.M, n = M.n, hits = [], heads = null;
    R.clauses = this.clauses(R.query);
    R.exact = R.words.every(function (w) {
      var cs = Array.from(w), rs = self.text.runs(w);
      return rs.length === 1 && rs[0] === w && (cs.length === 1 || (cs.length === 2 && self.terms.has(w)));
    });
    var infos = new Map(), times = new Map(), count = new Int32Array(n), C = R.clauses.length;
    R.clauses.forEach(function (c) {
      var seen = new Uint8Array(n);
      (c.prefix ? self.prefixed(c.term) : [self.terms.get(c.term)]).forEach(function (x) {
        infos.set(x.n, x);
        times.set(x.n, (times.get(x.n) || 0) + 1);  /* lunr's query vector: 1 per clause reaching a term */
        x.s.postings(x.i).docs.forEach(function (d) { if (!seen[d]) { seen[d] = 1; count[d]++; } });
      });
    });
    R.infos = Array.from(infos.values()).sort(function (a, b) { return a.n - b.n; });
    var num = new Float64Array(n);
    R.infos.forEach(function (x) {
      var ps = x.s.postings(x.i), idf = idfOf(M, ps.docs.length), q = times.get(x.n);
      for (var j = 0; j < ps.docs.length; j++) {
        var d = ps.docs[j];
        if (count[d] === C) num[d] += q * weight(M, idf, ps.tfs[j], d);
      }
    });
    for (var d = 0; d < n; d++) if (count[d] === C) hits.push({ doc: d, num: num[d] });
    /* Headings that may hold every word: per run, the heading flags of its known bigrams,
       or, for a run looked up by prefixes, the headings holding each of its characters. */
    R.words.forEach(function (w) {
      self.text.runs(w).forEach(function (run) {
        var known = self.known(run), sets = known.map(function (t) { return flagged(self.terms.get(t)); });
        if (!known.length) Array.from(run).forEach(function (c) { sets.push(self.headChar(c)); });
        sets.forEach(function (ds) {
          var s = new Set(ds);
          heads = heads ? new Set(Array.from(heads).filter(function (d) { return s.has(d); })) : s;
        });
      });
    });
    hits.forEach(function (h) {
      h.head = heads ? heads.has(h.doc) : true;
      h.state = R.exact ? 1 : 0;  /* 1 holds the query, -1 does not, 0 not checked yet */
      h.tier = h.head ? 0 : 1;
    });
    hits.sort(function (a, b) { return a.tier - b.tier || b.num - a.num || a.doc - b.doc; });
    R.cands = hits;
    return R;
  };
  /* Documents whose heading holds character c. */
  Engine.prototype.headChar = function (c) {
    var out = [];
    this.prefixShards(c).forEach(function (k) { out = out.concat(this.shards[k].chars.get(c) || []); }, this);
    this.prefixed(c).forEach(function (x) { out = out.concat(flagged(x)); });
    return out;
  };

  /* ---- text chunks and the literal check ------------------------------------------------ */

  Engine.prototype.chunk = function (s) {
    var self = this;
    if (!this.chunks[s]) this.chunks[s] = this.get("d/" + s).then(function (rows) { return (self.chunks[s] = rows); });
    return this.chunks[s];
  };
  Engine.prototype.withText = function (docs) {
    var self = this, ss = new Set(docs.map(function (d) { return self.M.speechOf[d]; }));
    return Promise.all(Array.from(ss).map(function (s) { return self.chunk(s); }));
  };
  /* A document's row [parent in the speech or -1, heading, n1, text1, ...] (text loaded). */
  Engine.prototype.row = function (d) {
    var s = this.M.speechOf[d];
    return this.chunks[s][d - this.M.first[s]];
  };
  Engine.prototype.docText = function (d) {
    var row = this.row(d), parts = row[1] ? [row[1]] : [];
    for (var j = 3; j < row.length; j += 2) parts.push(row[j]);
    return parts.join("\n");
  };
  /* Checks candidates against their text (loading it): state and tier become exact. */
  Engine.prototype.check = function (R, hits) {
    var self = this;
    return this.withText(hits.map(function (h) { return h.doc; })).then(function () {
      hits.forEach(function (h) {
        var folded = self.text.fold(self.docText(h.doc)), head = self.text.fold(self.row(h.doc)[1]);
        h.state = R.words.every(function (w) { return folded.indexOf(w) >= 0; }) ? 1 : -1;
        h.tier = h.head && head && R.words.every(function (w) { return head.indexOf(w) >= 0; }) ? 0 : 1;
      });
    });
  };
  /* The first k answers among the candidates keep() accepts, or which to check first:
     all candidates whose heading may hold the query come first (checked in score order),
     then the others by score, with those whose heading did not hold it after all. */
  function order(R, k, keep) {
    var list = [], need = [], later = [], moved = [], blocked = false, j, h;
    function take(h) {
      if (h.state === 0) { need.push(h); blocked = true; }
      else if (!blocked && h.state > 0) list.push(h);
      return list.length >= k || need.length >= k;
    }
    for (j = 0; j < R.cands.length; j++) {
      h = R.cands[j];
      if (!keep(h.doc)) continue;
      if (h.head && (h.state === 0 || h.tier === 0)) { if (take(h)) return { list: list, need: need }; }
      else (h.head ? moved : later).push(h);  /* both in score order already */
    }
    if (blocked) return { list: list, need: need };
    for (var a = 0, b = 0; a < later.length || b < moved.length;) {
      var x = later[a], y = moved[b];
      if (y && (!x || y.num > x.num || (y.num === x.num && y.doc < x.doc))) { b++; h = y; } else { a++; h = x; }
      if (take(h)) break;
    }
    return { list: list, need: need };
  }
  /* Promise of the first k answers, checking candidates as needed. */
  Engine.prototype.settle = function (R, k, keep) {
    var self = this, o = order(R, k, keep);
    if (!o.need.length) return Promise.resolve(o.list);
    return this.check(R, o.need).then(function () { return self.settle(R, k, keep); });
  };
  /* Promise of every answer, checking the candidates in batches of speeches. */
  Engine.prototype.finish = function (R, keep, alive) {
    var self = this, todo = R.cands.filter(function (h) { return h.state === 0 && keep(h.doc); });
    var batch = [], speeches = new Set();
    for (var j = 0; j < todo.length && speeches.size < 16; j++) {
      speeches.add(this.M.speechOf[todo[j].doc]);
      batch.push(todo[j]);
    }
    if (!batch.length) return Promise.resolve(order(R, Infinity, keep).list);
    return this.check(R, batch).then(function () {
      if (alive && !alive()) return null;
      return self.finish(R, keep, alive);
    });
  };
  var api = { round3: round3, Engine: Engine, Reader: Reader };
  root.wenjiSearch = api;
  if (typeof document === "undefined" || !document.getElementById("search-app")) return;

  /* ---- the results page ------------------------------------------------------------------ */

  var app = document.getElementById("search-app");
  var box = document.getElementById("q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var perSpeech = document.getElementById("search-speeches");
  var kindSel = document.getElementById("search-kind");
  var yearSel = document.getElementById("search-year");
  var data = root[app.getAttribute("data-global")] = root[app.getAttribute("data-global")] || {};
  var base = app.getAttribute("data-base"), lunrReady = null, scripts = new Map();
  var PAGE = 20, current = null, generation = 0, engine = null;
  var moreButton = document.createElement("button");
  moreButton.type = "button";
  moreButton.className = "search-more";
  moreButton.hidden = true;
  moreButton.addEventListener("click", more);
  list.parentNode.insertBefore(moreButton, list.nextSibling);

  function say(text) { status.textContent = text; }

  function script(src) {
    if (!scripts.has(src)) {
      scripts.set(src, new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = src;
        s.onload = resolve;
        s.onerror = function () { reject(new Error(src)); };
        document.head.appendChild(s);
      }));
    }
    return scripts.get(src);
  }

  /* lunr.js and the manifest, once, on first use. */
  function ready() {
    if (!lunrReady) {
      engine = new Engine(null, root.wenjiText, function (name) { return script(base + name + ".js"); }, data);
      lunrReady = Promise.all([script(app.getAttribute("data-lunr")), engine.ready()])
        .then(function () { engine.lunr = root.lunr; return engine; });
      lunrReady.catch(function (e) { say("检索数据未能载入（" + e.message + "）。"); });
    }
    return lunrReady;
  }

  /* Headings of the sections holding document d, outermost first (not of the title). */
  function headingPath(d) {
    var M = engine.M, s = M.speechOf[d], rows = engine.chunks[s], path = [];
    for (var j = d - M.first[s]; j >= 0; j = rows[j][0]) {
      if (rows[j][1] && M.ids[M.first[s] + j]) path.unshift(rows[j][1]);
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
    var fm = root.wenjiText.foldMap(text), spans = root.wenjiText.spans(fm.text, ws);
    for (var j = 0; j < spans.length; j++) if (fm.map[spans[j][0]] >= from) return fm.map[spans[j][0]];
    return -1;
  }

  /* Up to 120 characters of the paragraph holding the first match (or of the first one). */
  function snippet(d, ws) {
    var row = engine.row(d), text = engine.docText(d);
    var body = row[1] && row.length > 2 ? row[1].length + 1 : 0;  /* paragraphs follow the heading */
    var pos = firstAt(text, ws, body);
    if (pos < 0) pos = body;
    var lineStart = text.lastIndexOf("\n", pos - 1) + 1, lineEnd = text.indexOf("\n", pos);
    if (lineEnd < 0) lineEnd = text.length;
    var from = Math.max(lineStart, pos - 30), to = Math.min(lineEnd, from + 120);
    return (from > lineStart ? "…" : "") + text.slice(from, to) + (to < lineEnd ? "…" : "");
  }

  function hitUrl(d, query) {
    var sp = engine.M.speeches[engine.M.speechOf[d]], id = engine.M.ids[d];
    return "speeches/" + encodeURIComponent(sp[0]) + ".html?hl=" + encodeURIComponent(query) +
      "#" + (id ? encodeURIComponent(id) : "title");  /* a title hit lands on the page's <h1 id="title"> */
  }

  function option(sel, value) {
    return !sel || !sel.value || sel.value === value;
  }
  function keeper() {
    var M = engine.M;
    return function (d) {
      var sp = M.speeches[M.speechOf[d]];
      return option(kindSel, sp[3]) && option(yearSel, sp[2].slice(0, 4));
    };
  }

  /* A result: link, title and date at once; heading path and snippet when its text is in. */
  function item(h, query, ws) {
    var sp = engine.M.speeches[engine.M.speechOf[h.doc]], id = engine.M.ids[h.doc];
    var li = document.createElement("li");
    li.className = "hit" + (h.tier === 0 ? " in-heading" : "");
    var a = document.createElement("a");
    a.href = hitUrl(h.doc, query);
    a.className = "hit-title";
    a.textContent = sp[1];
    li.appendChild(a);
    var meta = document.createElement("p");
    meta.className = "hit-meta";
    var where = document.createElement("span");
    where.className = "hit-path";
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
    li.appendChild(snip);
    function fill() {
      var path = headingPath(h.doc);
      if (path.length) marked(where, path.join(" › "), ws);
      else where.textContent = id ? "第" + id.slice(1) + "段" : "标题";
      marked(snip, snippet(h.doc, ws), ws);
    }
    if (Array.isArray(engine.chunks[engine.M.speechOf[h.doc]])) fill();
    else engine.withText([h.doc]).then(fill);
    return li;
  }

  /* Appends the next page of (complete) results to the list. */
  function more() {
    var c = current, ws = c.R.words, frag = document.createDocumentFragment();
    var next = c.hits.slice(c.shown, c.shown + PAGE);
    engine.scores(c.R, next);
    next.forEach(function (h) { frag.appendChild(item(h, c.R.query, ws)); });
    list.appendChild(frag);
    c.shown += next.length;
    var left = c.hits.length - c.shown;
    moreButton.hidden = left <= 0;
    moreButton.textContent = "再显示 " + Math.min(left, PAGE) + " 处（还有 " + left + " 处）";
  }

  function counts(hits) {
    var by = new Map();
    hits.forEach(function (h) {
      var s = engine.M.speechOf[h.doc];
      by.set(s, (by.get(s) || 0) + 1);
    });
    perSpeech.textContent = "";
    Array.from(by.keys()).sort(function (a, b) { return a - b; }).forEach(function (s) {
      var li = document.createElement("li"), sp = engine.M.speeches[s];
      li.textContent = sp[1] + (sp[2] ? "（" + sp[2] + "）" : "") + "：";
      var n = document.createElement("span");
      n.className = "count";
      n.textContent = by.get(s) + " 处";
      li.appendChild(n);
      perSpeech.appendChild(li);
    });
    return by.size;
  }

  /* All results known: counts, the "more" button, and data-query for whoever waits. */
  function complete(R, hits, gen) {
    if (gen !== generation) return;
    current = { R: R, hits: hits, shown: list.children.length };
    var m = counts(hits);
    moreButton.hidden = true;
    if (current.shown < hits.length) {
      var left = hits.length - current.shown;
      moreButton.hidden = false;
      moreButton.textContent = "再显示 " + Math.min(left, PAGE) + " 处（还有 " + left + " 处）";
    }
    say(hits.length ? "找到 " + hits.length + " 处，分布在 " + m + " 篇中。" : "没有找到“" + R.query + "”。");
    app.setAttribute("data-state", "done");
    app.setAttribute("data-query", R.query);
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
    var query = box.value, gen = ++generation;
    try { history.replaceState(null, "", stateUrl(query)); } catch (e) { /* file:// in some browsers */ }
    app.removeAttribute("data-state");
    if (!root.wenjiText.words(query).length) {
      list.textContent = "";
      perSpeech.textContent = "";
      moreButton.hidden = true;
      say("请输入要检索的文字。");
      app.setAttribute("data-query", query);
      return;
    }
    if (!engine || !engine.M) say("正在载入检索数据…");
    var R, keep;
    ready().then(function () {
      return current && current.R.query === query ? current.R : engine.search(query);
    }).then(function (r) {
      R = r;
      keep = keeper();
      return engine.settle(R, PAGE, keep);
    }).then(function (first) {
      if (gen !== generation) return;
      /* Shown at once: links, titles and dates; heading paths and snippets as their text
         arrives (already in when the query needed it for checking). */
      engine.scores(R, first);
      list.textContent = "";
      perSpeech.textContent = "";
      moreButton.hidden = true;
      current = { R: R, hits: first, shown: 0 };
      first.forEach(function (h) { list.appendChild(item(h, query, R.words)); });
      var found = R.cands.filter(function (h) { return h.state >= 0 && keep(h.doc); });
      if (found.some(function (h) { return h.state === 0; })) say("已找到 " + first.length + " 处，正在核对其余的候选…");
      else say(found.length ? "找到 " + found.length + " 处。" : "没有找到“" + query + "”。");
      app.setAttribute("data-shown", query);
      app.dispatchEvent(new CustomEvent("wenji-search-rendered", { detail: query }));
      return Promise.all([engine.withText(first.map(function (h) { return h.doc; })),
                          engine.finish(R, keep, function () { return gen === generation; })]);
    }).then(function (done) {
      if (done && done[1]) complete(R, done[1], gen);
    }).catch(function (e) { if (gen === generation && engine && engine.M) say("检索出错（" + e.message + "）。"); });
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
