/* wenji search box, on every page: "/" focuses it (unless one is typing in a field). */
(function () {
  "use strict";

  function typing(el) {
    if (!el) return false;
    var tag = el.tagName;
    if (el.isContentEditable || tag === "TEXTAREA" || tag === "SELECT") return true;
    if (tag !== "INPUT") return false;
    return !/^(button|checkbox|radio|submit|reset|image|file|range|color)$/i.test(el.type);
  }

  document.addEventListener("keydown", function (e) {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return;
    if (typing(document.activeElement)) return;
    var box = document.getElementById("q");
    if (!box) return;
    e.preventDefault();
    box.focus();
    box.select();
  });
})();
