/* wenji: link to a quote. Selecting text inside one paragraph offers a link to that paragraph
   with a text fragment (#p47:~:text=…) that starts and ends on sentence boundaries, because
   browsers match Chinese text fragments only on word boundaries. */
(function () {
  "use strict";
  var ENDS = "。！？；!?;";
  var button = null;

  /* Characters that are syntax in a text directive must be percent-encoded too. */
  function encode(s) {
    return encodeURIComponent(s).replace(/-/g, "%2D").replace(/,/g, "%2C").replace(/&/g, "%26");
  }

  function paragraphText(p) {
    var text = "";
    for (var i = 0; i < p.childNodes.length; i++) {
      var n = p.childNodes[i];
      if (n.nodeType === 1 && (n.classList.contains("permalink") || n.tagName === "BUTTON")) { continue; }
      text += n.textContent;
    }
    return text;
  }

  /* The whole sentences of `text` that the selection [start, end) touches. */
  function sentences(text, start, end) {
    var s = start;
    while (s > 0 && ENDS.indexOf(text.charAt(s - 1)) < 0) { s--; }
    var e = end;
    while (e < text.length && ENDS.indexOf(text.charAt(e - 1)) < 0) { e++; }
    return text.slice(s, e).trim();
  }

  function offsetIn(p, node, offset) {
    var walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
    var count = 0;
    while (walker.nextNode()) {
      var t = walker.currentNode;
      var skip = t.parentNode.closest(".permalink, button");
      if (t === node) { return count + offset; }
      if (!skip) { count += t.textContent.length; }
    }
    return count;
  }

  function fragmentFor(quote) {
    if (quote.length <= 60) { return encode(quote); }
    /* a long quote: its first and last sentence-parts as start,end */
    var first = quote.slice(0, 20), last = quote.slice(-20);
    return encode(first) + "," + encode(last);
  }

  function hide() {
    if (button) { button.remove(); button = null; }
  }

  function onSelect() {
    var sel = window.getSelection();
    if (!sel || sel.isCollapsed || sel.rangeCount === 0) { return; }
    var range = sel.getRangeAt(0);
    var a = range.startContainer.parentElement && range.startContainer.parentElement.closest(".speech-body p[id]");
    var b = range.endContainer.parentElement && range.endContainer.parentElement.closest(".speech-body p[id]");
    if (!a || a !== b) { return; }
    var text = paragraphText(a);
    var quote = sentences(text, offsetIn(a, range.startContainer, range.startOffset),
                          offsetIn(a, range.endContainer, range.endOffset));
    if (!quote) { return; }
    var href = window.location.href.split("#")[0] + "#" + a.id + ":~:text=" + fragmentFor(quote);
    hide();
    button = document.createElement("button");
    button.type = "button";
    button.className = "quote-link";
    button.textContent = "复制引文链接";
    button.setAttribute("data-href", href);
    button.setAttribute("data-quote", quote);
    a.appendChild(button);
    button.addEventListener("click", function (ev) {
      ev.stopPropagation();
      window.wenjiCopy(button.getAttribute("data-href"), button);
    });
  }

  document.addEventListener("mouseup", function (ev) {
    if (ev.target && ev.target.classList && ev.target.classList.contains("quote-link")) { return; }
    window.setTimeout(onSelect, 0);
  });
  document.addEventListener("keyup", function (ev) {
    if (ev.shiftKey) { window.setTimeout(onSelect, 0); }
  });
  document.addEventListener("selectionchange", function () {
    var sel = window.getSelection();
    if (button && sel && sel.isCollapsed && document.activeElement !== button) { hide(); }
  });
})();
