/* wenji keyword index: each entry's term links to its trend (trends.html?q=TERM). Made here
   rather than written into every entry: the trends page needs scripts anyway, and the links
   would add 130 KB to the real archive's index pages. */
(function () {
  "use strict";
  document.querySelectorAll("dl.entries > dt").forEach(function (dt) {
    var term = dt.firstChild && dt.firstChild.nodeType === 3 ? dt.firstChild.textContent.trim() : "";
    if (!term) return;
    var a = document.createElement("a");
    a.className = "trend";
    a.href = "../trends.html?q=" + encodeURIComponent(term);
    a.textContent = "趋势";
    a.setAttribute("aria-label", "“" + term + "”的逐年趋势");
    dt.appendChild(document.createTextNode(" "));
    dt.appendChild(a);
  });
})();
