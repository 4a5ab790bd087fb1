/* wenji: citations of a speech and of each of its sections, GB/T 7714—2015 [EB/OL] and BibTeX,
   assembled here from what the page holds (title, author, date and kind on the article; the
   headings of the sections) rather than written out for every section by the build. A reference
   holds the page's address (the published one when the site has a base URL, else the address
   the page was opened from) and the date of the moment it is copied, as [2026-12-01]. */
(function () {
  "use strict";

  var article = document.querySelector("article.speech[data-speech]");
  if (!article) { return; }
  var data = JSON.parse(article.getAttribute("data-speech"));
  var author = article.getAttribute("data-author") || "";
  var siteTitle = article.getAttribute("data-site") || "";

  function today() {
    var d = new Date();
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return d.getFullYear() + "-" + two(d.getMonth() + 1) + "-" + two(d.getDate());
  }

  /* The page's address without fragment or query: the canonical one when the site has a base URL. */
  function pageAddress() {
    var canonical = document.querySelector('link[rel="canonical"]');
    if (canonical && canonical.href) { return canonical.href.split("#")[0]; }
    return window.location.href.split("#")[0].split("?")[0];
  }

  /* The headings from the speech down to a section, as wenji.cite.section_title joins them. */
  function headingPath(section) {
    var path = [];
    for (var s = section; s; s = s.parentElement && s.parentElement.closest("section.sec")) {
      var h = s.querySelector(":scope > .sh > h2, :scope > .sh > h3, :scope > .sh > h4, :scope > .sh > h5, :scope > .sh > h6");
      path.unshift(h ? h.textContent : "");
    }
    return path;
  }

  function title(section) {
    return data.meta.title + (section ? "：" + headingPath(section).join(" ") : "");
  }

  function gbt(section, date) {
    var url = pageAddress() + (section ? "#" + section.id : "");
    return (author ? author + ". " : "") + title(section) + "[EB/OL]. " +
      (data.meta.date ? "(" + data.meta.date + ")" : "") + "[" + date + "]. " + url + ".";
  }

  function bibEscape(text) { return text.replace(/([{}%&$#_])/g, "\\$1"); }

  function bibtex(section) {
    var key = data.slug.replace(/[^A-Za-z0-9]/g, "_") + (section ? "_" + section.id.replace(/-/g, "_") : "");
    var fields = [];
    if (author) { fields.push(["author", "{" + bibEscape(author) + "}"]); }
    fields.push(["title", "{" + bibEscape(title(section)) + "}"]);
    var date = data.meta.date;
    if (date) { fields.push(["year", date.slice(0, 4)]); }
    if (date.length >= 7) { fields.push(["month", String(parseInt(date.slice(5, 7), 10))]); }
    if (data.meta.kind) { fields.push(["type", "{" + bibEscape(data.meta.kind) + "}"]); }
    fields.push(["url", "{" + pageAddress() + (section ? "#" + section.id : "") + "}"]);
    fields.push(["urldate", "{" + today() + "}"]);
    fields.push(["note", "{" + bibEscape(siteTitle) + (section ? "，" + section.id : "") + "}"]);
    return "@misc{" + key + ",\n" + fields.map(function (f) { return "  " + f[0] + " = " + f[1]; }).join(",\n") + "\n}";
  }

  function element(tag, className, text) {
    var e = document.createElement(tag);
    e.className = className;
    if (text) { e.textContent = text; }
    return e;
  }

  function copyButton(label) {
    var b = element("button", "copy-cite", "复制");
    b.type = "button";
    b.setAttribute("aria-label", "复制" + label);
    return b;
  }

  /* The body of a citation control, both forms each with its copy button, made once. */
  function body(details) {
    var box = details.querySelector(".cite-body");
    if (!box) { box = details.appendChild(element("div", "cite-body")); }
    if (!box.querySelector(".cite-text.gbt")) {
      box.textContent = "";
      box.appendChild(element("div", "cite-label", "GB/T 7714—2015"));
      box.appendChild(element("div", "cite-text gbt"));
      box.appendChild(copyButton(" GB/T 7714 引文"));
      box.appendChild(element("div", "cite-label", "BibTeX"));
      box.appendChild(element("pre", "cite-text bibtex"));
      box.appendChild(copyButton(" BibTeX"));
    }
    return box;
  }

  /* Both references with today's date: when the control opens, and again when one is copied. */
  function refresh(details) {
    var section = details.closest("section.sec");
    var box = body(details);
    box.querySelector(".cite-text.gbt").textContent = gbt(section, today());
    box.querySelector(".cite-text.bibtex").textContent = bibtex(section);
  }

  function addSectionControls() {
    var heads = document.querySelectorAll(".speech-body section.sec > .sh");
    for (var i = 0; i < heads.length; i++) {
      var d = document.createElement("details");
      d.className = "cite";
      var s = document.createElement("summary");
      s.textContent = "引用";
      s.setAttribute("aria-label", "引用本节");
      d.appendChild(s);
      heads[i].appendChild(d);
    }
  }

  document.addEventListener("toggle", function (ev) {
    var d = ev.target;
    if (d && d.classList && d.classList.contains("cite") && d.open) { refresh(d); }
  }, true);

  document.addEventListener("click", function (ev) {
    var b = ev.target;
    if (!b || !b.classList || !b.classList.contains("copy-cite")) { return; }
    refresh(b.closest("details.cite"));
    window.wenjiCopy(b.previousElementSibling.textContent, b);
  });

  addSectionControls();
  var urlSpan = document.querySelector(".print-url .page-url");
  if (urlSpan && !urlSpan.textContent) { urlSpan.textContent = pageAddress(); }
})();
