// Upload progress: htmx reports the XHR's progress events on the form.
(function () {
  const form = document.getElementById("import-form");
  const bar = document.getElementById("import-progress");
  const status = document.getElementById("import-status");
  form.addEventListener("htmx:beforeRequest", function () {
    bar.value = 0;
    bar.hidden = false;
    status.textContent = form.dataset.uploading;
  });
  form.addEventListener("htmx:xhr:progress", function (event) {
    const detail = event.detail;
    if (!detail.lengthComputable || !detail.total) return;
    // The response's download fires progress too: never move the bar backwards.
    bar.value = Math.max(bar.value, Math.round((100 * detail.loaded) / detail.total));
    if (bar.value >= 100) status.textContent = form.dataset.importing;
  });
  form.addEventListener("htmx:afterRequest", function () {
    bar.hidden = true;
    status.textContent = "";
  });
})();
