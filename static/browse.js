/* wenji home page narrowed by year, decade and kind (index.html?year=…&decade=…&kind=…): the
   list of speeches is then every matching speech of the archive, from data/speeches.js (a plain
   <script>, so this works from file://), with their count; without a filter the page is as
   built. Everything from a speech goes in as text. */
(function (root) {
  "use strict";

  var box = document.getElementById("browse");
  if (!box) return;
  var decade = document.getElementById("browse-decade"), year = document.getElementById("browse-year");
  var kind = document.getElementById("browse-kind"), statusLine = document.getElementById("browse-status");
  var table = document.querySelector("table.speeches"), body = table.tBodies[0], pages = document.getElementById("pages");
  var built = Array.from(body.rows), loading = null;

  function load() {
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var element = document.createElement("script");
        element.src = "data/speeches.js";
        element.onload = function () { resolve(root.wenjiSpeeches); };
        element.onerror = function () { reject(new Error(element.src)); };
        document.head.appendChild(element);
      });
    }
    return loading;
  }
  function cnDate(date) {
    var labels = ["年", "月", "日"];
    return date.split("-").map(function (p, i) { return parseInt(p, 10) + labels[i]; }).join("");
  }
  function cell(row, text, className) {
    var td = document.createElement("td");
    if (className) td.className = className;
    if (text !== undefined) td.textContent = text;
    row.appendChild(td);
    return td;
  }
  /* [slug, title, date, kind, place and speaker, characters] as the built rows show it. */
  function rowOf(s) {
    var tr = document.createElement("tr"), a = document.createElement("a"), when = cell(tr);
    a.href = "speeches/" + s[0] + ".html";
    a.textContent = s[1];
    tr.insertBefore(cell(tr), when).appendChild(a);
    if (s[2]) {
      var time = document.createElement("time");
      time.dateTime = s[2];
      time.textContent = cnDate(s[2]);
      when.appendChild(time);
    } else {
      var unknown = document.createElement("span");
      unknown.className = "unknown";
      unknown.textContent = "日期不详";
      when.appendChild(unknown);
    }
    cell(tr, s[3]);
    cell(tr, s[4]);
    cell(tr, s[5].toLocaleString("en-US"), "num");
    return tr;
  }
  function matches(s) {
    var y = (s[2] || "").slice(0, 4);
    return (!year.value || y === year.value) && (!decade.value || (y && y.slice(0, 3) + "0" === decade.value)) &&
      (!kind || !kind.value || s[3] === kind.value);
  }
  function mark() {
    document.querySelectorAll(".year-strip a").forEach(function (a) {
      var y = a.getAttribute("data-year");
      if (y === year.value || (!year.value && decade.value && y.slice(0, 3) + "0" === decade.value)) {
        a.setAttribute("aria-current", "true");
      } else {
        a.removeAttribute("aria-current");
      }
    });
  }
  function address() {
    var params = new URLSearchParams();
    [decade, year, kind].forEach(function (f) { if (f && f.value) params.set(f.name, f.value); });
    var search = params.toString();
    try { history.replaceState(null, "", location.pathname + (search ? "?" + search : "")); } catch (e) { /* file:// */ }
  }
  function apply() {
    var narrowed = [decade, year, kind].some(function (f) { return f && f.value; });
    address();
    mark();
    if (!narrowed) {
      body.textContent = "";
      built.forEach(function (r) { body.appendChild(r); });
      if (pages) pages.hidden = false;
      statusLine.textContent = "";
      return;
    }
    load().then(function (speeches) {
      var found = speeches.filter(matches);
      body.textContent = "";
      found.forEach(function (s) { body.appendChild(rowOf(s)); });
      if (pages) pages.hidden = true;
      statusLine.textContent = "符合条件的讲话 " + found.length + " 篇。";
    }).catch(function (e) { statusLine.textContent = "未能载入篇目数据（" + e.message + "）。"; });
  }

  var params = new URLSearchParams(location.search);
  [decade, year, kind].forEach(function (f) {
    if (!f) return;
    var v = params.get(f.name) || "";
    f.value = Array.from(f.options).some(function (o) { return o.value === v; }) ? v : "";
    f.addEventListener("change", function () {
      if (f === year && year.value) decade.value = "";
      if (f === decade && decade.value) year.value = "";
      apply();
    });
  });
  document.querySelectorAll(".year-strip a").forEach(function (a) {
    a.addEventListener("click", function (e) {
      e.preventDefault();
      year.value = year.value === a.getAttribute("data-year") ? "" : a.getAttribute("data-year");
      decade.value = "";
      apply();
    });
  });
  if ([decade, year, kind].some(function (f) { return f && f.value; })) apply();
})(window);
