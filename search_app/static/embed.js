// Kennisbank search widget. Paste on any page:
//   <div id="kennisbank-zoeken"></div>
//   <script src="https://HOST/embed.js" data-target="#kennisbank-zoeken" async></script>
// It renders a search box, results and facets inside a shadow root (the host page's CSS
// cannot reach it) and calls the JSON API of the server it was loaded from.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var base = new URL(script.src).origin;
  var target = document.querySelector(script.getAttribute("data-target") || "#kennisbank-zoeken");
  if (!target) return;
  var root = target.attachShadow ? target.attachShadow({ mode: "open" }) : target;
  var FACETS = [["theme", "Thema"], ["year", "Jaar"], ["type", "Type document"], ["organisation", "Organisatie"]];
  var state = { q: "", page: 1, filters: {} };
  var uid = "kb" + Math.random().toString(36).slice(2, 8);

  root.innerHTML =
    "<style>" +
    ":host{all:initial;display:block;font-family:system-ui,Arial,sans-serif;color:#1a1a1a;line-height:1.5}" +
    "*{box-sizing:border-box}form{display:flex;gap:.5rem;flex-wrap:wrap}label.q{display:block;font-weight:600;width:100%}" +
    "input[type=search]{flex:1 1 10rem;min-width:0;font-size:1rem;padding:.5rem;border:2px solid #4a4a4a;border-radius:4px}" +
    "button{font-size:1rem;padding:.5rem .9rem;background:#0b4f8a;color:#fff;border:0;border-radius:4px;cursor:pointer}" +
    ":focus-visible{outline:3px solid #d35400;outline-offset:2px}.grid{display:grid;grid-template-columns:12rem 1fr;gap:1rem;margin-top:.75rem}" +
    "@media (max-width:40rem){.grid{grid-template-columns:1fr}}fieldset{border:0;border-top:1px solid #c9d2dc;margin:0;padding:.4rem 0}" +
    "legend{font-weight:700;padding:0}.opt{display:flex;gap:.35rem;font-size:.9rem}.count{color:#4a4a4a}" +
    "ol{padding-left:1.3rem;margin:.25rem 0}li.r{margin-bottom:.9rem}li.r a{color:#0b4f8a;font-weight:600}" +
    ".crumb{color:#4a4a4a;font-size:.85rem}.snip{margin:.15rem 0}mark{background:#fff1a8;color:inherit}" +
    ".badge{font-size:.75rem;border:1px solid #c9d2dc;border-radius:3px;padding:0 .4rem;margin-right:.3rem}" +
    ".total{font-weight:600;margin:0}.note{background:#f2f5f8;border-left:4px solid #0b4f8a;padding:.3rem .6rem}" +
    ".pager{display:flex;gap:.5rem;margin-top:.5rem}.err{color:#a4000f}" +
    "</style>" +
    "<div class='kb' lang='nl' role='search'>" +
    "<form><label class='q' for='" + uid + "'>Zoeken in de kennisbank</label>" +
    "<input id='" + uid + "' type='search' name='q' maxlength='500' autocomplete='off'>" +
    "<button type='submit'>Zoeken</button></form>" +
    "<div class='grid'><div class='facets' aria-label='Filters'></div>" +
    "<div><p class='total' aria-live='polite'></p><div class='notes'></div><ol class='results'></ol><div class='pager'></div></div></div></div>";

  var form = root.querySelector("form");
  var input = root.querySelector("input[type=search]");
  var facetsEl = root.querySelector(".facets");
  var totalEl = root.querySelector(".total");
  var notesEl = root.querySelector(".notes");
  var resultsEl = root.querySelector(".results");
  var pagerEl = root.querySelector(".pager");
  var timer = null;

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function apiUrl() {
    var p = new URLSearchParams();
    if (state.q) p.set("q", state.q);
    p.set("page", String(state.page));
    Object.keys(state.filters).forEach(function (k) { state.filters[k].forEach(function (v) { p.append(k, v); }); });
    return base + "/api/search?" + p.toString();
  }

  function render(data) {
    totalEl.textContent = data.total + (data.total === 1 ? " resultaat" : " resultaten");
    var notes = "";
    if (data.corrected_from) notes += "<p class='note'>Gezocht op <strong>" + esc(data.query) + "</strong> in plaats van " + esc(data.corrected_from) + ".</p>";
    else if (data.suggestion) notes += "<p class='note'>Bedoelde u: <button type='button' class='sugg'>" + esc(data.suggestion) + "</button></p>";
    (data.expansions || []).forEach(function (e) { notes += "<p class='note'>" + esc(e.term) + " = " + esc(e.means) + "</p>"; });
    notesEl.innerHTML = notes;
    var sugg = notesEl.querySelector(".sugg");
    if (sugg) sugg.addEventListener("click", function () { input.value = data.suggestion; run(data.suggestion, 1); });
    resultsEl.setAttribute("start", String((data.page - 1) * data.per_page + 1));
    resultsEl.innerHTML = data.results.map(function (r) {
      // snippet is HTML from the API in which everything but <mark> is escaped
      return "<li class='r'><a href='" + esc(base + r.url) + "' target='_top'>" + esc(r.title) + "</a>" +
        "<div class='crumb'>" + esc(r.document.title) + " › " + esc(r.title) + "</div>" +
        "<p class='snip'>" + r.snippet + "</p>" +
        "<span class='badge'>" + esc(r.theme) + "</span>" + (r.year ? "<span class='badge'>" + esc(r.year) + "</span>" : "") +
        "<span class='badge'>" + esc(r.type) + "</span></li>";
    }).join("");
    facetsEl.innerHTML = FACETS.map(function (f) {
      var items = data.facets[f[0]] || [];
      return "<fieldset><legend>" + esc(f[1]) + "</legend>" + items.map(function (it, i) {
        var id = uid + f[0] + i;
        return "<div class='opt'><input type='checkbox' id='" + id + "' data-facet='" + f[0] + "' value='" + esc(it.value) + "'" +
          (it.selected ? " checked" : "") + "><label for='" + id + "'>" + esc(it.value) + " <span class='count'>(" + it.count + ")</span></label></div>";
      }).join("") + "</fieldset>";
    }).join("");
    facetsEl.querySelectorAll("input[type=checkbox]").forEach(function (box) {
      box.addEventListener("change", function () {
        var k = box.getAttribute("data-facet");
        var list = (state.filters[k] || []).filter(function (v) { return v !== box.value; });
        if (box.checked) list.push(box.value);
        state.filters[k] = list;
        state.page = 1;
        fetchResults();
      });
    });
    var pages = Math.ceil(data.total / data.per_page);
    pagerEl.innerHTML = (data.page > 1 ? "<button type='button' data-p='" + (data.page - 1) + "'>Vorige</button>" : "") +
      (data.page < pages ? "<button type='button' data-p='" + (data.page + 1) + "'>Volgende</button>" : "");
    pagerEl.querySelectorAll("button").forEach(function (b) {
      b.addEventListener("click", function () { state.page = Number(b.getAttribute("data-p")); fetchResults(); });
    });
  }

  function fetchResults() {
    return fetch(apiUrl(), { mode: "cors" })
      .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
      .then(function (res) {
        if (!res.ok) { totalEl.textContent = ""; notesEl.innerHTML = "<p class='err'>" + esc(res.body.error || "Fout") + "</p>"; return; }
        render(res.body);
      })
      .catch(function () { notesEl.innerHTML = "<p class='err'>De zoekdienst is niet bereikbaar.</p>"; });
  }

  function run(q, page) { state.q = q; state.page = page || 1; return fetchResults(); }

  form.addEventListener("submit", function (e) { e.preventDefault(); clearTimeout(timer); run(input.value.trim(), 1); });
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { run(input.value.trim(), 1); }, 300);
  });
  run("", 1);
})();
