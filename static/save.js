/* wenji: a speech's plain text (.txt) and its structure (.json), made from the page itself when
   the reader asks for them, the same bytes wenji.downloads.plain_text and speech_json write
   (a test holds them equal). The site does not carry them as files: the page already holds the
   text and its structure, and archive-texts.zip holds every text and archive.json. */
(function () {
  "use strict";

  var article = document.querySelector("article.speech[data-speech]");
  var place = document.getElementById("downloads");
  if (!article || !place) { return; }
  var data = JSON.parse(article.getAttribute("data-speech"));
  var dropped = JSON.parse(article.getAttribute("data-dropped") || "[]");  /* boilerplate the page leaves out */
  /* wenji.footnotes.NOTES_HEAD: the text's own line that heads its notes (else the .txt writes 注释) */
  var notesHead = new RegExp(article.getAttribute("data-notes-head") || "^$");
  var body = article.querySelector(".speech-body");

  /* A paragraph's or heading's own text: what the reader reads, without permalinks, buttons and
     a note's link back to its mark (with the space after it). */
  function textOf(element) {
    var out = "", skipSpace = false;
    for (var n = element.firstChild; n; n = n.nextSibling) {
      if (n.nodeType === 3) {
        out += skipSpace && n.nodeValue.charAt(0) === " " ? n.nodeValue.slice(1) : n.nodeValue;
        skipSpace = false;
      } else if (n.nodeType === 1 && n.classList.contains("fnback")) {
        skipSpace = true;
      } else if (n.nodeType === 1 && !(n.classList.contains("permalink") || n.tagName === "BUTTON")) {
        out += textOf(n);
        skipSpace = false;
      }
    }
    return out;
  }

  function heading(section) {
    return textOf(section.querySelector(":scope > .sh > h2, :scope > .sh > h3, :scope > .sh > h4, :scope > .sh > h5, :scope > .sh > h6"));
  }

  /* The blocks of a section (or of the body), in reading order: paragraphs and subsections; the
     body's last are its notes, shown apart at its end. */
  function blocks(parent) {
    var found = Array.prototype.filter.call(parent.children, function (e) {
      return (e.tagName === "P" && e.id) || (e.tagName === "SECTION" && e.classList.contains("sec"));
    });
    return parent === body ? found.concat(Array.prototype.slice.call(body.querySelectorAll(":scope > aside.notes p[id]"))) : found;
  }

  function structure() {
    var sections = [], paragraphs = [], preamble = [];
    function visit(parent, path, own) {
      blocks(parent).forEach(function (b) {
        if (b.tagName === "P") {
          own.push(b.id);
          paragraphs.push({id: b.id, kind: b.classList[0] || "text", text: textOf(b)});
          return;
        }
        var here = path.concat([heading(b)]);
        var entry = {id: b.id, heading: here[here.length - 1], depth: parseInt(/\bd(\d+)\b/.exec(b.className)[1], 10),
                     path: here, paragraphs: [], subsections: []};
        sections.push(entry);
        entry.subsections = blocks(b).filter(function (x) { return x.tagName === "SECTION"; }).map(function (x) { return x.id; });
        visit(b, here, entry.paragraphs);
      });
    }
    visit(body, [], preamble);
    var out = {};
    Object.keys(data).forEach(function (k) { out[k] = data[k]; });
    out.preamble = preamble;
    out.sections = sections;
    out.paragraphs = paragraphs;
    return out;
  }

  function plainText() {
    var m = data.meta, head = [m.title], out = [];
    if (m.occasion) { head.push("——" + m.occasion); }
    if (m.date) { head.push("（" + m.date + "）"); }
    if (m.speaker) { head.push(m.speaker); }
    out.push(head.join("\n"));
    (function walk(parent) {
      blocks(parent).forEach(function (b) {
        if (b.tagName === "P") {
          var first = b.parentElement.id === "fn1" && b.classList.contains("note");
          if (first && !notesHead.test(out[out.length - 1])) { out.push("注释"); }
          out.push(textOf(b));
        } else {
          out.push(heading(b));
          walk(b);
        }
      });
    })(body);
    return out.concat(dropped).join("\n\n") + "\n";
  }

  function save(name, text, type) {
    var url = URL.createObjectURL(new Blob([text], {type: type}));
    var a = document.createElement("a");
    a.href = url;
    a.download = name;
    a.hidden = true;
    document.body.appendChild(a);
    a.click();
    document.body.removeChild(a);
    window.setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
  }

  function button(label, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "save";
    b.textContent = label;
    b.addEventListener("click", onClick);
    return b;
  }

  var zip = place.querySelector("a");
  place.insertBefore(button("本篇纯文本（.txt）", function () {
    save(data.slug + ".txt", plainText(), "text/plain;charset=utf-8");
  }), zip);
  place.insertBefore(document.createTextNode(" · "), zip);
  place.insertBefore(button("本篇结构（.json）", function () {
    save(data.slug + ".json", JSON.stringify(structure(), null, 1) + "\n", "application/json;charset=utf-8");
  }), zip);
  place.insertBefore(document.createTextNode(" · "), zip);
})();
