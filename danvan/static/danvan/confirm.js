// Ask before a destructive or irreversible form is sent.
//
// Any <form data-confirm="What will happen."> (or a submit button carrying data-confirm, so
// that "Save" goes through and "Save and submit" asks) is held back on submit: a Bootstrap
// modal (includes/confirm_modal.html, whose translated labels it reads) shows the sentence and
// what the form's own fields say; Confirm sends the form as the person meant it (the same
// button, its formaction, name and value), Cancel or Escape returns the focus to the button.
// Optional: data-confirm-button="Label" for the confirm button, data-confirm-danger for a red
// one. One listener on the document, in the capture phase, so forms swapped in by htmx are
// covered and htmx only sees the submit once it is confirmed. No inline script or style: the
// strict CSP holds. Without Bootstrap or the modal, window.confirm asks instead.
(function () {
  "use strict";

  var approved = typeof WeakSet === "function" ? new WeakSet() : null;
  var state = null; // {form, submitter, confirmed}

  function sentenceOf(form, submitter) {
    var own = submitter && submitter.getAttribute("data-confirm");
    return own || form.getAttribute("data-confirm") || "";
  }

  function attr(form, submitter, name) {
    if (submitter && submitter.hasAttribute(name)) return submitter.getAttribute(name);
    return form.hasAttribute(name) ? form.getAttribute(name) : null;
  }

  function squash(text) {
    return (text || "").replace(/\s+/g, " ").trim();
  }

  // A label as read aloud: without the asterisk that marks a required field.
  function clean(text) {
    return squash(text).replace(/\s*\*$/, "");
  }

  function labelOf(control) {
    var form = control.form;
    var text = "";
    if (control.id && form) {
      var root = form.ownerDocument || document;
      var found = root.querySelector('label[for="' + cssEscape(control.id) + '"]');
      if (found) text = found.textContent;
    }
    if (!text && control.closest) {
      var around = control.closest("label");
      if (around) text = around.textContent;
    }
    if (!text && control.labels && control.labels.length) text = control.labels[0].textContent;
    if (!text) text = control.getAttribute("aria-label") || control.getAttribute("title") || "";
    return clean(text);
  }

  function legendOf(control) {
    var set = control.closest ? control.closest("fieldset") : null;
    var legend = set && set.querySelector("legend");
    return legend ? clean(legend.textContent) : "";
  }

  function cssEscape(value) {
    if (window.CSS && typeof window.CSS.escape === "function") return window.CSS.escape(value);
    return String(value).replace(/["\\]/g, "\\$&");
  }

  function shorten(text, most) {
    text = squash(text);
    return text.length > most ? text.slice(0, most - 1) + "…" : text;
  }

  // What the form says, field by field: the lines the person may want to read once more.
  function summaryOf(form) {
    var lines = [];
    var radios = {};
    Array.prototype.forEach.call(form.elements, function (control) {
      var type = (control.type || "").toLowerCase();
      var tag = control.tagName;
      if (control.disabled || !control.name || control.name === "csrfmiddlewaretoken") return;
      if (tag === "BUTTON" || tag === "FIELDSET" || tag === "OUTPUT") return;
      if (["hidden", "submit", "button", "reset", "image", "password"].indexOf(type) >= 0) return;
      var label = labelOf(control);
      var value = "";
      if (type === "checkbox") {
        if (!control.checked) return;
        lines.push([label || legendOf(control), ""]);
        return;
      }
      if (type === "radio") {
        var question = legendOf(control);
        if (!control.checked || radios[control.name] || !question) return;
        radios[control.name] = true;
        lines.push([question, label]);
        return;
      }
      if (type === "file") {
        value = Array.prototype.map
          .call(control.files || [], function (file) { return file.name; })
          .join(", ");
      } else if (tag === "SELECT") {
        value = Array.prototype.filter
          .call(control.options, function (option) { return option.selected && option.value !== ""; })
          .map(function (option) { return squash(option.textContent); })
          .join(", ");
      } else {
        value = shorten(control.value, 240);
      }
      if (!value) return;
      lines.push([label || control.name, value]);
    });
    return lines;
  }

  function modalParts() {
    var modal = document.getElementById("dv-confirm");
    var Bootstrap = window.bootstrap;
    if (!modal || !Bootstrap || !Bootstrap.Modal) return null;
    return {
      modal: modal,
      instance: Bootstrap.Modal.getOrCreateInstance(modal),
      text: document.getElementById("dv-confirm-text"),
      fields: document.getElementById("dv-confirm-fields"),
      ok: document.getElementById("dv-confirm-ok"),
      cancel: document.getElementById("dv-confirm-cancel")
    };
  }

  function fill(parts, form, submitter) {
    parts.text.textContent = sentenceOf(form, submitter);
    while (parts.fields.firstChild) parts.fields.removeChild(parts.fields.firstChild);
    var lines = summaryOf(form);
    lines.forEach(function (line) {
      var term = document.createElement("dt");
      term.className = "col-sm-5 fw-normal text-body-secondary";
      term.textContent = line[0];
      var detail = document.createElement("dd");
      detail.className = "col-sm-7 mb-1 text-break";
      detail.textContent = line[1] || parts.modal.getAttribute("data-confirm-checked");
      parts.fields.appendChild(term);
      parts.fields.appendChild(detail);
    });
    parts.fields.hidden = lines.length === 0;
    var label = attr(form, submitter, "data-confirm-button");
    parts.ok.textContent = label || parts.modal.getAttribute("data-confirm-default");
    var danger = attr(form, submitter, "data-confirm-danger") !== null;
    parts.ok.classList.toggle("btn-danger", danger);
    parts.ok.classList.toggle("btn-primary", !danger);
    parts.ok.disabled = false;
    parts.modal.setAttribute("data-danger", danger ? "1" : "0");
  }

  function send(form, submitter) {
    if (approved) approved.add(form);
    else form.setAttribute("data-confirmed", "1");
    if (typeof form.requestSubmit === "function") {
      if (submitter && submitter.form === form) form.requestSubmit(submitter);
      else form.requestSubmit();
      return;
    }
    // Old browsers: carry the button's name, value and formaction by hand.
    if (submitter && submitter.name) {
      var carried = document.createElement("input");
      carried.type = "hidden";
      carried.name = submitter.name;
      carried.value = submitter.value;
      form.appendChild(carried);
    }
    if (submitter && submitter.hasAttribute("formaction")) {
      form.action = submitter.getAttribute("formaction");
    }
    form.submit();
  }

  function wasApproved(form) {
    if (approved && approved.has(form)) {
      approved.delete(form);
      return true;
    }
    if (form.getAttribute("data-confirmed") === "1") {
      form.removeAttribute("data-confirmed");
      return true;
    }
    return false;
  }

  function submitterOf(event, form) {
    if (event.submitter) return event.submitter;
    var active = document.activeElement;
    if (active && active.form === form && /^(submit|image)$/i.test(active.type || "")) return active;
    return form.querySelector('button[type="submit"], button:not([type]), input[type="submit"]');
  }

  function onSubmit(event) {
    var form = event.target;
    if (!form || form.tagName !== "FORM") return;
    if (wasApproved(form)) return;
    var submitter = submitterOf(event, form);
    var sentence = sentenceOf(form, submitter);
    if (!sentence) return;
    var parts = modalParts();
    if (!parts) {
      if (!window.confirm(sentence)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
    if (state) return; // one question at a time
    state = { form: form, submitter: submitter, confirmed: false };
    fill(parts, form, submitter);
    parts.instance.show(submitter || undefined);
  }

  function onConfirm() {
    var parts = modalParts();
    if (!state || !parts) return;
    state.confirmed = true;
    parts.ok.disabled = true;
    var form = state.form;
    var submitter = state.submitter;
    parts.instance.hide();
    send(form, submitter);
  }

  function onShown() {
    var parts = modalParts();
    if (!parts) return;
    // A red question starts on Cancel: Enter alone must not destroy anything.
    var first = parts.modal.getAttribute("data-danger") === "1" ? parts.cancel : parts.ok;
    if (first) first.focus();
  }

  function onHidden() {
    var left = state;
    state = null;
    if (!left || left.confirmed) return;
    var back = left.submitter || left.form.querySelector("button, input[type=submit]");
    if (back && document.contains(back)) back.focus();
  }

  function start() {
    var modal = document.getElementById("dv-confirm");
    if (!modal) return;
    var ok = document.getElementById("dv-confirm-ok");
    if (ok) ok.addEventListener("click", onConfirm);
    modal.addEventListener("shown.bs.modal", onShown);
    modal.addEventListener("hidden.bs.modal", onHidden);
  }

  document.addEventListener("submit", onSubmit, true);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
