/* Back Channels: give ipywidgets' slider handles the name their visible label shows.
   ipywidgets draws a slider as a noUiSlider handle (role=slider) beside a separate label element,
   so a screen reader (and axe: aria-input-field-name) hears an unnamed slider. This names each
   handle after its label as widgets appear. Used by the self-study app and the live lecture. */
(function () {
  "use strict";
  function name(root) {
    (root.querySelectorAll ? root : document).querySelectorAll(".widget-slider, .widget-hslider, .widget-vslider")
      .forEach(function (widget) {
        var label = widget.querySelector(".widget-label");
        var text = label ? label.textContent.trim() : "";
        widget.querySelectorAll("[role=slider]").forEach(function (handle) {
          if (text && handle.getAttribute("aria-label") !== text) { handle.setAttribute("aria-label", text); }
        });
      });
  }
  function start() {
    name(document);
    new MutationObserver(function () { name(document); }).observe(document.body, {childList: true, subtree: true});
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
