// Search everywhere: the header box is an ARIA combobox over the list htmx fills
// (templates/includes/search_box.html). ArrowDown/ArrowUp move through the results, Enter
// opens the chosen one (or, with none chosen, the full results page), Escape closes the list;
// "/" anywhere outside a field jumps to the box. No inline script: the CSP forbids it.
(function () {
  "use strict";

  function isTyping(target) {
    if (!target || !target.tagName) return false;
    var tag = target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable;
  }

  function visible(element) {
    return !!element && element.getClientRects().length > 0;
  }

  function focusSearch() {
    var input = document.getElementById("dv-search");
    var pageInput = document.getElementById("dv-search-page");
    if (visible(input)) {
      input.focus();
      input.select();
      return;
    }
    if (visible(pageInput)) {
      pageInput.focus();
      pageInput.select();
      return;
    }
    // On a narrow screen the box sits in the collapsed menu: open the menu, then focus it.
    var menu = input && input.closest(".collapse");
    if (menu && window.bootstrap) {
      menu.addEventListener("shown.bs.collapse", function () { input.focus(); }, { once: true });
      window.bootstrap.Collapse.getOrCreateInstance(menu).show();
    }
  }

  function setup() {
    document.addEventListener("keydown", function (event) {
      if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
      if (isTyping(event.target)) return;
      event.preventDefault();
      focusSearch();
    });

    var input = document.getElementById("dv-search");
    var list = document.getElementById("dv-search-results");
    if (!input || !list) return;
    var form = input.form;
    var active = -1;

    function options() {
      return Array.prototype.slice.call(
        list.querySelectorAll('[role="option"]:not([aria-disabled="true"])')
      );
    }

    function isOpen() {
      return !list.hidden;
    }

    function choose(index) {
      var all = options();
      active = index;
      all.forEach(function (option, i) {
        var chosen = i === index;
        option.setAttribute("aria-selected", chosen ? "true" : "false");
        option.classList.toggle("active", chosen);
      });
      if (index >= 0 && all[index]) {
        input.setAttribute("aria-activedescendant", all[index].id);
        all[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function close() {
      choose(-1);
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
    }

    function open() {
      if (!input.value.trim() || !list.querySelector('[role="option"]')) {
        close();
        return;
      }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (event.detail && event.detail.target === list) {
        active = -1;
        input.removeAttribute("aria-activedescendant");
        if (document.activeElement === input) open();
      }
    });

    input.addEventListener("keydown", function (event) {
      var all = options();
      switch (event.key) {
        case "ArrowDown":
          if (!all.length) return;
          event.preventDefault();
          if (!isOpen()) open();
          choose(active + 1 < all.length ? active + 1 : 0);
          break;
        case "ArrowUp":
          if (!all.length) return;
          event.preventDefault();
          if (!isOpen()) open();
          choose(active > 0 ? active - 1 : all.length - 1);
          break;
        case "Enter":
          if (isOpen() && active >= 0 && all[active]) {
            event.preventDefault();
            window.location.assign(all[active].href);
          }
          break;
        case "Escape":
          if (isOpen()) {
            event.preventDefault();
            close();
          }
          break;
        case "Tab":
          close();
          break;
        default:
          break;
      }
    });

    input.addEventListener("focus", open);

    list.addEventListener("mousemove", function (event) {
      var option = event.target.closest && event.target.closest('[role="option"]');
      var index = options().indexOf(option);
      if (index >= 0 && index !== active) choose(index);
    });

    // Keep the focus in the box while a result is clicked, so the list does not close first.
    list.addEventListener("mousedown", function (event) {
      event.preventDefault();
    });

    document.addEventListener("click", function (event) {
      if (isOpen() && form && !form.contains(event.target)) close();
    });

    input.addEventListener("blur", function () {
      window.setTimeout(function () {
        if (document.activeElement !== input) close();
      }, 150);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
