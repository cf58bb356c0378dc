// Progressive enhancement of the server-rendered search page (and the iframe embed):
// results update as you type (debounced), the search box suggests completions
// (combobox.js), facet checkboxes apply at once, and every state stays in the URL.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  document.body.classList.add("js");
  var form = document.querySelector("form[data-enhance]");
  var region = document.getElementById("resultaten-gebied");
  if (!form || !region || !window.fetch) return;
  var input = form.querySelector("input[name=q]");
  var timer = null;
  var pending = null;

  function load(url, push, typing) {
    if (pending) pending.abort();
    pending = new AbortController();
    var sep = url.indexOf("?") >= 0 ? "&" : "?";
    // typing=1 tells the query log this may be a step of a longer query, not a search of its own
    return fetch(url + sep + "fragment=1" + (typing ? "&typing=1" : ""), { signal: pending.signal, headers: { "Accept": "text/html" } })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        // Keep the same live-region node so screen readers announce the new count.
        var live = region.querySelector(".result-count");
        var next = document.createElement("div");
        next.innerHTML = html;
        var fresh = next.querySelector(".result-count");
        if (live && fresh) {
          live.innerHTML = fresh.innerHTML;
          fresh.replaceWith(live);
        }
        followFeed(next.querySelector(".feed-link a"));
        region.replaceChildren.apply(region, Array.prototype.slice.call(next.childNodes));
        if (push) history.pushState({ url: url }, "", url);
        wire();
      })
      .catch(function (e) { if (e.name !== "AbortError") window.location.href = url; });
  }

  // The <head> link that feed readers and browsers find names the search now shown, as the
  // visible feed link does (none when the results offer no feed, e.g. an invalid filter).
  function followFeed(visible) {
    var head = document.head.querySelector('link[rel=alternate][type="application/atom+xml"]');
    if (!visible) {
      if (head) head.remove();
      return;
    }
    if (!head) {
      head = document.createElement("link");
      head.rel = "alternate";
      head.type = "application/atom+xml";
      head.title = visible.textContent;
      document.head.appendChild(head);
    }
    head.href = visible.getAttribute("href");
  }

  function urlWithQuery(q) {
    var params = new URLSearchParams(window.location.search);
    params.delete("page");
    if (q) params.set("q", q); else params.delete("q");
    var s = params.toString();
    return window.location.pathname + (s ? "?" + s : "");
  }

  function wire() {
    region.querySelectorAll(".facet input[type=checkbox]").forEach(function (box) {
      box.addEventListener("change", function () { load(box.getAttribute("data-url"), true); });
    });
    region.querySelectorAll(".chips a, .pagination a, .sort a, .notice a, .zero a, .more-in-document a, .start a").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        load(link.getAttribute("href"), true).then(function () {
          var hidden = new URLSearchParams(link.search).get("q");
          if (hidden !== null) input.value = hidden;
        });
      });
    });
  }

  var combo = window.KennisbankCombobox ? window.KennisbankCombobox.attach(input, {
    suggest: function (text, signal) {
      return fetch("/api/suggest?q=" + encodeURIComponent(text), { signal: signal, headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (body) { return body.suggestions || []; });
    },
    pick: function (text) {
      clearTimeout(timer);
      load(urlWithQuery(text.trim()), true);
    }
  }) : null;

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { load(urlWithQuery(input.value.trim()), true, true); }, 250);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    load(urlWithQuery(input.value.trim()), true);
  });
  window.addEventListener("popstate", function () {
    if (combo) combo.close();
    input.value = new URLSearchParams(window.location.search).get("q") || "";
    load(window.location.pathname + window.location.search, false);
  });
  wire();
})();
