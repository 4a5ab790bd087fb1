/* wenji: reading size (three sizes, remembered in localStorage). Loaded in <head>, not deferred,
   so the chosen size applies before the page is drawn. */
(function () {
  "use strict";
  var KEY = "wenji.size";
  var SIZES = [["s", "小"], ["m", "中"], ["l", "大"]];
  var root = document.documentElement;
  root.classList.add("js");  /* styles for controls that scripts add or change */

  function stored() {
    try { return window.localStorage.getItem(KEY) || "m"; } catch (e) { return "m"; }
  }
  function apply(size) {
    root.classList.remove("size-s", "size-m", "size-l");
    root.classList.add("size-" + size);
  }
  apply(stored());

  function addControl() {
    var header = document.querySelector("header.site");
    if (!header) { return; }
    var group = document.createElement("div");
    group.className = "size-control";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "字号");
    var label = document.createElement("span");
    label.className = "size-label";
    label.textContent = "字号";
    label.setAttribute("aria-hidden", "true");
    group.appendChild(label);
    SIZES.forEach(function (pair) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = pair[1];
      b.setAttribute("data-size", pair[0]);
      b.setAttribute("aria-label", "字号" + pair[1]);
      b.setAttribute("aria-pressed", String(stored() === pair[0]));
      b.addEventListener("click", function () {
        try { window.localStorage.setItem(KEY, pair[0]); } catch (e) { /* private mode: size holds for this page */ }
        apply(pair[0]);
        var all = group.querySelectorAll("button");
        for (var i = 0; i < all.length; i++) {
          all[i].setAttribute("aria-pressed", String(all[i] === b));
        }
      });
      group.appendChild(b);
    });
    header.appendChild(group);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", addControl);
  } else {
    addControl();
  }
})();
