// licensedb: progressive enhancement only. Every page works without this file.
(function () {
  "use strict";

  // Copy buttons: <button data-copy="#selector">
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var source = document.querySelector(button.getAttribute("data-copy"));
    if (!source || !navigator.clipboard) return;
    navigator.clipboard.writeText(source.innerText).then(function () {
      var label = button.textContent;
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = label; }, 1500);
    });
  });

  // Open the verdict row named in the URL fragment (#use-commercial_training).
  function openFromHash() {
    if (!location.hash) return;
    var target = document.getElementById(location.hash.slice(1));
    if (target && target.tagName === "DETAILS") target.open = true;
  }
  window.addEventListener("hashchange", openFromHash);
  document.addEventListener("DOMContentLoaded", openFromHash);

  // Search as you type: fetch the results fragment for the form's state and keep the URL shareable.
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-live-search]");
    var results = document.getElementById("search-results");
    if (!form || !results || !window.fetch) return;
    var input = form.querySelector("input[name=q]");
    var timer = null;
    var controller = null;
    function run() {
      var params = new URLSearchParams(new FormData(form));
      params.delete("page");
      var url = form.getAttribute("action") + "?" + params.toString();
      if (controller) controller.abort();
      controller = window.AbortController ? new AbortController() : null;
      params.set("partial", "1");
      fetch(form.getAttribute("action") + "?" + params.toString(), {
        signal: controller ? controller.signal : undefined,
        headers: { "X-Requested-With": "fetch" }
      }).then(function (response) {
        return response.ok ? response.text() : null;
      }).then(function (html) {
        if (html === null) return;
        results.innerHTML = html;
        history.replaceState(null, "", url);
      }).catch(function () { /* a newer keystroke aborted this one */ });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(run, 180);
    });
  });
})();
