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
  var state = { q: "", page: 1, filters: {} };
  var uid = "kb" + Math.random().toString(36).slice(2, 8);

  root.innerHTML =
    "<style>" +
    // The host element can be styled by the page (even with !important) and passes on inherited
    // properties, so every style is reset on an inner wrapper that no outside rule can match;
    // sizes are in em of that wrapper, never rem (the page's root font size).
    ":host{all:initial;display:block}" +
    ".kb{all:initial;display:block;font:16px/1.5 system-ui,Arial,sans-serif;color:#1a1a1a;text-align:left}" +
    ":where(.kb *){font:inherit;color:inherit;letter-spacing:normal;text-transform:none}" +
    ".kb strong{font-weight:700}.kb legend,.kb .total,.kb label.q{font-weight:700}" +
    "*{box-sizing:border-box}form{display:flex;gap:.5em;flex-wrap:wrap}label.q{display:block;font-weight:600;width:100%}" +
    "button{background:#0b4f8a;color:#fff}input[type=search]{flex:1 1 10em;min-width:0;font-size:1em;padding:.5em;border:2px solid #4a4a4a;border-radius:4px}" +
    "button{font-size:1em;padding:.5em .9em;background:#0b4f8a;color:#fff;border:0;border-radius:4px;cursor:pointer}" +
    ":focus-visible{outline:3px solid #d35400;outline-offset:2px}.grid{display:grid;grid-template-columns:12em 1fr;gap:1em;margin-top:.75em}" +
    "@media (max-width:40em){.grid{grid-template-columns:1fr}}fieldset{border:0;border-top:1px solid #c9d2dc;margin:0;padding:.4em 0}" +
    "legend{padding:0}.opt{display:flex;gap:.35em;font-size:.9em}.count{color:#4a4a4a}" +
    "ol{padding-left:1.3em;margin:.25em 0}li.r{margin-bottom:.9em}li.r a{color:#0b4f8a;font-weight:600}" +
    ".crumb{color:#4a4a4a;font-size:.85em}.snip{margin:.15em 0}mark{background:#fff1a8;color:inherit}" +
    ".badge{font-size:.75em;border:1px solid #c9d2dc;border-radius:3px;padding:0 .4em;margin-right:.3em}" +
    ".total{margin:0}.note{background:#f2f5f8;border-left:4px solid #0b4f8a;padding:.3em .6em}" +
    ".pager{display:flex;gap:.5em;margin-top:.5em}.err{color:#a4000f}" +
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
        "<span class='badge'>" + esc(r.type_label) + "</span></li>";
    }).join("");
    // facet names, labels and value labels all come from the API (the server's facet table)
    facetsEl.innerHTML = Object.keys(data.facets).map(function (name) {
      var items = data.facets[name];
      return "<fieldset><legend>" + esc(data.facet_labels[name]) + "</legend>" + items.map(function (it, i) {
        var id = uid + name + i;
        return "<div class='opt'><input type='checkbox' id='" + id + "' data-facet='" + esc(name) + "' value='" + esc(it.value) + "'" +
          (it.selected ? " checked" : "") + "><label for='" + id + "'>" + esc(it.label) + " <span class='count'>(" + it.count + ")</span></label></div>";
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
