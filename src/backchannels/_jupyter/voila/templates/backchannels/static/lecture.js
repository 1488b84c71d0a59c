/* Back Channels live lecture deck (Voila reveal template): starts reveal.js for a projector.
   - 16:9 slides of 1280x720 units, scaled to the screen by reveal.js;
   - linear navigation: Right/Down arrows, Space, Page Down and N walk every slide and fragment;
   - keys on a focused control (slider, radio, button, text box, drop-down) belong to the control;
     Esc hands the keys back to the deck; a mouse click on a button does not keep the keys;
   - slides whose content is taller or wider than the slide are shrunk until they fit. */
(function () {
  "use strict";
  var WIDTH = 1280, HEIGHT = 720;
  var CONTROL = "input, select, textarea, button, [role=slider], [role=radio], [role=listbox]," +
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
    var height = Math.max(section.scrollHeight, isFinite(top) ? (bottom - top) / scale : 0);
    var width = Math.max(section.scrollWidth, isFinite(left) ? (right - left) / scale : 0);
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
      var need = Math.min(1, (HEIGHT - 16) / Math.max(size.height, 1), (WIDTH - 8) / Math.max(size.width, 1));
      if (need >= 0.999) { break; }
      zoom = Math.floor(zoom * need * 1000) / 1000;
      cells.forEach(function (c) { c.style.zoom = String(zoom); });
    }
    section.dataset.bcFit = String(zoom);
    if (window.Reveal && Reveal.isReady && Reveal.isReady()) { Reveal.layout(); }
  }

  function fitCurrent() { fit(window.Reveal && Reveal.getCurrentSlide && Reveal.getCurrentSlide()); }

  // Fit every slide once (tests and the overview use it); each slide is shown while measured.
  function fitAll() {
    leafSlides().forEach(function (s) {
      var display = s.style.display;
      s.style.display = "block";
      fit(s);
      s.style.display = display;
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
      fitCurrent(); watch();
      document.documentElement.classList.add("bc-deck-ready");
    });
    Reveal.on("slidechanged", function () { fitCurrent(); watch(); });
    Reveal.on("fragmentshown", fitCurrent);
    window.bcLecture = { fit: fit, fitAll: fitAll, leafSlides: leafSlides, WIDTH: WIDTH, HEIGHT: HEIGHT };
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
