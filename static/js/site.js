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

  // Compare tray: picked datasets survive navigation (localStorage); the page works without it.
  var TRAY_KEY = "licensedb.compare";
  var TRAY_MAX = 10;
  function trayLoad() {
    try { return JSON.parse(localStorage.getItem(TRAY_KEY)) || []; } catch (e) { return []; }
  }
  function traySave(items) {
    try { localStorage.setItem(TRAY_KEY, JSON.stringify(items.slice(0, TRAY_MAX))); } catch (e) { /* private mode */ }
    trayRender();
  }
  function trayRender() {
    var tray = document.getElementById("compare-tray");
    if (!tray) return;
    var items = trayLoad();
    var list = tray.querySelector(".tray-items");
    list.textContent = "";
    items.forEach(function (item) {
      var li = document.createElement("li");
      var name = document.createElement("span");
      name.textContent = item.name;
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "link-button tray-remove";
      remove.setAttribute("data-slug", item.slug);
      remove.setAttribute("aria-label", "Remove " + item.name + " from the comparison");
      remove.textContent = "×";
      li.appendChild(name);
      li.appendChild(remove);
      list.appendChild(li);
    });
    var go = tray.querySelector(".tray-go");
    go.href = "/compare/?datasets=" + encodeURIComponent(items.map(function (i) { return i.slug; }).join(","));
    go.textContent = "Compare " + items.length;
    go.classList.toggle("disabled", items.length < 2);
    go.setAttribute("aria-disabled", items.length < 2 ? "true" : "false");
    tray.hidden = items.length === 0;
    document.querySelectorAll(".compare-add").forEach(function (button) {
      var picked = items.some(function (i) { return i.slug === button.getAttribute("data-compare-slug"); });
      button.hidden = false;
      button.textContent = picked ? "In compare ✓" : "Add to compare";
      button.setAttribute("aria-pressed", picked ? "true" : "false");
    });
  }
  document.addEventListener("click", function (event) {
    var add = event.target.closest(".compare-add");
    if (add) {
      var items = trayLoad();
      var slug = add.getAttribute("data-compare-slug");
      if (items.some(function (i) { return i.slug === slug; })) {
        traySave(items.filter(function (i) { return i.slug !== slug; }));
      } else if (items.length < TRAY_MAX) {
        items.push({ slug: slug, name: add.getAttribute("data-compare-name") });
        traySave(items);
      }
      return;
    }
    var remove = event.target.closest(".tray-remove");
    if (remove) {
      traySave(trayLoad().filter(function (i) { return i.slug !== remove.getAttribute("data-slug"); }));
      return;
    }
    if (event.target.closest(".tray-clear")) traySave([]);
    if (event.target.closest("[data-print]")) window.print();
    var go = event.target.closest(".tray-go.disabled");
    if (go) event.preventDefault();
  });
  document.addEventListener("DOMContentLoaded", trayRender);
  // results replaced by live search bring new buttons
  document.addEventListener("licensedb:updated", trayRender);

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
        document.dispatchEvent(new Event("licensedb:updated"));
      }).catch(function () { /* a newer keystroke aborted this one */ });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(run, 180);
    });
  });
})();
