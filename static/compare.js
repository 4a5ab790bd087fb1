/* wenji compare page (compare.html?a=SLUG&b=SLUG): speech B against speech A. Their text comes
   from the search files (search/d/S.js, through static/search-engine.js), their terms from
   compare/S.js, each a plain <script>, so the page works from file://.

   Alignment: sections by their number first (the keys s1, s2-3 … of both speeches, matched as
   a diff of the two key sequences), then, within a matched section and across a stretch of
   sections only one speech has, paragraphs by similarity (character bigrams, a best-total
   alignment that keeps both orders). Within aligned paragraphs the differences are found by
   diff-match-patch over jieba's words, each word one character to it (as its line mode does
   for lines), cleaned up to whole phrases: a changed word is marked whole. Where the words
   start comes with compare/S.js (wenji.comparison.word_starts). In #diff, reading without the
   <del>s gives B's text and without the <ins>s A's. Everything from a speech goes in as text
   nodes. */
(function (root) {
  "use strict";

  var app = document.getElementById("compare-app");
  if (!app) return;
  var wenjiText = root.wenjiText, DMP = root.diff_match_patch;
  var EQUAL = 0, DELETE = -1, INSERT = 1;
  var MIN_ALIKE = 0.35;  /* paragraphs less alike than this (bigram Dice) are not aligned */
  var COLLAPSE = 3;  /* runs of at least this many unchanged paragraphs are folded away */
  var SHOWN_TERMS = 40;
  var DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_$";
  var WORD_CODES = 0x9fff - 0x4e00;  /* words one diff can tell apart (as characters from U+4E00) */

  var pickA = document.getElementById("compare-a"), pickB = document.getElementById("compare-b");
  var statusLine = document.getElementById("compare-status");
  var summary = document.getElementById("compare-summary");
  var inline = document.getElementById("diff"), side = document.getElementById("side");
  var rootPath = app.getAttribute("data-root");
  function say(message) { statusLine.textContent = message; }

  /* ---- loading --------------------------------------------------------------------------- */

  var script = root.wenjiPage.script;  /* static/common.js */
  var searchData = root.wenjiSearchData = root.wenjiSearchData || {};
  var compareData = root.wenjiCompareData = root.wenjiCompareData || {};
  var searchFolder = app.getAttribute("data-search"), dataFolder = app.getAttribute("data-data");
  var engine = new root.wenjiSearch.Engine(null, wenjiText, function (name) {
    return script(searchFolder + name + ".js");
  }, searchData);
  var inflated = new Map();  /* compare/S.js holds its JSON deflated (wenjiSearch.inflate) */
  function terms(s) {
    if (!inflated.has(s)) {
      inflated.set(s, script(dataFolder + s + ".js").then(function () {
        return root.wenjiSearch.inflate(compareData[String(s)]);
      }));
    }
    return inflated.get(s);
  }

  /* ---- a speech as lines grouped in units ----------------------------------------------- */

  /* A speech's units in reading order: each section's heading and the paragraphs of its own
     before its first subsection (key: its id), its own paragraphs after a subsection (key: its
     id and the subsection's), each run of paragraphs outside sections (key: after which
     section). Paragraph numbers put a section's own paragraphs in their place. */
  function units(s, starts) {
    var manifest = engine.manifest, rows = engine.chunks[s], first = manifest.firstDoc[s], at = offsets(rows);
    var children = rows.map(function () { return []; }), top = [], low = [], out = [], loose = null, last = "start";
    function id(j) { return manifest.ids[first + j]; }
    rows.forEach(function (row, j) {
      if (id(j)) (row[0] >= 0 ? children[row[0]] : top).push(j);  /* not the title, shown in the selector */
    });
    /* The first paragraph number in j's subtree (Infinity for none). */
    function lowest(j) {
      if (low[j] === undefined) {
        var n = rows[j].length > 2 ? rows[j][2] : Infinity;
        children[j].forEach(function (k) { n = Math.min(n, lowest(k)); });
        low[j] = n;
      }
      return low[j];
    }
    function lines(j, from, to) {
      var out = [], row = rows[j];
      for (var k = 2; k < row.length; k += 2) {
        if (row[k] >= from && row[k] < to) {
          out.push({ kind: "p", id: "p" + row[k], text: row[k + 1], at: at[j][k / 2], starts: starts });
        }
      }
      return out;
    }
    function emit(j) {
      var row = rows[j], kids = children[j];
      if (id(j).charAt(0) !== "s") {
        if (!loose) out.push(loose = { key: "after " + last, lines: [] });
        loose.lines = loose.lines.concat(lines(j, -Infinity, Infinity));
        return;
      }
      loose = null;
      last = id(j);
      var bounds = kids.map(lowest);
      for (var i = bounds.length - 2; i >= 0; i--) if (bounds[i] === Infinity) bounds[i] = bounds[i + 1];
      out.push({ key: id(j), lines: [{ kind: "h", id: id(j), text: row[1], at: at[j][0], starts: starts }].concat(
        lines(j, -Infinity, kids.length ? bounds[0] : Infinity)) });
      kids.forEach(function (k, i) {
        emit(k);
        var tail = lines(j, bounds[i], i + 1 < kids.length ? bounds[i + 1] : Infinity);
        if (tail.length) out.push({ key: id(j) + " after " + id(k), lines: tail });
        loose = null;
        last = id(j);
      });
    }
    top.forEach(emit);
    return out;
  }

  /* Per row, where its heading (first) and each paragraph start in the speech's text: the rows'
     heading and paragraphs one a line, as wenji.comparison cuts it into words. */
  function offsets(rows) {
    var at = 0;
    return rows.map(function (row) {
      var out = [at];
      if (row[1]) at += row[1].length + 1;
      for (var k = 3; k < row.length; k += 2) {
        out.push(at);
        at += row[k].length + 1;
      }
      if (!row[1] && row.length < 4) at += 1;  /* an empty document is an empty line */
      return out;
    });
  }
  /* A line cut into jieba's words (into characters without the words' starts). */
  function words(line) {
    var text = line.text, starts = line.starts || "", out = [], from = 0;
    for (var i = 1; i < text.length; i++) {
      var k = line.at + i, digit = DIGITS.indexOf(starts.charAt((k / 6) | 0));
      if (!starts || (digit >> (k % 6)) & 1) {
        out.push(text.slice(from, i));
        from = i;
      }
    }
    if (text.length) out.push(text.slice(from));
    return out;
  }

  /* ---- alignment ------------------------------------------------------------------------ */

  function bigrams(line) {
    if (!line.grams) {
      var t = wenjiText.fold(line.text), set = new Set();
      for (var i = 0; i + 1 < t.length; i++) set.add(t.substr(i, 2));
      line.grams = set;
    }
    return line.grams;
  }
  function alike(x, y) {
    if (x.text === y.text) return 1;
    if (x.kind !== y.kind) return 0;
    var a = bigrams(x), b = bigrams(y), common = 0;
    if (!a.size || !b.size) return 0;
    a.forEach(function (g) { if (b.has(g)) common++; });
    return 2 * common / (a.size + b.size);
  }

  /* Lines of A and B paired where alike, keeping both orders, the pairs' total likeness as
     high as can be: [{a, b}] with a or b null for a line only one has. */
  function alignLines(as, bs) {
    var n = as.length, m = bs.length, score = [], i, j;
    for (i = 0; i <= n; i++) score.push(new Float64Array(m + 1));
    var sims = [];
    for (i = 0; i < n; i++) {
      sims.push(new Float64Array(m));
      for (j = 0; j < m; j++) sims[i][j] = alike(as[i], bs[j]);
    }
    for (i = n - 1; i >= 0; i--) {
      for (j = m - 1; j >= 0; j--) {
        var best = Math.max(score[i + 1][j], score[i][j + 1]);
        if (sims[i][j] >= MIN_ALIKE) best = Math.max(best, score[i + 1][j + 1] + sims[i][j]);
        score[i][j] = best;
      }
    }
    var out = [];
    for (i = 0, j = 0; i < n || j < m;) {
      if (i < n && j < m && sims[i][j] >= MIN_ALIKE && score[i][j] === score[i + 1][j + 1] + sims[i][j]) {
        out.push({ a: as[i++], b: bs[j++] });
      } else if (i < n && (j >= m || score[i][j] === score[i + 1][j])) {
        out.push({ a: as[i++], b: null });
      } else {
        out.push({ a: null, b: bs[j++] });
      }
    }
    return out;
  }

  /* Units matched by key as a diff of the key sequences; lines aligned within matched units
     and across each stretch of unmatched ones. */
  function align(ua, ub) {
    var codes = new Map();
    function code(u) {
      if (!codes.has(u.key)) codes.set(u.key, String.fromCharCode(0x4e00 + codes.size));
      return codes.get(u.key);
    }
    var dmp = new DMP();
    var diffs = dmp.diff_main(ua.map(code).join(""), ub.map(code).join(""), false);
    var rows = [], ia = 0, ib = 0, pendingA = [], pendingB = [];
    function flush() {
      rows = rows.concat(alignLines(pendingA, pendingB));
      pendingA = []; pendingB = [];
    }
    diffs.forEach(function (d) {
      for (var k = 0; k < d[1].length; k++) {
        if (d[0] === DELETE) pendingA = pendingA.concat(ua[ia++].lines);
        else if (d[0] === INSERT) pendingB = pendingB.concat(ub[ib++].lines);
        else { flush(); rows = rows.concat(alignLines(ua[ia++].lines, ub[ib++].lines)); }
      }
    });
    flush();
    return rows;
  }

  /* ---- differences within a pair of lines ----------------------------------------------- */

  /* The differences of two lines, word by word: each distinct word coded as one character for
     diff-match-patch, the diff cleaned up on the codes, then decoded. */
  function within(a, b) {
    var dmp = new DMP(), codes = new Map(), spelled = [];
    dmp.Diff_Timeout = 1;
    function code(word) {
      if (!codes.has(word)) {
        codes.set(word, String.fromCharCode(0x4e00 + spelled.length));
        spelled.push(word);
      }
      return codes.get(word);
    }
    var wa = words(a), wb = words(b);
    if (wa.length + wb.length > WORD_CODES) wa = Array.from(a.text), wb = Array.from(b.text);
    var diffs = dmp.diff_main(wa.map(code).join(""), wb.map(code).join(""), false);
    dmp.diff_cleanupSemantic(diffs);
    return diffs.map(function (d) {
      return [d[0], Array.from(d[1], function (c) { return spelled[c.charCodeAt(0) - 0x4e00]; }).join("")];
    });
  }

  /* Each row with its differences: [[op, text]] (one EQUAL for an unchanged line). */
  function differences(rows) {
    rows.forEach(function (r) {
      if (r.a && r.b) r.diffs = r.a.text === r.b.text ? [[EQUAL, r.a.text]] : within(r.a, r.b);
      else r.diffs = r.a ? [[DELETE, r.a.text]] : [[INSERT, r.b.text]];
      r.same = r.diffs.length === 1 && r.diffs[0][0] === EQUAL;
    });
    return rows;
  }

  /* ---- the views ------------------------------------------------------------------------ */

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  var TAGS = {};
  TAGS[DELETE] = "del"; TAGS[INSERT] = "ins";

  /* A line's element holding the differences whose ops keep() accepts. */
  function lineElement(row, keep) {
    var line = row.b || row.a, p = el("p", "dl " + (line.kind === "h" ? "dh" : "dp"));
    row.diffs.forEach(function (d) {
      if (!keep(d[0])) return;
      p.appendChild(d[0] === EQUAL ? document.createTextNode(d[1]) : el(TAGS[d[0]], "", d[1]));
    });
    if (!row.a) p.classList.add("only-b");
    if (!row.b) p.classList.add("only-a");
    return p;
  }
  /* Rows in order, runs of COLLAPSE unchanged ones folded into a <details>. */
  function fill(container, rows, make) {
    container.textContent = "";
    for (var i = 0; i < rows.length;) {
      var j = i;
      while (j < rows.length && rows[j].same) j++;
      if (j - i >= COLLAPSE) {
        /* the label is the summary's aria-label, shown by CSS: the text of #diff stays the speeches' */
        var fold = el("details", "same"), label = el("summary");
        label.setAttribute("aria-label", "未改动的 " + (j - i) + " 段");
        fold.appendChild(label);
        for (; i < j; i++) fold.appendChild(make(rows[i]));
        container.appendChild(fold);
      } else {
        for (; i < j; i++) container.appendChild(make(rows[i]));
      }
      if (i < rows.length) container.appendChild(make(rows[i++]));
    }
  }
  function all() { return true; }
  function sideRow(row) {
    var div = el("div", "side-row");
    div.appendChild(row.a ? lineElement(row, function (op) { return op !== INSERT; }) : el("p", "dl none"));
    div.appendChild(row.b ? lineElement(row, function (op) { return op !== DELETE; }) : el("p", "dl none"));
    return div;
  }

  /* ---- the summary ---------------------------------------------------------------------- */

  function wholeText(us) {
    return wenjiText.fold(us.map(function (u) {
      return u.lines.map(function (l) { return l.text; }).join("\n");
    }).join("\n"));
  }
  function termList(title, list, className) {
    var box = el("div", "terms " + className), shown = list.slice(0, SHOWN_TERMS);
    box.appendChild(el("h2", "", title + "（" + list.length + "）"));
    if (!list.length) box.appendChild(el("p", "", "无"));
    var ul = el("ul");
    shown.forEach(function (t) {
      var li = el("li"), a = el("a", "", t[0]);
      a.href = rootPath + "trends.html?q=" + encodeURIComponent(t[0]);
      li.appendChild(a);
      li.appendChild(el("span", "n", "×" + t[1]));
      ul.appendChild(li);
    });
    box.appendChild(ul);
    return box;
  }
  function showSummary(rows, speeches, ua, ub, ta, tb) {
    var textA = wholeText(ua), textB = wholeText(ub), same = 0, totalB = 0;
    rows.forEach(function (r) {
      r.diffs.forEach(function (d) {
        if (d[0] !== DELETE) totalB += d[1].length;
        if (d[0] === EQUAL) same += d[1].length;
      });
    });
    var fresh = tb.t.filter(function (t) { return textA.indexOf(wenjiText.fold(t[0])) < 0; });
    var dropped = ta.t.filter(function (t) { return textB.indexOf(wenjiText.fold(t[0])) < 0; });
    summary.textContent = "";
    var share = totalB ? Math.round(1000 * same / totalB) / 10 : 100;
    var head = el("p", "share");
    head.appendChild(el("strong", "", share + "%"));
    head.appendChild(document.createTextNode(" 的 B 文字与 A 相同（B 共 " + totalB.toLocaleString() + " 字）。"));
    summary.appendChild(head);
    summary.appendChild(termList("B 新出现的词（A 中没有）", fresh, "fresh"));
    summary.appendChild(termList("首次出现（全库中 B 最早使用）", tb.f, "first"));
    summary.appendChild(termList("B 中不再出现的词（A 有 B 无）", dropped, "dropped"));
    summary.hidden = false;
  }

  /* ---- the page ------------------------------------------------------------------------- */

  function indexOf(slug) {
    var speeches = engine.manifest.speeches;
    for (var i = 0; i < speeches.length; i++) if (speeches[i][0] === slug) return i;
    return -1;
  }
  /* The speech before s of the same kind, else the one before it (-1 for none). */
  function previousOfKind(s) {
    var speeches = engine.manifest.speeches;
    for (var i = s - 1; i >= 0; i--) if (speeches[i][3] === speeches[s][3]) return i;
    return s - 1;
  }
  function showView() {
    var sideBySide = app.querySelector("input[name=view]:checked").value === "side";
    inline.hidden = sideBySide;
    side.hidden = !sideBySide;
  }

  var generation = 0;
  function compare(a, b) {
    var gen = ++generation, speeches = engine.manifest.speeches;
    pickA.value = speeches[a][0];
    pickB.value = speeches[b][0];
    var params = new URLSearchParams();
    params.set("a", speeches[a][0]);
    params.set("b", speeches[b][0]);
    try { history.replaceState(null, "", location.pathname + "?" + params.toString()); } catch (e) { /* file:// */ }
    say("正在载入两篇的文本…");
    app.setAttribute("data-state", "loading");
    return Promise.all([engine.chunk(a), engine.chunk(b), terms(a), terms(b)]).then(function (got) {
      if (gen !== generation) return;
      var ua = units(a, got[2].w), ub = units(b, got[3].w), rows = differences(align(ua, ub));
      fill(inline, rows, function (row) { return lineElement(row, all); });
      fill(side, rows, sideRow);
      showSummary(rows, speeches, ua, ub, got[2], got[3]);
      var changed = rows.filter(function (r) { return !r.same; }).length;
      say("B：" + speeches[b][1] + "；A：" + speeches[a][1] + "。共 " + rows.length + " 段，其中 " + changed + " 段有改动。");
      app.setAttribute("data-state", "done");
    }).catch(function (e) { say("未能载入（" + e.message + "）。"); });
  }

  function start() {
    var params = new URLSearchParams(location.search), speeches = engine.manifest.speeches;
    if (!speeches.length) { say("文库中没有讲话。"); return; }
    var b = indexOf(params.get("b") || ""), a = indexOf(params.get("a") || "");
    if (b < 0) b = a >= 0 && a + 1 < speeches.length ? a + 1 : speeches.length - 1;
    if (a < 0) a = previousOfKind(b);
    if (a < 0) a = b;
    compare(a, b);
    function picked() { compare(indexOf(pickA.value), indexOf(pickB.value)); }
    pickA.addEventListener("change", picked);
    pickB.addEventListener("change", picked);
    app.querySelectorAll("input[name=view]").forEach(function (r) { r.addEventListener("change", showView); });
    showView();
  }
  engine.ready().then(start).catch(function (e) { say("未能载入检索数据（" + e.message + "）。"); });
})(window);
