/* The campaign builder (campaigns/templates/campaigns/builder.html).
 *
 * The variable picker inserts its snippet ({{ contact.first_name | default:"there" }}) at the
 * cursor of the message box last focused (the first one when none was), then fires "input" so
 * htmx refreshes that variant's preview. Changing "Preview as" refreshes every preview. Both
 * listen on the document: htmx swaps the steps editor after adding or removing a step. */
(function () {
  "use strict";

  var lastBody = null;

  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("[data-variant-body]")) lastBody = event.target;
  });

  function insertAt(textarea, text) {
    var start = textarea.selectionStart;
    var end = textarea.selectionEnd;
    if (typeof start !== "number") start = end = textarea.value.length;
    textarea.value = textarea.value.slice(0, start) + text + textarea.value.slice(end);
    var caret = start + text.length;
    textarea.focus();
    textarea.setSelectionRange(caret, caret);
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-insert]");
    if (!button) return;
    event.preventDefault();
    var editor = button.closest("[data-steps-editor]");
    var target = lastBody && document.body.contains(lastBody) ? lastBody : null;
    if (!target && editor) target = editor.querySelector("[data-variant-body]");
    if (target) insertAt(target, button.getAttribute("data-insert"));
  });

  document.addEventListener("change", function (event) {
    if (!event.target.matches || !event.target.matches("[data-preview-contact]")) return;
    var editor = event.target.closest("[data-steps-editor]");
    if (!editor || !window.htmx) return;
    editor.querySelectorAll("[data-variant-body]").forEach(function (textarea) {
      window.htmx.trigger(textarea, "refresh");
    });
  });

  // A swapped-in editor has lost the focused box; forget it.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target && event.target.id === "steps-editor") lastBody = null;
  });
})();
