// Autocomplete for a search box: the WAI-ARIA 1.2 combobox pattern with a listbox popup
// (https://www.w3.org/WAI/ARIA/apg/patterns/combobox/examples/combobox-autocomplete-list/).
// Used by app.js on the search page and the iframe embed, and by embed.js in its shadow
// root: /embed.js serves this file and embed.js together in one private scope, so the
// host page gets no global from it. Suggestions are shown with textContent only.
//
//   KennisbankCombobox.attach(input, {
//     suggest: function (text, signal) { return a Promise of an array of strings },
//     pick: function (text) { search for the chosen suggestion },
//     container: element the listbox is appended to (default: the input's parent),
//     delay: debounce in ms (default 150)
//   });
//
// Keys (focus stays in the text box, the option has visual focus via aria-activedescendant):
// ArrowDown/ArrowUp open the list and move (wrapping), Enter picks the option and searches
// (without an option it submits the form as typed), Escape closes the list and a second
// Escape clears the box, Tab leaves, Home/End/ArrowLeft/ArrowRight return to the text.
var KennisbankCombobox = (function () {
  "use strict";
  var MIN_LENGTH = 2;
  var MAX_LENGTH = 100;        // the API's limit for /api/suggest
  var made = 0;

  function attach(input, options) {
    var delay = options.delay === undefined ? 150 : options.delay;
    var container = options.container || input.parentNode;
    var doc = input.ownerDocument;
    var id = (input.id || "zoekvak") + "-suggesties-" + (++made);
    var listbox = doc.createElement("ul");
    var status = doc.createElement("div");
    var seq = 0;                // number of the newest request; an answer to an older one is dropped
    var controller = null;
    var timer = null;
    var active = -1;

    listbox.id = id;
    listbox.className = "kb-suggestions";
    listbox.setAttribute("role", "listbox");
    listbox.setAttribute("aria-label", "Suggesties");
    listbox.hidden = true;
    status.className = "kb-suggestions-status visually-hidden";
    status.setAttribute("role", "status");
    container.appendChild(listbox);
    container.appendChild(status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", id);
    input.setAttribute("autocomplete", "off");

    function items() { return listbox.querySelectorAll("[role=option]"); }
    function isOpen() { return !listbox.hidden; }
    function focused() { return input.getRootNode().activeElement === input; }

    function setActive(index) {
      var all = items();
      active = index;
      for (var i = 0; i < all.length; i++) all[i].setAttribute("aria-selected", i === index ? "true" : "false");
      if (index >= 0 && all[index]) {
        input.setAttribute("aria-activedescendant", all[index].id);
        if (all[index].scrollIntoView) all[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function open() {
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      setActive(-1);
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
    }

    function cancel() {
      clearTimeout(timer);
      seq++;
      if (controller) controller.abort();
      controller = null;
    }

    function show(list) {
      listbox.replaceChildren();
      active = -1;
      list.forEach(function (text, i) {
        var option = doc.createElement("li");
        option.id = id + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = text;
        listbox.appendChild(option);
      });
      setActive(-1);
      if (list.length && focused()) {
        open();
        status.textContent = list.length === 1 ? "1 suggestie" : list.length + " suggesties";
      } else {
        close();
        status.textContent = "";
      }
    }

    function request(text) {
      var mine = ++seq;
      if (controller) controller.abort();
      controller = window.AbortController ? new AbortController() : null;
      Promise.resolve(options.suggest(text, controller && controller.signal)).then(function (list) {
        if (mine !== seq || input.value !== text) return;        // an answer for an older input
        show(Array.isArray(list) ? list.filter(function (s) { return typeof s === "string" && s; }) : []);
      }, function () {
        if (mine === seq) show([]);                              // aborted or failed: no suggestions
      });
    }

    function pick(option) {
      var text = option.textContent;
      cancel();
      input.value = text;
      close();
      options.pick(text);
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      setActive(-1);
      var text = input.value;
      if (text.trim().length < MIN_LENGTH || text.length > MAX_LENGTH) {
        cancel();
        show([]);
        return;
      }
      timer = setTimeout(function () { request(text); }, delay);
    });

    input.addEventListener("keydown", function (event) {
      if (event.altKey || event.ctrlKey || event.metaKey || event.isComposing) return;
      var all = items();
      switch (event.key) {
        case "ArrowDown":
        case "Down":
          if (!all.length) return;
          event.preventDefault();
          if (!isOpen()) { open(); setActive(0); } else setActive(active + 1 < all.length ? active + 1 : 0);
          break;
        case "ArrowUp":
        case "Up":
          if (!all.length) return;
          event.preventDefault();
          if (!isOpen()) { open(); setActive(all.length - 1); } else setActive(active > 0 ? active - 1 : all.length - 1);
          break;
        case "Enter":
          if (isOpen() && active >= 0) {
            event.preventDefault();
            pick(all[active]);
          } else {
            cancel();       // the form is submitted as typed; no late answer may reopen the list
            close();
          }
          break;
        case "Escape":
        case "Esc":
          event.preventDefault();             // a search box would otherwise clear itself at once
          if (isOpen()) {
            cancel();
            close();
          } else if (input.value) {
            cancel();
            input.value = "";
            input.dispatchEvent(new Event("input", { bubbles: true }));
          }
          break;
        case "Tab":
          cancel();
          close();
          break;
        case "Home":
        case "End":
        case "ArrowLeft":
        case "ArrowRight":
          setActive(-1);
          break;
        default:
      }
    });

    input.addEventListener("blur", function () { cancel(); close(); });
    // mousedown would move focus away from the text box (and close the list) before the click
    listbox.addEventListener("mousedown", function (event) { event.preventDefault(); });
    listbox.addEventListener("click", function (event) {
      var option = event.target.closest ? event.target.closest("[role=option]") : null;
      if (option && listbox.contains(option)) pick(option);
    });

    return { close: function () { cancel(); close(); }, listbox: listbox };
  }

  return { attach: attach };
})();
