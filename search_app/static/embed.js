// Kennisbank search widget. Paste on any page:
//   <div id="kennisbank-zoeken"></div>
//   <script src="https://HOST/embed.js" data-target="#kennisbank-zoeken" async></script>
// It renders a search box (with suggestions, combobox.js), results and facets inside a shadow
// root (the host page's CSS cannot reach it) and calls the JSON API of the server it was
// loaded from. /embed.js serves combobox.js and this file in one private scope.
//
// Options on the script element:
//   data-target       CSS selector of the element to render into (default #kennisbank-zoeken)
//   data-link-target  where result links open: _top (default), _blank, _self or _parent
// Styling from the host page (CSS custom properties, inherited into the shadow root):
//   --kennisbank-accent (buttons, links, focus of options), --kennisbank-text (text colour),
//   --kennisbank-font (font-family), --kennisbank-font-size (base size, default 16px)
//
// Every text from the API is put into the page as text (textContent, text nodes); the snippet,
// HTML in which only <mark> is markup, is parsed inert and only its text and <mark>s are kept.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var base = new URL(script.src).origin;
  var target = document.querySelector(script.getAttribute("data-target") || "#kennisbank-zoeken");
  if (!target) return;
  var LINK_TARGETS = ["_top", "_blank", "_self", "_parent"];
  var linkTarget = (script.getAttribute("data-link-target") || "").trim().toLowerCase();
  if (LINK_TARGETS.indexOf(linkTarget) < 0) linkTarget = "_top";
  var root = target.attachShadow ? target.attachShadow({ mode: "open" }) : target;
  var state = { q: "", page: 1, filters: {} };
  var uid = "kb" + Math.random().toString(36).slice(2, 8);
  var ACCENT = "var(--kb-accent)";

  // Only constant markup here: nothing from the API or the host page.
  root.innerHTML =
    "<style>" +
    // The host element can be styled by the page (even with !important) and passes on inherited
    // properties, so every style is reset on an inner wrapper that no outside rule can match;
    // sizes are in em of that wrapper, never rem (the page's root font size). Custom properties
    // are not reset by `all`: the page sets the --kennisbank-* ones on purpose.
    ":host{all:initial;display:block}" +
    ".kb{all:initial;display:block;font-family:var(--kennisbank-font,system-ui,Arial,sans-serif);" +
    "font-size:var(--kennisbank-font-size,16px);line-height:1.5;color:var(--kennisbank-text,#1a1a1a);text-align:left;" +
    "--kb-accent:var(--kennisbank-accent,#0b4f8a)}" +
    ":where(.kb *){font:inherit;color:inherit;letter-spacing:normal;text-transform:none}" +
    ".kb strong{font-weight:700}.kb legend,.kb .total,.kb label.q{font-weight:700}.kb [hidden]{display:none}" +
    "*{box-sizing:border-box}form{display:flex;gap:.5em;flex-wrap:wrap}label.q{display:block;width:100%}" +
    ".combo{position:relative;flex:1 1 10em;min-width:0;display:flex}" +
    "input[type=search]{flex:1 1 auto;width:100%;min-width:0;font-size:1em;padding:.5em;border:2px solid #4a4a4a;border-radius:4px;background:#fff}" +
    "button{font-size:1em;padding:.5em .9em;background:" + ACCENT + ";color:#fff;border:0;border-radius:4px;cursor:pointer}" +
    ".kb-suggestions{position:absolute;top:100%;left:0;right:0;z-index:5;margin:2px 0 0;padding:.2em 0;list-style:none;" +
    "background:#fff;border:2px solid #4a4a4a;border-radius:4px;box-shadow:0 4px 10px rgba(0,0,0,.15);max-height:18em;overflow-y:auto}" +
    ".kb-suggestions [role=option]{padding:.35em .6em;cursor:pointer;overflow-wrap:anywhere}" +
    ".kb-suggestions [role=option]:hover{background:#f2f5f8}" +
    ".kb-suggestions [role=option][aria-selected=true]{background:" + ACCENT + ";color:#fff;outline:2px solid transparent;outline-offset:-2px}" +
    ".visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}" +
    ":focus-visible{outline:3px solid #d35400;outline-offset:2px}.grid{display:grid;grid-template-columns:12em 1fr;gap:1em;margin-top:.75em}" +
    "@media (max-width:40em){.grid{grid-template-columns:1fr}}fieldset{border:0;border-top:1px solid #c9d2dc;margin:0;padding:.4em 0}" +
    "legend{padding:0}.opt{display:flex;gap:.35em;font-size:.9em}.count{color:#4a4a4a}" +
    "ol{padding-left:1.3em;margin:.25em 0}li.r{margin-bottom:.9em}li.r a{color:" + ACCENT + ";font-weight:600}" +
    ".crumb{color:#4a4a4a;font-size:.85em}.snip{margin:.15em 0}mark{background:#fff1a8;color:inherit}" +
    ".badge{font-size:.75em;border:1px solid #c9d2dc;border-radius:3px;padding:0 .4em;margin-right:.3em}" +
    ".total{margin:0}.note{background:#f2f5f8;border-left:4px solid " + ACCENT + ";padding:.3em .6em}" +
    ".zero{margin:.5em 0}.zero ul{margin:.25em 0;padding-left:1.3em}" +
    ".zero button,.note button{padding:.1em .5em}" +
    ".pager{display:flex;gap:.5em;margin-top:.5em}.err{color:#a4000f}" +
    "</style>" +
    "<div class='kb' lang='nl' role='search'>" +
    "<form><label class='q' for='" + uid + "'>Zoeken in de kennisbank</label>" +
    "<div class='combo'><input id='" + uid + "' type='search' name='q' maxlength='500' autocomplete='off'></div>" +
    "<button type='submit'>Zoeken</button></form>" +
    "<div class='grid'><div class='facets' role='group' aria-label='Filters'></div>" +
    "<div><p class='total' aria-live='polite'></p><div class='notes'></div><div class='zero' hidden></div>" +
    "<ol class='results'></ol><div class='pager'></div></div></div></div>";

  var form = root.querySelector("form");
  var input = root.querySelector("input[type=search]");
  var facetsEl = root.querySelector(".facets");
  var totalEl = root.querySelector(".total");
  var notesEl = root.querySelector(".notes");
  var zeroEl = root.querySelector(".zero");
  var resultsEl = root.querySelector(".results");
  var pagerEl = root.querySelector(".pager");
  var timer = null;
  var seq = 0;                  // number of the newest search; an older answer never replaces a newer one
  var controller = null;

  // An element with attributes and children (strings become text nodes, never markup).
  function el(tag, attrs, kids) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === true) node.setAttribute(name, "");
      else if (value !== null && value !== undefined && value !== false) node.setAttribute(name, String(value));
    });
    (kids || []).forEach(function (kid) {
      if (kid === null || kid === undefined || kid === "") return;
      node.appendChild(typeof kid === "object" ? kid : document.createTextNode(String(kid)));
    });
    return node;
  }

  // The API's snippet (escaped text with <mark>) as nodes: parsed inert, only text and <mark> kept.
  function snippet(html) {
    var out = document.createDocumentFragment();
    var parsed = new DOMParser().parseFromString("<body>" + String(html || ""), "text/html").body;
    parsed.childNodes.forEach(function (node) {
      if (node.nodeType === 1 && node.nodeName === "MARK") out.appendChild(el("mark", {}, [node.textContent]));
      else out.appendChild(document.createTextNode(node.textContent || ""));
    });
    return out;
  }

  function apiUrl() {
    var p = new URLSearchParams();
    if (state.q) p.set("q", state.q);
    p.set("page", String(state.page));
    // typing=1: a step of a longer query, so its last word is completed, not corrected (nor logged as a search)
    if (state.typing) p.set("typing", "1");
    Object.keys(state.filters).forEach(function (k) { state.filters[k].forEach(function (v) { p.append(k, v); }); });
    return base + "/api/search?" + p.toString();
  }

  function hasFilters() {
    return Object.keys(state.filters).some(function (k) { return state.filters[k].length > 0; });
  }

  function clearResults() {
    totalEl.textContent = "";
    zeroEl.hidden = true;
    zeroEl.replaceChildren();
    [notesEl, resultsEl, facetsEl, pagerEl].forEach(function (node) { node.replaceChildren(); });
  }

  function showError(message) {
    clearResults();
    notesEl.replaceChildren(el("p", { "class": "err", role: "alert" }, [message]));
  }

  function renderNotes(data) {
    var notes = [];
    if (data.corrected_from) {
      notes.push(el("p", { "class": "note" }, ["Gezocht op ", el("strong", {}, [data.query]), " in plaats van " + data.corrected_from + "."]));
    } else if (data.suggestion) {
      var sugg = el("button", { type: "button", "class": "sugg" }, [data.suggestion]);
      sugg.addEventListener("click", function () { input.value = data.suggestion; run(data.suggestion, 1); });
      notes.push(el("p", { "class": "note" }, ["Bedoelde u: ", sugg]));
    }
    (data.expansions || []).forEach(function (e) {
      var text = e.kind === "synonym" ? "Ook gezocht op: " + e.means + " (voor " + e.term + ")" : e.term + " = " + e.means;
      notes.push(el("p", { "class": "note" }, [text]));
    });
    notesEl.replaceChildren.apply(notesEl, notes);
  }

  // Help when nothing was found: what to try next (buttons, so the widget never links elsewhere).
  function renderZero(data) {
    zeroEl.hidden = data.total !== 0;
    if (data.total !== 0) { zeroEl.replaceChildren(); return; }
    var tips = [el("li", {}, ["Controleer de spelling."]), el("li", {}, ["Gebruik minder of andere woorden."])];
    if (hasFilters()) {
      var clear = el("button", { type: "button", "class": "clear" }, ["wis alle filters"]);
      clear.addEventListener("click", function () { state.filters = {}; state.page = 1; fetchResults(); });
      tips.push(el("li", {}, ["Zet minder filters aan of ", clear, "."]));
    }
    if (data.suggestion && !data.corrected_from) tips.unshift(el("li", {}, ["Probeer de suggestie hierboven."]));
    zeroEl.replaceChildren(el("p", {}, [el("strong", {}, ["Niets gevonden"])]), el("ul", {}, tips));
  }

  function resultItem(r, query) {
    var href = base + r.url + (query ? "?q=" + encodeURIComponent(query) : "");
    var link = el("a", { href: href, target: linkTarget, rel: linkTarget === "_blank" ? "noopener" : null }, [r.title]);
    var badges = [el("span", { "class": "badge" }, [r.theme])];
    if (r.year) badges.push(el("span", { "class": "badge" }, [r.year]));
    badges.push(el("span", { "class": "badge" }, [r.type_label]));
    return el("li", { "class": "r" }, [link, el("div", { "class": "crumb" }, [r.document.title + " › " + r.title]),
      el("p", { "class": "snip" }, [snippet(r.snippet)])].concat(badges));
  }

  function renderFacets(data) {
    // facet names, labels and value labels all come from the API (the server's facet table)
    facetsEl.replaceChildren.apply(facetsEl, Object.keys(data.facets).map(function (name) {
      var options = data.facets[name].map(function (it, i) {
        var id = uid + "-" + name + "-" + i;
        var box = el("input", { type: "checkbox", id: id, "data-facet": name, value: it.value, checked: !!it.selected });
        box.addEventListener("change", function () {
          var list = (state.filters[name] || []).filter(function (v) { return v !== box.value; });
          if (box.checked) list.push(box.value);
          state.filters[name] = list;
          state.page = 1;
          fetchResults();
        });
        return el("div", { "class": "opt" }, [box, el("label", { "for": id }, [it.label + " ", el("span", { "class": "count" }, ["(" + it.count + ")"])])]);
      });
      return el("fieldset", {}, [el("legend", {}, [data.facet_labels[name]])].concat(options));
    }));
  }

  function renderPager(data) {
    var pages = Math.ceil(data.total / data.per_page);
    var buttons = [];
    if (data.page > 1) buttons.push(el("button", { type: "button", "data-p": data.page - 1 }, ["Vorige"]));
    if (data.page < pages) buttons.push(el("button", { type: "button", "data-p": data.page + 1 }, ["Volgende"]));
    buttons.forEach(function (b) {
      b.addEventListener("click", function () { state.page = Number(b.getAttribute("data-p")); fetchResults(); });
    });
    pagerEl.replaceChildren.apply(pagerEl, buttons);
  }

  function render(data) {
    totalEl.textContent = data.total + (data.total === 1 ? " resultaat" : " resultaten");
    renderNotes(data);
    renderZero(data);
    resultsEl.setAttribute("start", String((data.page - 1) * data.per_page + 1));
    resultsEl.replaceChildren.apply(resultsEl, data.results.map(function (r) { return resultItem(r, data.query); }));
    renderFacets(data);
    renderPager(data);
  }

  // fetch rejects alike when the server cannot be reached and when it does not allow this
  // website (no CORS header). /embed.js may be read from any website: when it can be read,
  // the server is up and it is this website that the API refuses.
  function explainFailure(mine) {
    var here = window.location.origin;
    return fetch(base + "/embed.js", { method: "HEAD", mode: "cors", cache: "no-store" })
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); })
      .then(function () {
        if (mine !== seq) return;
        showError("Zoeken in de kennisbank is op deze website niet toegestaan: de zoekdienst accepteert geen zoekvragen van " +
          window.location.host + ".");
        console.error("Kennisbank: de zoekdienst op " + base + " weigert verzoeken van " + here +
          " (geen Access-Control-Allow-Origin in het antwoord van de API). Voeg " + here +
          " toe aan de instelling KENNISBANK_CORS_ORIGINS van de zoekdienst.");
      }, function () {
        if (mine !== seq) return;
        showError("De zoekdienst is niet bereikbaar. Probeer het later opnieuw.");
        console.error("Kennisbank: de zoekdienst op " + base + " is niet bereikbaar.");
      });
  }

  function fetchResults() {
    var mine = ++seq;
    if (controller) controller.abort();
    controller = window.AbortController ? new AbortController() : null;
    var url = apiUrl();
    state.typing = false;             // only the keystroke's own search: a click afterwards is a search of its own
    return fetch(url, { mode: "cors", signal: controller && controller.signal })
      .then(function (r) {
        // the server answered: an answer that is not JSON is its fault, not this website's
        return r.json().then(function (body) { return { ok: r.ok, body: body }; }, function () { return { ok: false, body: {} }; });
      }, function (e) {
        if (mine === seq && !(e && e.name === "AbortError")) explainFailure(mine);
        return null;
      })
      .then(function (res) {
        if (!res || mine !== seq) return;
        if (!res.ok) { showError(res.body.error || "De zoekopdracht kon niet worden uitgevoerd."); return; }
        render(res.body);
      });
  }

  function run(q, page, typing) { state.q = q; state.page = page || 1; state.typing = !!typing; return fetchResults(); }

  if (typeof KennisbankCombobox !== "undefined") {
    KennisbankCombobox.attach(input, {
      container: root.querySelector(".combo"),
      suggest: function (text, signal) {
        return fetch(base + "/api/suggest?q=" + encodeURIComponent(text), { mode: "cors", signal: signal })
          .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
          .then(function (body) { return body.suggestions || []; });
      },
      pick: function (text) { clearTimeout(timer); run(text.trim(), 1); }
    });
  }
  form.addEventListener("submit", function (e) { e.preventDefault(); clearTimeout(timer); run(input.value.trim(), 1); });
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { run(input.value.trim(), 1, true); }, 300);
  });
  run("", 1);
})();
