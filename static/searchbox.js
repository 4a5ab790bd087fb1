/* wenji search box, on every page: "/" focuses it (unless one is typing in a field). */
(function () {
  "use strict";

  var typing = window.wenjiPage.typing;  /* static/common.js */

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
