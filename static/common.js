/* What wenji's page scripts share, declared on every page before them: a plain <script> loaded
   once (it loads from file://, where fetch may not), and whether the keys typed now go into a
   field (so that "/", j/k and the arrows are left to it). */
(function (root) {
  "use strict";

  var scripts = new Map();
  function script(src) {
    if (!scripts.has(src)) {
      scripts.set(src, new Promise(function (resolve, reject) {
        var element = document.createElement("script");
        element.src = src;
        element.onload = resolve;
        element.onerror = function () { reject(new Error(src)); };
        document.head.appendChild(element);
      }));
    }
    return scripts.get(src);
  }

  function typing(el) {
    if (!el) return false;
    var tag = el.tagName;
    if (el.isContentEditable || tag === "TEXTAREA" || tag === "SELECT") return true;
    if (tag !== "INPUT") return false;
    return !/^(button|checkbox|radio|submit|reset|image|file|range|color)$/i.test(el.type);
  }

  root.wenjiPage = { script: script, typing: typing };
})(window);
