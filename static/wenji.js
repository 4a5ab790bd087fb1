/* wenji: "copy link" buttons beside every permalink, with a fallback where the
   Clipboard API is unavailable (plain HTTP, some file:// setups). No inline scripts. */
(function () {
  "use strict";

  function linkFor(hash) {
    var url = window.location.href.split("#")[0];
    return url + hash;
  }

  function fallbackCopy(text, near) {
    var ta = document.createElement("textarea");
    ta.value = text;
    ta.setAttribute("readonly", "");
    ta.className = "visually-hidden";
    document.body.appendChild(ta);
    ta.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(ta);
    if (!ok) {
      /* Last resort: show the link selected in a field so the reader copies it by hand. */
      var field = document.createElement("input");
      field.type = "text";
      field.className = "copy-fallback";
      field.value = text;
      field.setAttribute("aria-label", "链接（请手动复制）");
      near.insertAdjacentElement("afterend", field);
      field.focus();
      field.select();
    }
    return ok;
  }

  function copy(text, button) {
    var label = button.textContent;
    function done() {
      button.textContent = "已复制";
      button.classList.add("done");
      window.setTimeout(function () { button.textContent = label; button.classList.remove("done"); }, 1600);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { if (fallbackCopy(text, button)) { done(); } });
    } else if (fallbackCopy(text, button)) {
      done();
    }
  }

  /* shared with cite.js and quote.js */
  window.wenjiCopy = copy;

  /* Anonymisation marks are explained once on the page (footer, count of masks) rather than
     on each; hovering one shows the explanation too. */
  var MASK_TITLE = "此处原文已隐去（匿名处理）";
  document.addEventListener("mouseover", function (ev) {
    var t = ev.target;
    if (t && t.classList && t.classList.contains("mask") && !t.title) { t.title = MASK_TITLE; }
  });

  function addCopyButtons() {
    var links = document.querySelectorAll(".speech-body a.permalink");
    for (var i = 0; i < links.length; i++) {
      var a = links[i];
      var b = document.createElement("button");
      b.type = "button";
      b.className = "copy-link";
      b.textContent = "复制链接";
      b.setAttribute("aria-label", "复制" + (a.getAttribute("aria-label") || "链接"));
      b.setAttribute("data-hash", a.getAttribute("href"));
      a.insertAdjacentElement("afterend", b);
    }
    document.addEventListener("click", function (ev) {
      var t = ev.target;
      if (t && t.classList && t.classList.contains("copy-link")) {
        copy(linkFor(t.getAttribute("data-hash")), t);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", addCopyButtons);
  } else {
    addCopyButtons();
  }
})();
