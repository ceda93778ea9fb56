// Copy a field's text with a button: <button data-copy="#field-id" data-copied="Copied">.
// The clipboard API needs a secure context (HTTPS or localhost); elsewhere the field's text is
// selected and copied the old way, and stays selected so the person can copy it by hand.
(function () {
  "use strict";

  function selectAll(field) {
    field.focus();
    field.select();
    if (field.setSelectionRange) {
      field.setSelectionRange(0, field.value.length);
    }
  }

  function copyOldWay(field) {
    selectAll(field);
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }

  function done(button, copied) {
    if (!copied) {
      return;
    }
    var label = button.getAttribute("data-label") || button.textContent;
    button.setAttribute("data-label", label);
    button.textContent = button.getAttribute("data-copied") || label;
    window.setTimeout(function () {
      button.textContent = label;
    }, 2000);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) {
      return;
    }
    var field = document.querySelector(button.getAttribute("data-copy"));
    if (!field) {
      return;
    }
    var text = "value" in field ? field.value : field.textContent;
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () {
          selectAll(field);
          done(button, true);
        },
        function () {
          done(button, copyOldWay(field));
        }
      );
    } else {
      done(button, copyOldWay(field));
    }
  });
})();
