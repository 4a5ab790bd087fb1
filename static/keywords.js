/* wenji: the filter box of the keyword index. It finds a keyword under any letter, by its
   characters (经济 finds 数字经济 too; folded as search folds them, so 經濟 and ｇｄｐ find 经济
   and GDP) or its pinyin without tones (jingji, jingj), loading the list of keywords
   (keywords/terms.js, a plain script, so it works from file://) and the folding (static/fold.js
   with its table static/vendor/opencc/t2s.js) at the first keystroke, never the letter pages
   themselves. keywords.html also sends an old address of an
   entry (keywords.html#kw-jing1ji4, from before the index had a page per letter) to its page. */
(function () {
  "use strict";

  /* On a phone the letter bar is one row that scrolls: show this page's letter in it. */
  var bar = document.querySelector(".letter-bar");
  var here = bar && bar.querySelector("[aria-current]");
  if (here && bar.scrollWidth > bar.clientWidth) {
    bar.scrollLeft = here.getBoundingClientRect().left - bar.getBoundingClientRect().left - (bar.clientWidth - here.offsetWidth) / 2;
  }

  var box = document.querySelector(".kw-filter");
  if (!box) { return; }
  var base = box.getAttribute("data-base");  /* the folder of the index pages, from this page */
  var input = box.querySelector("input");
  var status = box.querySelector(".kw-status");
  var list = box.querySelector(".kw-results");
  var SHOWN = 60;
  var loading = null, terms = null, folded = null;
  /* static/, from this script's own address (the pages that include it are at two depths) */
  var staticFolder = document.currentScript ? document.currentScript.src.replace(/[^\/]*$/, "") : "";

  function script(src) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = src;
      s.onload = resolve;
      s.onerror = function () { reject(new Error(src)); };
      document.head.appendChild(s);
    });
  }
  function fold(text) { return window.wenjiText ? window.wenjiText.fold(text) : text.toLowerCase(); }

  function load(then) {
    if (terms) { then(terms); return; }
    if (!loading) {
      loading = [];
      var folding = window.wenjiText ? Promise.resolve() : script(staticFolder + "vendor/opencc/t2s.js")
        .then(function () { return script(staticFolder + "fold.js"); });
      Promise.all([script(base + "terms.js"), folding]).then(function () {
        terms = window.wenjiKeywordTerms || [];
        folded = terms.map(function (t) { return fold(t[0]); });
        loading.forEach(function (f) { f(terms); });
      }, function () { status.textContent = "关键词列表未能载入。"; });
    }
    loading.push(then);
  }

  function pinyinOf(anchor) { return anchor.replace(/-\d+$/, "").replace(/[0-9]/g, ""); }

  /* Rank: the term itself, then terms starting with the query, then terms holding it. */
  function find(terms, query) {
    var q = query.toLowerCase().replace(/\s+/g, ""), latin = /^[a-zü]+$/.test(q), hits = [];
    q = latin ? q.replace(/ü/g, "v") : fold(query).replace(/\s+/g, "");
    if (!q) { return []; }
    for (var i = 0; i < terms.length; i++) {
      var key = latin ? pinyinOf(terms[i][2]) : folded[i];
      var at = key.indexOf(q);
      if (at < 0) { continue; }
      hits.push([key === q ? 0 : at === 0 ? 1 : 2, i]);
    }
    hits.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    return hits.map(function (h) { return terms[h[1]]; });
  }

  function show() {
    load(function (terms) {
      var found = find(terms, input.value);
      list.textContent = "";
      found.slice(0, SHOWN).forEach(function (t) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = base + t[1] + ".html#kw-" + t[2];
        a.textContent = t[0];
        li.appendChild(a);
        var page = document.createElement("span");
        page.className = "kw-page";
        page.textContent = " " + t[1].charAt(0).toUpperCase().replace("0", "#");
        li.appendChild(page);
        list.appendChild(li);
      });
      status.textContent = !input.value.trim() ? "" : !found.length ? "没有找到这个关键词，可试试全文检索。" :
        "找到 " + found.length + " 个关键词" + (found.length > SHOWN ? "，显示前 " + SHOWN + " 个" : "") + "。";
    });
  }

  box.hidden = false;
  input.addEventListener("input", show);
  if (input.value) { show(); }

  var hash = window.location.hash;
  if (base === "keywords/" && /^#kw-/.test(hash)) {
    load(function (terms) {
      var want = decodeURIComponent(hash.slice(4));
      for (var i = 0; i < terms.length; i++) {
        if (terms[i][2] === want) { window.location.replace(base + terms[i][1] + ".html" + hash); return; }
      }
    });
  }
})();
