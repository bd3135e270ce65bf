// mini-htmx: the few htmx behaviours the studio needs, written for punchup (no download, no build).
// hx-get / hx-post on forms and buttons, hx-target, hx-swap (innerHTML | outerHTML),
// hx-trigger="every Ns" polling, the HX-Retarget response header, and errors in #flash.
(function () {
  "use strict";

  function flash(html) {
    var bar = document.getElementById("flash");
    if (bar) { bar.innerHTML = html; bar.hidden = !html; }
  }

  function swap(target, html, mode) {
    if (mode === "outerHTML") { target.outerHTML = html; } else { target.innerHTML = html; }
    process(document);
  }

  function body(el) {
    var form = el.tagName === "FORM" ? el : el.closest("form");
    if (!form) { return null; }
    var spanOf = form.getAttribute("data-span-of");  // span rewrites send the textarea's selection
    if (spanOf) {
      var area = document.getElementById(spanOf), text = area.value;
      // Offsets in code points, as Python counts them (the browser's are UTF-16 units: an emoji is 2),
      // plus the selected text itself, which the server checks before rewriting anything.
      form.elements.start.value = Array.from(text.slice(0, area.selectionStart)).length;
      form.elements.end.value = Array.from(text.slice(0, area.selectionEnd)).length;
      form.elements.selected.value = text.slice(area.selectionStart, area.selectionEnd);
    }
    return new URLSearchParams(new FormData(form));
  }

  async function request(el) {
    var post = el.hasAttribute("hx-post");
    var url = el.getAttribute(post ? "hx-post" : "hx-get");
    if (el.hasAttribute("hx-confirm") && !window.confirm(el.getAttribute("hx-confirm"))) { return; }
    el.classList.add("hx-busy");
    try {
      var res = await fetch(url, { method: post ? "POST" : "GET", body: post ? body(el) : null,
                                   headers: { "HX-Request": "true" } });
      var html = await res.text();
      if (!res.ok) { flash(html); return; }
      flash("");
      var retarget = res.headers.get("HX-Retarget");
      var selector = retarget || el.getAttribute("hx-target");
      var target = selector ? document.querySelector(selector) : el;
      if (target) { swap(target, html, retarget ? "innerHTML" : (el.getAttribute("hx-swap") || "innerHTML")); }
    } catch (err) {
      flash("<div class='error'>The studio server did not answer (" + String(err).replace(/[<>&]/g, "") + ").</div>");
    } finally {
      el.classList.remove("hx-busy");
    }
  }

  function process(root) {
    root.querySelectorAll("[hx-trigger^='every']").forEach(function (el) {
      if (el.hxPolling) { return; }
      el.hxPolling = true;
      var seconds = parseFloat(el.getAttribute("hx-trigger").split(" ")[1]) || 1;
      setTimeout(function () { if (document.body.contains(el)) { request(el); } }, seconds * 1000);
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("hx-post") || form.hasAttribute("hx-get")) { event.preventDefault(); request(form); }
  });
  document.addEventListener("click", function (event) {
    var el = event.target.closest("button[hx-post], button[hx-get], a[hx-get]");
    if (el) { event.preventDefault(); request(el); }
  });
  document.addEventListener("DOMContentLoaded", function () { process(document); });
})();
