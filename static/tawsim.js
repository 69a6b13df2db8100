/* Tawsim: behaviour every page shares, kept out of the HTML so that the
   Content-Security-Policy can refuse inline script, inline style and eval. */
(function () {
  "use strict";

  // A type's colour comes from the database: data-colour="#rrggbb" becomes the element's
  // --c custom property (set through the CSSOM, which the policy allows; a style="…"
  // attribute it would refuse).
  function applyColours(root) {
    if (root.matches && root.matches("[data-colour]")) root.style.setProperty("--c", root.dataset.colour);
    root.querySelectorAll("[data-colour]").forEach(function (el) {
      el.style.setProperty("--c", el.dataset.colour);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { applyColours(document); });
  document.addEventListener("htmx:load", function (event) { applyColours(event.detail.elt); });

  // Panels marked data-sends-set-version (the editor's knowledge-base and cluster panels)
  // send the annotation set's current version with each POST, read from the editor's
  // #set-state, so that a stale panel gets a 409 instead of overwriting newer work.
  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.verb !== "post" || !event.detail.elt.closest("[data-sends-set-version]")) return;
    const state = document.querySelector("[data-set-version]") || document.getElementById("set-state");
    if (state) event.detail.parameters.version = state.dataset.setVersion || state.dataset.version;
  });
})();
