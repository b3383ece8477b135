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

  // Dataset picker: suggestions from the search API for inputs marked data-dataset-picker. With
  // data-picker-multi the input holds comma-separated slugs and a choice replaces the word being typed.
  function setupPicker(input) {
    var multi = input.hasAttribute("data-picker-multi");
    var list = document.createElement("ul");
    var listId = input.id + "-suggestions";
    list.id = listId;
    list.className = "picker-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.insertAdjacentElement("afterend", list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("aria-expanded", "false");
    var active = -1;
    var timer = null;
    function current() {
      if (!multi) return input.value.trim();
      var parts = input.value.split(",");
      return parts[parts.length - 1].trim();
    }
    function close() {
      list.hidden = true;
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
    function choose(option) {
      var slug = option.getAttribute("data-slug");
      if (multi) {
        var parts = input.value.split(",").map(function (p) { return p.trim(); }).filter(Boolean);
        parts.pop();
        parts.push(slug);
        input.value = parts.join(", ") + ", ";
      } else {
        input.value = slug;
      }
      close();
      input.focus();
    }
    function highlight(index) {
      var options = list.querySelectorAll("li");
      options.forEach(function (o, i) { o.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (options[index]) input.setAttribute("aria-activedescendant", options[index].id);
    }
    function fetchSuggestions() {
      var q = current();
      if (q.length < 2) { close(); return; }
      fetch("/api/v1/search/?page_size=6&q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (body) {
          if (!body) return;
          list.textContent = "";
          body.results.forEach(function (hit, i) {
            var li = document.createElement("li");
            li.id = listId + "-" + i;
            li.setAttribute("role", "option");
            li.setAttribute("data-slug", hit.slug);
            li.textContent = hit.name + " (" + hit.slug + ")";
            li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(li); });
            list.appendChild(li);
          });
          list.hidden = body.results.length === 0;
          input.setAttribute("aria-expanded", list.hidden ? "false" : "true");
          highlight(-1);
        }).catch(function () {});
    }
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(fetchSuggestions, 150); });
    input.addEventListener("keydown", function (e) {
      var options = list.querySelectorAll("li");
      if (list.hidden || !options.length) return;
      if (e.key === "ArrowDown") { e.preventDefault(); highlight((active + 1) % options.length); }
      else if (e.key === "ArrowUp") { e.preventDefault(); highlight((active - 1 + options.length) % options.length); }
      else if (e.key === "Enter" && active >= 0) { e.preventDefault(); choose(options[active]); }
      else if (e.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-dataset-picker]").forEach(setupPicker);
  });

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
