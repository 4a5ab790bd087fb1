/* wenji speech pages: a link from the search results (?hl=QUERY#s2-3) gets the query's
   occurrences in the target section (its heading and own paragraphs) marked with <mark>,
   by splitting text nodes, and the first one scrolled into view. Needs window.wenjiText
   (static/fold.js), which folds the page text as the search folded the query. */
(function () {
  "use strict";
  var text = window.wenjiText;
  var query = new URLSearchParams(location.search).get("hl");
  if (!text || !query) return;
  var ws = text.words(query);
  if (!ws.length) return;

  var id = "";
  try { id = decodeURIComponent(location.hash.slice(1)); } catch (e) { id = location.hash.slice(1); }
  var target = (id && document.getElementById(id)) || document.querySelector("article.speech") || document.body;
  var SKIP = "section, .permalink, button, .copy-fallback, script, style, nav, .toc";

  /* The target's own blocks: headings and paragraphs not inside a nested section. */
  function blocks() {
    var found = [];
    if (/^(P|H[1-6])$/.test(target.tagName)) return [target];
    target.querySelectorAll("h1, h2, h3, h4, h5, h6, p").forEach(function (el) {
      var sec = el.parentElement && el.parentElement.closest("section");
      if (target.tagName === "SECTION" ? sec === target : !sec || !target.contains(sec)) found.push(el);
    });
    return found;
  }

  /* Text nodes of a block in order, leaving out links and buttons the page adds. */
  function textNodes(block) {
    var out = [], walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT, {
      acceptNode: function (n) {
        var el = n.parentElement.closest(SKIP);
        return el && block.contains(el) && el !== block ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
      }
    });
    for (var n = walker.nextNode(); n; n = walker.nextNode()) out.push(n);
    return out;
  }

  /* Wraps [a, b) of the concatenated text of nodes in <mark> pieces, one per text node. */
  function wrap(nodes, starts, a, b, marks) {
    for (var i = nodes.length - 1; i >= 0; i--) {
      var node = nodes[i], s = starts[i], e = s + node.data.length;
      var from = Math.max(a, s), to = Math.min(b, e);
      if (from >= to) continue;
      var mid = node;
      if (to < e) mid.splitText(to - s);
      if (from > s) mid = mid.splitText(from - s);
      var m = document.createElement("mark");
      m.className = "hl";
      mid.parentNode.insertBefore(m, mid);
      m.appendChild(mid);
      marks.unshift(m);
    }
  }

  var first = null;
  blocks().forEach(function (block) {
    var nodes = textNodes(block), starts = [], all = "";
    nodes.forEach(function (n) { starts.push(all.length); all += n.data; });
    var fm = text.foldMap(all), spans = text.spans(fm.text, ws);
    /* From the last to the first, so earlier offsets stay valid while nodes are split. */
    for (var k = spans.length - 1; k >= 0; k--) {
      var marks = [];
      wrap(nodes.slice(), starts, fm.map[spans[k][0]], fm.map[spans[k][1]], marks);
      if (marks.length) first = marks[0];
    }
  });
  if (first) {
    first.scrollIntoView({ block: "center" });
  }
})();
