// Pickers (danvan/lib/pickers.py): the form's own <select> becomes a type-ahead box whose
// suggestions come from the lookup endpoint through htmx; the select, hidden, keeps the value
// that is posted, and the chosen ones show as chips. The period picker shows the periods of
// the chosen kind only. Plain JavaScript, no inline code (CSP), and set up again on whatever
// htmx swaps in.
(function () {
  "use strict";

  var DEBOUNCE_MS = 250;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  // The page's translated sentences name their blank: «Bỏ {name}», «Gợi ý: {count}».
  function fill(template, blank, value) {
    return (template || "{" + blank + "}").replace("{" + blank + "}", value);
  }

  // --- Type-ahead pickers -----------------------------------------------------------------

  function setUpPicker(root) {
    if (root.dataset.dvPickerReady) return;
    var store = root.querySelector("select");
    var ui = root.querySelector(".dv-picker-ui");
    var input = root.querySelector(".dv-picker-input");
    var listbox = root.querySelector(".dv-picker-listbox");
    var chips = root.querySelector(".dv-picker-chips");
    var status = root.querySelector("[data-dv-picker-status]");
    if (!store || !ui || !input || !listbox || !chips || typeof htmx === "undefined") return;
    root.dataset.dvPickerReady = "1";

    var multiple = store.multiple;
    var active = -1;
    var timer = null;
    var lastQuery = null;

    // The select stays in the form (it is what is posted) but out of sight and out of the tab
    // order; the field's label now names the type-ahead box.
    root.classList.add("dv-picker-ready");
    store.tabIndex = -1;
    store.setAttribute("aria-hidden", "true");
    ui.hidden = false;
    if (store.id) {
      document.querySelectorAll("label[for='" + CSS.escape(store.id) + "']").forEach(function (label) {
        label.htmlFor = input.id;
      });
    }

    function say(message) {
      if (status) status.textContent = message;
    }

    function chosen() {
      return Array.prototype.filter.call(store.options, function (option) {
        return option.selected && option.value !== "";
      });
    }

    function labelOf(option) {
      return option.dataset.label || option.textContent;
    }

    function renderChips() {
      chips.replaceChildren();
      chosen().forEach(function (option) {
        var chip = el("li", "dv-chip");
        var name = el("span", "dv-chip-name", labelOf(option));
        chip.appendChild(name);
        if (option.dataset.detail) chip.appendChild(el("span", "dv-chip-detail", option.dataset.detail));
        var remove = el("button", "dv-chip-remove", "\u00d7");
        remove.type = "button";
        remove.setAttribute("aria-label", fill(root.dataset.remove, "name", labelOf(option)));
        remove.addEventListener("click", function () {
          unpick(option.value);
          input.focus();
        });
        chip.appendChild(remove);
        chips.appendChild(chip);
      });
      chips.hidden = chips.children.length === 0;
    }

    function options() {
      return Array.prototype.slice.call(
        listbox.querySelectorAll("[role='option']:not([aria-disabled='true'])")
      );
    }

    function markChosen() {
      var values = chosen().map(function (option) { return option.value; });
      options().forEach(function (option) {
        option.setAttribute("aria-selected", values.indexOf(option.dataset.value) >= 0 ? "true" : "false");
      });
    }

    function setActive(index) {
      var all = options();
      active = all.length ? Math.max(-1, Math.min(index, all.length - 1)) : -1;
      all.forEach(function (option, i) {
        option.classList.toggle("active", i === active);
      });
      if (active >= 0) {
        input.setAttribute("aria-activedescendant", all[active].id);
        all[active].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function open() {
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      setActive(-1);
    }

    function lookup() {
      var q = input.value.trim();
      lastQuery = q;
      var values = { q: q };
      if (root.dataset.limitTo) values.limit_to = root.dataset.limitTo;
      htmx.ajax("GET", root.dataset.lookup, {
        source: input,
        target: listbox,
        swap: "innerHTML",
        values: values,
      });
    }

    function lookupSoon() {
      window.clearTimeout(timer);
      timer = window.setTimeout(lookup, DEBOUNCE_MS);
    }

    listbox.addEventListener("htmx:afterSwap", function () {
      Array.prototype.forEach.call(listbox.querySelectorAll("[role='option']"), function (option, i) {
        option.id = listbox.id + "-" + i;
      });
      markChosen();
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (document.activeElement === input) {
        open();
        var count = options().length;
        var note = listbox.querySelector(".dv-picker-note");
        say(count ? fill(root.dataset.found, "count", String(count)) : note ? note.textContent : "");
      }
    });

    function pick(item) {
      var value = item.dataset.value;
      var option = Array.prototype.find.call(store.options, function (o) { return o.value === value; });
      if (!option) {
        // A long list holds only the chosen ones: the suggestion becomes an option.
        option = new Option(item.dataset.label, value);
        option.dataset.label = item.dataset.label;
        option.dataset.detail = item.dataset.detail || "";
        store.appendChild(option);
      }
      if (multiple) {
        option.selected = true;
      } else {
        store.value = value;
      }
      store.dispatchEvent(new Event("change", { bubbles: true }));
      input.value = "";
      lastQuery = null;
      close();
      say(fill(root.dataset.chosen, "name", labelOf(option)));
    }

    function unpick(value) {
      var option = Array.prototype.find.call(store.options, function (o) { return o.value === value; });
      if (!option) return;
      option.selected = false;
      if (!multiple) store.value = "";
      store.dispatchEvent(new Event("change", { bubbles: true }));
      say(fill(root.dataset.removed, "name", labelOf(option)));
    }

    // Whatever sets the select (this script, a test driving it, the browser restoring a form)
    // is shown.
    store.addEventListener("change", function () {
      renderChips();
      markChosen();
    });

    input.addEventListener("input", lookupSoon);
    input.addEventListener("focus", function () {
      if (lastQuery !== input.value.trim() || !listbox.children.length) lookupSoon();
      else open();
    });
    input.addEventListener("keydown", function (event) {
      var all = options();
      switch (event.key) {
        case "ArrowDown":
          event.preventDefault();
          if (listbox.hidden) {
            if (lastQuery === input.value.trim() && listbox.children.length) open();
            else lookup();
            return;
          }
          setActive(active + 1 < all.length ? active + 1 : 0);
          return;
        case "ArrowUp":
          event.preventDefault();
          if (!listbox.hidden) setActive(active > 0 ? active - 1 : all.length - 1);
          return;
        case "Enter":
          if (!listbox.hidden && active >= 0 && all[active]) {
            event.preventDefault();
            pick(all[active]);
          } else if (input.value.trim()) {
            event.preventDefault(); // typed text is a search, never a submission
            if (all.length === 1 && !listbox.hidden) pick(all[0]);
          }
          return;
        case "Escape":
          if (!listbox.hidden) {
            event.preventDefault();
            close();
          } else if (input.value) {
            event.preventDefault();
            input.value = "";
          }
          return;
        case "Backspace":
          if (!input.value) {
            var last = chosen().pop();
            if (last) {
              event.preventDefault();
              unpick(last.value);
            }
          }
          return;
        case "Tab":
          close();
          return;
        default:
          return;
      }
    });

    // A pointer picks without taking the focus from the box.
    listbox.addEventListener("mousedown", function (event) {
      event.preventDefault();
    });
    listbox.addEventListener("click", function (event) {
      var item = event.target.closest("[role='option']");
      if (item && item.getAttribute("aria-disabled") !== "true") pick(item);
    });
    root.addEventListener("focusout", function (event) {
      if (!root.contains(event.relatedTarget)) close();
    });

    renderChips();
  }

  // --- Period pickers ---------------------------------------------------------------------

  function setUpPeriod(root) {
    if (root.dataset.dvPeriodReady) return;
    root.dataset.dvPeriodReady = "1";
    var kind = root.querySelector(".dv-period-kind");
    var value = root.querySelector(".dv-period-value");
    var calendar = root.querySelector(".dv-period-calendar");
    var term = root.querySelector(".dv-period-term");
    var first = root.querySelector(".dv-period-from");
    var last = root.querySelector(".dv-period-to");
    var words = root.querySelector(".dv-period-words");
    var groups = value ? Array.prototype.slice.call(value.querySelectorAll("optgroup")) : [];
    if (!kind) return;

    // A calendar period is named by its option; a term's two years are named together.
    function describe() {
      if (!words) return;
      words.textContent = kind.value === "term" && first && last && first.value && last.value
        ? root.dataset.termWords.replace("{first}", first.value).replace("{last}", last.value)
        : "";
    }

    function apply(switching) {
      var isTerm = kind.value === "term";
      if (term) term.hidden = !isTerm;
      if (calendar) calendar.hidden = isTerm;
      if (value) {
        var chosenBefore = value.value;
        groups.forEach(function (group) {
          if (group.dataset.kind === kind.value) {
            if (!group.parentNode) value.appendChild(group);
          } else if (group.parentNode) {
            group.remove();
          }
        });
        var still = Array.prototype.some.call(value.options, function (o) { return o.value === chosenBefore; });
        if (switching || !still) {
          var now = value.querySelector("option[data-now]");
          if (switching && now) now.selected = true;
          else if (!still) value.selectedIndex = 0;
        }
      }
      describe();
    }

    kind.addEventListener("change", function () { apply(true); });
    [first, last].forEach(function (control) {
      if (control) control.addEventListener("change", describe);
    });
    apply(false);
  }

  function setUp(scope) {
    var base = scope && scope.querySelectorAll ? scope : document;
    if (base.matches && base.matches("[data-dv-picker]")) setUpPicker(base);
    if (base.matches && base.matches("[data-dv-period]")) setUpPeriod(base);
    base.querySelectorAll("[data-dv-picker]").forEach(setUpPicker);
    base.querySelectorAll("[data-dv-period]").forEach(setUpPeriod);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { setUp(document); });
  } else {
    setUp(document);
  }
  document.addEventListener("htmx:load", function (event) { setUp(event.target); });
})();
