/* wenji: citations. The build leaves the cited date (引用日期) as a placeholder so that output
   stays byte-identical; here it becomes today's date, the page address is added where the site
   has no base URL but is served over http(s), and every citation gets a copy button. */
(function () {
  "use strict";

  function today() {
    var d = new Date();
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return d.getFullYear() + "-" + two(d.getMonth() + 1) + "-" + two(d.getDate());
  }

  function pageAddress(hash) {
    if (!/^https?:$/.test(window.location.protocol)) { return ""; }
    return window.location.href.split("#")[0].split("?")[0] + hash;
  }

  function fill(details) {
    var section = details.closest("section");
    var hash = section ? "#" + section.id : "";
    var gbt = details.querySelector(".cite-text.gbt");
    if (gbt && gbt.getAttribute("data-filled") !== "1") {
      var text = gbt.textContent.replace("[引用日期]", "[" + today() + "]");
      if (/\]\.$/.test(text) && pageAddress(hash)) {
        text = text.replace(/\.$/, ". " + pageAddress(hash) + ".");
      }
      gbt.textContent = text;
      gbt.setAttribute("data-filled", "1");
    }
    var urlSpan = document.querySelector(".print-url .page-url");
    if (urlSpan && !urlSpan.textContent) { urlSpan.textContent = window.location.href.split("#")[0]; }
  }

  function addCopyButtons(details) {
    var texts = details.querySelectorAll(".cite-text");
    for (var i = 0; i < texts.length; i++) {
      if (texts[i].nextElementSibling && texts[i].nextElementSibling.classList.contains("copy-cite")) { continue; }
      var b = document.createElement("button");
      b.type = "button";
      b.className = "copy-cite";
      b.textContent = "复制";
      b.setAttribute("aria-label", "复制" + (texts[i].classList.contains("bibtex") ? " BibTeX" : " GB/T 7714 引文"));
      texts[i].insertAdjacentElement("afterend", b);
    }
  }

  document.addEventListener("toggle", function (ev) {
    var d = ev.target;
    if (d && d.classList && d.classList.contains("cite") && d.open) {
      fill(d);
      addCopyButtons(d);
    }
  }, true);

  document.addEventListener("click", function (ev) {
    var b = ev.target;
    if (!b || !b.classList || !b.classList.contains("copy-cite")) { return; }
    var text = b.previousElementSibling.textContent;
    window.wenjiCopy(text, b);
  });

  function init() {
    var urlSpan = document.querySelector(".print-url .page-url");
    if (urlSpan && !urlSpan.textContent) { urlSpan.textContent = window.location.href.split("#")[0]; }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
