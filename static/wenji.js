/* wenji: a permalink and a "copy link" button for every section and paragraph of a speech,
   with a fallback where the Clipboard API is unavailable (plain HTTP, some file:// setups).
   No inline scripts. */
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

  function element(tag, className, text) {
    var e = document.createElement(tag);
    e.className = className;
    e.textContent = text;
    return e;
  }

  /* A permalink (§ for a section, ¶ for a paragraph) and its copy button, made here from the ids
     the page has rather than written out by the build: on the real archive's 5,400 headings and
     paragraphs they were 0.38 MB, a tenth of its speech pages. */
  function addLink(parent, id, label, sign) {
    var a = element("a", "permalink", sign);
    a.href = "#" + id;
    a.setAttribute("aria-label", label);
    var b = element("button", "copy-link", "复制链接");
    b.type = "button";
    b.setAttribute("aria-label", "复制" + label);
    b.setAttribute("data-hash", "#" + id);
    parent.appendChild(a);
    parent.appendChild(b);
  }

  /* Each section's heading goes into a <div class="sh">, the row that holds it with its
     permalink, copy button and citation control (static/cite.js, which runs after this script).
     Made here rather than written by the build: 35 KB of the real archive's speech pages. */
  function headingRows(body) {
    var heads = body.querySelectorAll("section.sec > h2, section.sec > h3, section.sec > h4, " +
                                      "section.sec > h5, section.sec > h6");
    for (var i = 0; i < heads.length; i++) {
      var row = document.createElement("div");
      row.className = "sh";
      heads[i].parentNode.insertBefore(row, heads[i]);
      row.appendChild(heads[i]);
    }
  }

  function addCopyButtons() {
    var body = document.querySelector(".speech-body");
    if (body) { headingRows(body); }
    var i, heads = body ? body.querySelectorAll("section.sec > .sh") : [];
    for (i = 0; i < heads.length; i++) {
      var id = heads[i].parentNode.id;
      addLink(heads[i], id, "本节链接：" + id, "§");
    }
    var paragraphs = body ? body.querySelectorAll("p[id]") : [];
    for (i = 0; i < paragraphs.length; i++) {
      var p = paragraphs[i];
      addLink(p, p.id, "第" + p.id.slice(1) + "段链接", "¶");
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
