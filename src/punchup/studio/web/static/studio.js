// The studio's page glue around the vendored htmx (htmx.min.js, see VENDORED.md); no framework, no build.
// Two jobs: span rewrites send the textarea's selection, and errors show in #flash as TEXT. Nothing here
// ever assigns innerHTML: model and writer text reaches the page only through the server's escaped templates.
(function () {
  "use strict";

  function showError(message) {
    var bar = document.getElementById("flash");
    if (!bar) { return; }
    var line = document.createElement("div");
    line.className = "error";
    line.setAttribute("role", "alert");
    line.textContent = message;  // text, never markup: the message may quote what the writer or a model wrote
    bar.replaceChildren(line);
    bar.hidden = false;
  }

  function clearError() {
    var bar = document.getElementById("flash");
    if (bar) { bar.replaceChildren(); bar.hidden = true; }
  }

  // Span rewrites: offsets in code points, as Python counts them (the browser's are UTF-16 units: an emoji
  // is 2), plus the selected text itself, which the server checks before rewriting anything.
  document.addEventListener("htmx:configRequest", function (event) {
    var form = event.detail.elt.closest && event.detail.elt.closest("form[data-span-of]");
    if (!form) { return; }
    var area = document.getElementById(form.getAttribute("data-span-of"));
    if (!area) { return; }
    var text = area.value;
    event.detail.parameters.start = String(Array.from(text.slice(0, area.selectionStart)).length);
    event.detail.parameters.end = String(Array.from(text.slice(0, area.selectionEnd)).length);
    event.detail.parameters.selected = text.slice(area.selectionStart, area.selectionEnd);
  });

  // The server answers htmx requests that fail with one plain-text line (see app.py); anything else
  // (a proxy's page, a crash) is summarised by its status rather than shown.
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var type = xhr.getResponseHeader("Content-Type") || "";
    var text = type.indexOf("text/plain") === 0 ? xhr.responseText.trim() : "";
    showError(text || ("The studio answered HTTP " + xhr.status + "."));
  });
  document.addEventListener("htmx:sendError", function () {
    showError("The studio server did not answer (is `punchup studio` still running?).");
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful) { clearError(); }
  });
})();
