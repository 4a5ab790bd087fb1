/* wenji: finding one's way in a long speech. The table of contents marks the section in view;
   on a narrow screen it waits behind a button that stays at hand (and closes once a section is
   chosen); a control leads back to the top. Without scripts the button is a link to the table
   of contents and the top link is always shown. */
(function () {
  "use strict";

  var toc = document.getElementById("toc");
  var bar = document.querySelector(".reading-bar");
  var wide = window.matchMedia("(min-width: 62.01rem)");
  var sections = Array.prototype.slice.call(document.querySelectorAll(".speech-body section.sec"));
  var links = {};
  var current = null;

  if (toc) {
    Array.prototype.forEach.call(toc.querySelectorAll("a[href^='#']"), function (a) {
      links[a.getAttribute("href").slice(1)] = a;
    });
  }

  /* --- the table of contents behind a button ------------------------------------------- */
  var button = null;

  function setOpen(open, focusButton) {
    if (!toc || !button) { return; }
    toc.classList.toggle("toc-open", open);
    button.setAttribute("aria-expanded", String(open));
    if (open) {
      var target = (current && links[current.id]) || toc.querySelector("a");
      keepInView(target);
      if (target) { target.focus({preventScroll: true}); }
    } else if (focusButton) {
      button.focus();
    }
  }

  if (toc && bar) {
    var link = bar.querySelector("a.toc-button");
    if (link) {
      button = document.createElement("button");
      button.type = "button";
      button.className = "toc-button";
      button.textContent = link.textContent;
      button.setAttribute("aria-controls", "toc");
      button.setAttribute("aria-expanded", "false");
      link.parentNode.replaceChild(button, link);
      button.addEventListener("click", function () { setOpen(!toc.classList.contains("toc-open"), false); });
    }
    toc.addEventListener("click", function (ev) {
      if (ev.target.closest("a") && !wide.matches) { setOpen(false, false); }
    });
    document.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape" && toc.classList.contains("toc-open")) { setOpen(false, true); }
    });
  }

  /* --- where am I ---------------------------------------------------------------------- */

  /* The last section whose heading has passed a line near the top of the window: sections are in
     document order, so their tops rise with their index (a binary search, a few reads a frame). */
  function inView() {
    var line = Math.min(window.innerHeight / 4, 160), lo = 0, hi = sections.length - 1, found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (sections[mid].getBoundingClientRect().top <= line) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found < 0 ? null : sections[found];
  }

  /* Scroll the table of contents itself (never the page) so that ``a`` is shown. */
  function keepInView(a) {
    if (!a || toc.scrollHeight <= toc.clientHeight) { return; }
    var top = a.offsetTop - toc.offsetTop, bottom = top + a.offsetHeight;
    if (top < toc.scrollTop || bottom > toc.scrollTop + toc.clientHeight) {
      toc.scrollTop = Math.max(0, top - toc.clientHeight / 3);
    }
  }

  function mark() {
    var now = inView();
    if (now !== current) {
      if (current && links[current.id]) { links[current.id].removeAttribute("aria-current"); }
      current = now;
      var a = current && links[current.id];
      if (a) {
        a.setAttribute("aria-current", "location");
        keepInView(a);
      }
    }
    if (bar) { bar.classList.toggle("scrolled", window.scrollY > window.innerHeight / 2); }
  }

  var pending = false;
  function onScroll() {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () { pending = false; mark(); });
  }

  window.addEventListener("scroll", onScroll, {passive: true});
  window.addEventListener("resize", onScroll);
  window.addEventListener("hashchange", onScroll);
  mark();
})();
