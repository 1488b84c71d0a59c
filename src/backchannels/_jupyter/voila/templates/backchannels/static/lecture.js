/* Back Channels live lecture deck (Voila reveal template): starts reveal.js for a projector.
   - 16:9 slides of 1280x720 units, scaled to the screen by reveal.js;
   - linear navigation: Right/Down arrows, Space, Page Down and N walk every slide and fragment;
   - keys on a focused control (slider, radio, button, text box, drop-down) belong to the control;
     Esc hands the keys back to the deck; a mouse click on a button does not keep the keys;
   - slides whose content is taller or wider than the slide are shrunk until they fit. */
(function () {
  "use strict";
  var WIDTH = 1280, HEIGHT = 720;
  var CONTROL = "input, select, textarea, button, summary, [role=slider], [role=radio], [role=listbox]," +
    " [role=option], [contenteditable=''], [contenteditable=true], .noUi-handle";

  function onControl(target) {
    return !!(target && target.closest && target.closest(CONTROL));
  }

  // Esc on a control: leave the control, so the next arrow key moves the deck.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && onControl(event.target)) {
      event.target.blur();
      event.stopImmediatePropagation();
      event.preventDefault();
    }
  }, true);
  // A mouse click on a button (detail > 0) leaves the keys with the deck; keyboard presses keep focus.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".reveal button");
    if (button && event.detail > 0) { setTimeout(function () { button.blur(); }, 0); }
  }, true);

  function leafSlides() {
    return Array.prototype.filter.call(document.querySelectorAll(".reveal .slides section"),
      function (s) { return !s.querySelector("section"); });
  }

  // The size of a slide's content in slide units (the deck is scaled to the window by reveal.js).
  function contentSize(section, cells) {
    var scale = (window.Reveal && Reveal.getScale && Reveal.getScale()) || 1;
    var top = Infinity, bottom = -Infinity, left = Infinity, right = -Infinity;
    cells.forEach(function (c) {
      var r = c.getBoundingClientRect();
      if (!r.width && !r.height) { return; }
      top = Math.min(top, r.top); bottom = Math.max(bottom, r.bottom);
      left = Math.min(left, r.left); right = Math.max(right, r.right);
    });
    // (A slide is at least as tall as the deck, so its own scrollHeight says nothing: use its content.)
    var height = isFinite(top) ? (bottom - top) / scale : 0;
    var width = isFinite(left) ? (right - left) / scale : 0;
    cells.forEach(function (c) {  // content wider than its cell (a wide table) overflows sideways
      width = Math.max(width, c.scrollWidth * (parseFloat(c.style.zoom) || 1));
    });
    return {height: height, width: width};
  }

  // Shrink a slide's content (CSS zoom on its cells) until it fits the slide, never enlarge it.
  function fit(section) {
    if (!section) { return; }
    var cells = Array.prototype.filter.call(section.children, function (c) { return c.tagName !== "ASIDE"; });
    cells.forEach(function (c) { c.style.zoom = ""; });
    var zoom = 1;
    for (var pass = 0; pass < 4; pass++) {
      var size = contentSize(section, cells);
      var need = Math.min(1, (HEIGHT - 16) / Math.max(size.height, 1), (WIDTH - 16) / Math.max(size.width, 1));
      if (need >= 0.999) { break; }
      zoom = Math.floor(zoom * need * 1000) / 1000;
      cells.forEach(function (c) { c.style.zoom = String(zoom); });
    }
    // Shrunk content is laid out wider, so its text wraps into fewer lines and it may fit at a
    // larger zoom than the estimate: look for the largest zoom that still fits (never below it).
    if (zoom < 1) {
      var low = zoom, high = 1;
      var fitsAt = function (z) {
        cells.forEach(function (c) { c.style.zoom = String(z); });
        var size = contentSize(section, cells);
        // (The same test as the estimate's: a cell is always as wide as the slide, give or take rounding.)
        return Math.min((HEIGHT - 16) / Math.max(size.height, 1), (WIDTH - 16) / Math.max(size.width, 1)) >= 0.999;
      };
      if (fitsAt(low)) {
        for (var step = 0; step < 7; step++) {
          var middle = (low + high) / 2;
          if (fitsAt(middle)) { low = middle; } else { high = middle; }
        }
      }
      zoom = Math.floor(low * 1000) / 1000;
      cells.forEach(function (c) { c.style.zoom = String(zoom); });
    }
    section.dataset.bcFit = String(zoom);
    if (window.Reveal && Reveal.isReady && Reveal.isReady()) { Reveal.layout(); }
  }

  // A slide whose table would shrink below READABLE is split: the table's rows continue on new
  // slides after it (header repeated), so every part is read at a projector's size. Only slides
  // without live widgets are split (a widget cannot be copied).
  var READABLE = 0.7;
  function needOf(section) {
    var cells = Array.prototype.filter.call(section.children, function (c) { return c.tagName !== "ASIDE"; });
    cells.forEach(function (c) { c.style.zoom = ""; });
    var size = contentSize(section, cells);
    return Math.min(1, (HEIGHT - 16) / Math.max(size.height, 1), (WIDTH - 16) / Math.max(size.width, 1));
  }
  // Show a slide (and the vertical stack holding it) while it is measured; returns the undo.
  function showForMeasure(section) {
    var changed = [];
    for (var e = section; e && e.tagName === "SECTION"; e = e.parentElement) {
      changed.push([e, e.style.display]);
      e.style.display = "block";
    }
    return function () { changed.forEach(function (c) { c[0].style.display = c[1]; }); };
  }

  function splitTables() {
    var added = false;
    leafSlides().forEach(function (section) {
      var tables = section.querySelectorAll("table");
      // A live control cannot be copied; a table drawn by a widget with no controls can.
      if (tables.length !== 1 || section.querySelector(".fragment") || section.querySelector(CONTROL)
          || section.dataset.bcSplit) { return; }
      var table = tables[0], body = table.tBodies[0];
      // A case card's facts table is part of the card (two columns on the slide): the card is
      // shrunk, never cut into copies of itself.
      if (!body || body.rows.length < 2 || table.closest(".bc-case-card")) { return; }
      var restore = showForMeasure(section);
      var need = needOf(section);
      if (need >= READABLE) { restore(); return; }
      var rows = Array.prototype.slice.call(body.rows);
      var heights = rows.map(function (r) { return r.getBoundingClientRect().height; });
      var scale = (Reveal.getScale && Reveal.getScale()) || 1;
      var head = table.tHead ? table.tHead.getBoundingClientRect().height / scale : 0;
      var budget = HEIGHT - 40 - head - 60;  // slide units
      var groups = [], current = [], used = 0;
      rows.forEach(function (row, i) {
        var h = heights[i] / scale;
        if (current.length && used + h > budget) { groups.push(current); current = []; used = 0; }
        current.push(i); used += h;
      });
      groups.push(current);
      restore();
      if (groups.length < 2) { return; }
      // Rows of the first group stay on this slide; each other group gets a copy holding only the table.
      var holder = table.closest(".jp-Cell") || table.parentElement;
      var after = section;
      groups.slice(1).forEach(function (group) {
        var copy = document.createElement("section");
        var part = holder.cloneNode(true);
        var rowsOfPart = part.querySelector("table").tBodies[0].rows;
        for (var i = rowsOfPart.length - 1; i >= 0; i--) { if (group.indexOf(i) < 0) { rowsOfPart[i].remove(); } }
        var note = document.createElement("p");
        note.className = "bc-continued";
        note.textContent = "(table continued)";
        copy.appendChild(note);
        copy.appendChild(part);
        after.parentNode.insertBefore(copy, after.nextSibling);
        after = copy;
      });
      for (var i = rows.length - 1; i >= 0; i--) { if (groups[0].indexOf(i) < 0) { rows[i].remove(); } }
      section.dataset.bcSplit = "1";
      added = true;
    });
    return added;
  }

  // An output made of parts (the lesson 04 timeline, one figure per era: .bc-slide-parts >
  // .bc-slide-part) shows one part per slide, each at the slide's full size; a page shows them
  // one under the other. Only slides without live controls are split (a widget cannot be copied).
  function splitParts() {
    var added = false;
    leafSlides().forEach(function (section) {
      var groups = section.querySelectorAll(".bc-slide-parts");
      if (groups.length !== 1 || section.querySelector(CONTROL) || section.dataset.bcParts) { return; }
      var parts = groups[0].querySelectorAll(":scope > .bc-slide-part");
      if (parts.length < 2) { return; }
      var holder = groups[0].closest(".jp-Cell") || groups[0].parentElement;
      var after = section;
      for (var n = 1; n < parts.length; n++) {
        var copy = document.createElement("section");
        var part = holder.cloneNode(true);
        var kept = part.querySelectorAll(".bc-slide-parts > .bc-slide-part");
        for (var i = kept.length - 1; i >= 0; i--) { if (i !== n) { kept[i].remove(); } }
        copy.appendChild(part);
        after.parentNode.insertBefore(copy, after.nextSibling);
        after = copy;
      }
      for (var j = parts.length - 1; j >= 1; j--) { parts[j].remove(); }
      section.dataset.bcParts = String(parts.length);
      added = true;
    });
    return added;
  }

  function fitCurrent() { fit(window.Reveal && Reveal.getCurrentSlide && Reveal.getCurrentSlide()); }

  // Fit every slide once (tests and the overview use it); each slide is shown while measured.
  function fitAll() {
    leafSlides().forEach(function (s) {
      var restore = showForMeasure(s);
      fit(s);
      restore();
    });
  }

  var observer = window.ResizeObserver ? new ResizeObserver(function () { fitCurrent(); }) : null;
  function watch() {
    if (!observer) { return; }
    observer.disconnect();
    var slide = Reveal.getCurrentSlide();
    if (slide) {
      Array.prototype.forEach.call(slide.children, function (c) { observer.observe(c); });
    }
  }

  function start() {
    Reveal.initialize({
      width: WIDTH, height: HEIGHT, margin: 0.03, minScale: 0.2, maxScale: 2.0,
      controls: true, progress: true, history: true, hash: true, center: true,
      slideNumber: "c/t", transition: "none", navigationMode: "linear",
      keyboardCondition: function (event) { return !onControl(event.target); },
      plugins: window.RevealNotes ? [window.RevealNotes] : []
    }).then(function () {
      var split = splitParts();
      if (splitTables() || split) { Reveal.sync(); }
      fitCurrent(); watch();
      document.documentElement.classList.add("bc-deck-ready");
    });
    Reveal.on("slidechanged", function () { fitCurrent(); watch(); });
    // Widgets (live lecture) draw their output after the deck started: split again once the page
    // has been quiet for a second.
    var quiet = null;
    new MutationObserver(function () {
      // Parts need no measuring: split them as soon as they are drawn, so no slide ever holds all.
      if (splitParts()) { Reveal.sync(); fitCurrent(); }
      clearTimeout(quiet);
      quiet = setTimeout(function () {
        if (splitTables()) { Reveal.sync(); fitCurrent(); }
      }, 1000);
    }).observe(document.querySelector(".reveal .slides"), {childList: true, subtree: true});
    Reveal.on("fragmentshown", fitCurrent);
    window.bcLecture = { fit: fit, fitAll: fitAll, leafSlides: leafSlides, WIDTH: WIDTH, HEIGHT: HEIGHT };
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
