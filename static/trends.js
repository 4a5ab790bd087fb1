/* wenji term trends (trends.html?q=TERM[,TERM…]&kind=…&measure=rate|count): each term's
   occurrences year by year, drawn as an inline SVG chart with a table under it (the chart's
   text alternative). Counts are exact: the literal occurrences of the folded term in the
   folded text of every heading and paragraph (wenjiText.fold, as search folds), overlapping
   ones included. A word of the archive's vocabulary has them counted at build time
   (wenji/trend_counts.py): trends/index.js and the one shard trends/K.js that holds it. Any
   other string is counted from the search files (static/search-engine.js): a term of two
   characters that the index holds from its postings alone (a bigram's term frequency is its
   number of occurrences), anything else from the text of the speeches that hold all its
   bigrams, loaded with a progress bar. Everything shown goes in as text. */
(function (root) {
  "use strict";

  var app = document.getElementById("trends-app");
  if (!app) return;
  var wenjiText = root.wenjiText;
  var SVG = "http://www.w3.org/2000/svg";
  var COLOURS = ["#b3261e", "#0b5cad", "#2e7d32", "#8e44ad", "#c05600", "#00796b", "#5d4037", "#37474f"];
  var MAX_TERMS = COLOURS.length;
  var BATCH = 8;  /* speeches' texts loaded at once */
  var DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_$";

  var input = document.getElementById("trends-q"), kindFilter = document.getElementById("trends-kind");
  var measure = document.getElementById("trends-measure"), statusLine = document.getElementById("trends-status");
  var progress = document.getElementById("trends-progress"), figure = document.getElementById("trends-figure");
  var chartBox = document.getElementById("trends-chart"), caption = document.getElementById("trends-caption");
  var tables = document.getElementById("trends-tables");
  var rootPath = app.getAttribute("data-root"), chars = JSON.parse(app.getAttribute("data-chars"));
  function say(message) { statusLine.textContent = message; }

  var script = root.wenjiPage.script;  /* static/common.js */
  var searchFolder = app.getAttribute("data-search"), trendFolder = app.getAttribute("data-trends");
  var data = root.wenjiSearchData = root.wenjiSearchData || {};
  var prebuilt = root.wenjiTrendData = root.wenjiTrendData || {};
  var engine = new root.wenjiSearch.Engine(null, wenjiText, function (name) {
    return script(searchFolder + name + ".js");
  }, data);
  var archive = null;  /* trends/index.js: {shards: [first term of each], speeches: [[date, kind]…]} */
  function ready() {
    return script(trendFolder + "index.js").then(function () { archive = prebuilt.index; });
  }

  /* ---- counting ------------------------------------------------------------------------- */

  function occurrences(text, word) {
    var n = 0;
    for (var at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) n++;
    return n;
  }
  /* Promise of the term's prebuilt counts per speech, or null when it is no vocabulary word. */
  function prebuiltCounts(folded) {
    var firsts = archive.shards, lo = 0, hi = firsts.length - 1;
    if (!firsts.length || folded < firsts[0] || /\s/.test(folded)) return Promise.resolve(null);
    while (lo < hi) {  /* the last shard whose first term is not after the term */
      var mid = (lo + hi + 1) >> 1;
      if (firsts[mid] <= folded) lo = mid; else hi = mid - 1;
    }
    return shard(lo).then(function (terms) {
      var code = terms.get(folded);
      if (code === undefined) return null;
      var per = new Float64Array(archive.speeches.length), reader = new root.wenjiSearch.Reader(code);
      for (var s = -1, v; reader.more();) {
        v = reader.int();
        s += (v >> 1) + 1;
        per[s] = v & 1 ? reader.int() + 2 : 1;
      }
      return per;
    });
  }
  /* Promise of shard k's terms and their counts' codes, loaded and decoded once: the file holds
     its JSON deflated (wenjiSearch.inflate), the terms front-coded (each the number of UTF-16
     units it shares with the one before, one digit, then the rest). */
  var shards = new Map();
  function shard(k) {
    if (!shards.has(k)) {
      shards.set(k, script(trendFolder + k + ".js").then(function () {
        return root.wenjiSearch.inflate(prebuilt[String(k)]);
      }).then(shardTerms));
    }
    return shards.get(k);
  }
  function shardTerms(data) {
    var codes = data.c.split(","), before = "", terms = new Map();
    data.t.split(" ").forEach(function (entry, i) {
      before = before.slice(0, DIGITS.indexOf(entry.charAt(0))) + entry.slice(1);
      terms.set(before, codes[i]);
    });
    return terms;
  }
  /* Whether the index counts this folded term itself: two characters of one run, a bigram it has. */
  function counted(folded) {
    var runs = wenjiText.runs(folded);
    return Array.from(folded).length === 2 && runs.length === 1 && runs[0] === folded && engine.terms.has(folded);
  }
  /* Promise of the term's occurrences per speech (a Float64Array in archive order). */
  function countTerm(term, report) {
    var folded = wenjiText.fold(term);
    return prebuiltCounts(folded).then(function (per) {
      return per || engine.ready().then(function () { return countInText(term, folded, report); });
    });
  }
  /* A string the build did not count: from the search index's postings, or the texts. */
  function countInText(term, folded, report) {
    var manifest = engine.manifest, per = new Float64Array(manifest.speeches.length);
    return engine.search(term).then(function (result) {
      if (counted(folded)) {
        var postings = engine.terms.get(folded).postings();
        postings.docs.forEach(function (d, j) { if (manifest.ids[d]) per[manifest.speechOf[d]] += postings.tfs[j]; });
        return per;
      }
      var docs = result.candidates.map(function (h) { return h.doc; }).filter(function (d) { return manifest.ids[d]; });
      var bySpeech = new Map();
      docs.forEach(function (d) {
        var s = manifest.speechOf[d];
        if (!bySpeech.has(s)) bySpeech.set(s, []);
        bySpeech.get(s).push(d);
      });
      var speeches = Array.from(bySpeech.keys()), done = 0;
      report(0, speeches.length);
      function next() {
        if (done >= speeches.length) return Promise.resolve(per);
        var batch = speeches.slice(done, done + BATCH);
        return Promise.all(batch.map(function (s) { return engine.chunk(s); })).then(function () {
          batch.forEach(function (s) {
            bySpeech.get(s).forEach(function (d) { per[s] += occurrences(wenjiText.fold(engine.docText(d)), folded); });
          });
          done += batch.length;
          report(done, speeches.length);
          return next();
        });
      }
      return next();
    });
  }

  /* ---- years ---------------------------------------------------------------------------- */

  /* The years that have speeches of the chosen kind: [{year, chars, speeches: [s…]}], ascending. */
  function years() {
    var kind = kindFilter.value, byYear = new Map();
    archive.speeches.forEach(function (sp, s) {
      var year = (sp[0] || "").slice(0, 4);
      if (!year || (kind && sp[1] !== kind)) return;
      if (!byYear.has(year)) byYear.set(year, { year: year, chars: 0, speeches: [] });
      var y = byYear.get(year);
      y.chars += chars[s];
      y.speeches.push(s);
    });
    return Array.from(byYear.values()).sort(function (a, b) { return a.year < b.year ? -1 : 1; });
  }
  /* A term's row per year: occurrences, speeches holding it, per 10,000 characters. */
  function rowsOf(per, ys) {
    return ys.map(function (y) {
      var n = 0, held = 0;
      y.speeches.forEach(function (s) { n += per[s]; if (per[s] > 0) held++; });
      return { year: y.year, count: n, held: held, rate: y.chars ? n * 10000 / y.chars : 0 };
    });
  }
  function searchLink(term, year) {
    return rootPath + "search.html?q=" + encodeURIComponent(term) + "&year=" + encodeURIComponent(year);
  }

  /* ---- the table ------------------------------------------------------------------------ */

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function table(term, rows, colour) {
    var t = el("table", "trends-table"), head = el("thead"), tr = el("tr"), body = el("tbody");
    var cap = el("caption"), swatch = el("span", "swatch");
    swatch.style.background = colour;
    cap.appendChild(swatch);
    cap.appendChild(document.createTextNode("“" + term + "”逐年出现次数"));
    t.appendChild(cap);
    ["年份", "出现次数", "含该词的篇数", "每万字次数"].forEach(function (h) {
      var th = el("th", "", h);
      th.scope = "col";
      tr.appendChild(th);
    });
    head.appendChild(tr);
    t.appendChild(head);
    rows.forEach(function (r) {
      var row = el("tr"), th = el("th"), a = el("a", "", r.year);
      th.scope = "row";
      a.href = searchLink(term, r.year);
      a.setAttribute("aria-label", "检索" + r.year + "年含“" + term + "”的段落");
      th.appendChild(a);
      row.appendChild(th);
      row.appendChild(el("td", "", String(r.count)));
      row.appendChild(el("td", "", String(r.held)));
      row.appendChild(el("td", "", r.rate.toFixed(2)));
      body.appendChild(row);
    });
    t.appendChild(body);
    return t;
  }

  /* ---- the chart ------------------------------------------------------------------------ */

  function svg(tag, attrs, text) {
    var e = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function niceMax(v) {
    if (v <= 0) return 1;
    var p = Math.pow(10, Math.floor(Math.log10(v))), m = v / p;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
  }
  function chart(series, ys, key) {
    var W = 720, H = 280, L = 48, R = 12, T = 12, B = 28;
    var first = +ys[0].year, last = +ys[ys.length - 1].year, span = Math.max(1, last - first);
    var top = niceMax(Math.max.apply(null, series.map(function (s) {
      return Math.max.apply(null, s.rows.map(function (r) { return r[key]; }));
    })));
    function x(year) { return L + (ys.length === 1 ? (W - L - R) / 2 : (+year - first) * (W - L - R) / span); }
    function y(v) { return T + (H - T - B) * (1 - v / top); }
    var box = svg("svg", { viewBox: "0 0 " + W + " " + H, "class": "trends-chart", role: "img",
                            "aria-labelledby": "trends-caption" });
    for (var k = 0; k <= 4; k++) {
      var v = top * k / 4;
      box.appendChild(svg("line", { x1: L, x2: W - R, y1: y(v), y2: y(v), "class": k ? "grid" : "axis" }));
      box.appendChild(svg("text", { x: L - 6, y: y(v) + 4, "text-anchor": "end" }, key === "rate" ? v.toFixed(2) : String(Math.round(v * 100) / 100)));
    }
    var step = span > 40 ? 10 : span > 15 ? 5 : span > 6 ? 2 : 1;
    for (var year = Math.ceil(first / step) * step; year <= last; year += step) {
      box.appendChild(svg("text", { x: x(year), y: H - 8, "text-anchor": "middle" }, String(year)));
    }
    series.forEach(function (s) {
      var points = s.rows.map(function (r) { return x(r.year) + "," + y(r[key]); }).join(" ");
      box.appendChild(svg("polyline", { points: points, fill: "none", stroke: s.colour, "stroke-width": 2 }));
      s.rows.forEach(function (r) {
        var dot = svg("circle", { cx: x(r.year), cy: y(r[key]), r: 3.5, fill: s.colour, "class": "point" });
        dot.appendChild(svg("title", {}, r.year + "年 “" + s.term + "”：" + r.count + " 次，每万字 " + r.rate.toFixed(2)));
        dot.addEventListener("click", function () { location.href = searchLink(s.term, r.year); });
        box.appendChild(dot);
      });
    });
    return box;
  }

  /* ---- the page ------------------------------------------------------------------------- */

  var counts = new Map(), generation = 0;
  function termsOf(text) {
    var seen = new Set();
    return text.split(/[,，、]/).map(function (t) { return t.trim(); }).filter(function (t) {
      var ok = t && wenjiText.fold(t).trim() && !seen.has(t);
      seen.add(t);
      return ok;
    }).slice(0, MAX_TERMS);
  }
  function show(terms) {
    var ys = years(), key = measure.value === "count" ? "count" : "rate";
    tables.textContent = "";
    chartBox.textContent = "";
    if (!ys.length) { figure.hidden = true; say("所选类别中没有注明年份的讲话。"); return; }
    var series = terms.map(function (term, i) {
      return { term: term, colour: COLOURS[i], rows: rowsOf(counts.get(term), ys) };
    });
    chartBox.appendChild(chart(series, ys, key));
    caption.textContent = "图：" + terms.map(function (t) { return "“" + t + "”"; }).join("、") + "逐年" +
      (key === "rate" ? "每万字出现次数" : "出现次数") + "，" + ys[0].year + "—" + ys[ys.length - 1].year +
      "年。各年数字见下表。";
    figure.hidden = false;
    series.forEach(function (s) { tables.appendChild(table(s.term, s.rows, s.colour)); });
    var total = series.map(function (s) {
      return "“" + s.term + "”共 " + s.rows.reduce(function (a, r) { return a + r.count; }, 0) + " 次";
    });
    say(total.join("；") + "（" + ys.length + " 个年份）。");
  }
  function address(terms) {
    var params = new URLSearchParams();
    params.set("q", terms.join(","));
    if (kindFilter.value) params.set("kind", kindFilter.value);
    if (measure.value !== "rate") params.set("measure", measure.value);
    try { history.replaceState(null, "", location.pathname + "?" + params.toString()); } catch (e) { /* file:// */ }
  }
  function run() {
    var terms = termsOf(input.value), gen = ++generation;
    if (!terms.length) { say("请输入词语。"); figure.hidden = true; tables.textContent = ""; return; }
    address(terms);
    app.setAttribute("data-state", "loading");
    say("正在载入…");
    var todo = terms.filter(function (t) { return !counts.has(t); });
    function report(done, of) {
      if (gen !== generation) return;
      progress.hidden = of === 0;
      progress.max = Math.max(1, of);
      progress.value = done;
      progress.textContent = Math.round(100 * done / Math.max(1, of)) + "%";
      say("正在核对原文：" + done + " / " + of + " 篇…");
    }
    ready().then(function () {
      return todo.reduce(function (p, t) {
        return p.then(function () { return countTerm(t, report); }).then(function (per) { counts.set(t, per); });
      }, Promise.resolve());
    }).then(function () {
      if (gen !== generation) return;
      progress.hidden = true;
      show(terms);
      app.setAttribute("data-state", "done");
    }).catch(function (e) { if (gen === generation) say("未能载入检索数据（" + e.message + "）。"); });
  }

  var params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  kindFilter.value = params.get("kind") || "";
  measure.value = params.get("measure") === "count" ? "count" : "rate";
  input.form.addEventListener("submit", function (e) { e.preventDefault(); run(); });
  [kindFilter, measure].forEach(function (f) { f.addEventListener("change", run); });
  run();
})(window);
