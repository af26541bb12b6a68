/* BiDi's small amount of page behaviour, no framework:
 * - success/info flash messages fade out after a few seconds (errors stay until dismissed);
 * - [data-confirm="Question?"] on a form or button asks before submitting;
 * - [data-copy="#selector"] buttons copy that element's text and say so;
 * - the settings tabs on phones scroll to the current page.
 * Works on content htmx swaps in as well. */
(function () {
  "use strict";

  var FLASH_MS = 6000;

  function autodismiss(root) {
    root.querySelectorAll(".flash-stack:not(.flash-stack-static) [data-autodismiss]").forEach(function (el) {
      if (el.dataset.autodismissArmed) return;
      el.dataset.autodismissArmed = "1";
      var timer = window.setTimeout(close, FLASH_MS);
      el.addEventListener("mouseenter", function () { window.clearTimeout(timer); });
      el.addEventListener("focusin", function () { window.clearTimeout(timer); });
      function close() {
        if (window.bootstrap && window.bootstrap.Alert) {
          window.bootstrap.Alert.getOrCreateInstance(el).close();
        } else {
          el.remove();
        }
      }
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var question = (submitter && submitter.dataset.confirm) || form.dataset.confirm;
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var source = document.querySelector(button.dataset.copy);
    if (!source || !navigator.clipboard) return;
    var text = "value" in source ? source.value : source.textContent.trim();
    navigator.clipboard.writeText(text).then(function () {
      var label = button.querySelector("[data-copy-label]") || button;
      var before = label.textContent;
      label.textContent = "Copied";
      window.setTimeout(function () { label.textContent = before; }, 2000);
    });
  });

  // On phones the settings menu is a row of tabs that scrolls sideways: show the current one.
  function revealActiveTab() {
    var nav = document.querySelector(".settings-nav");
    var link = nav && nav.querySelector(".app-nav-link.active");
    if (!link || nav.scrollWidth <= nav.clientWidth) return;
    nav.scrollLeft = link.offsetLeft - (nav.clientWidth - link.offsetWidth) / 2;
  }

  document.addEventListener("DOMContentLoaded", function () {
    autodismiss(document);
    revealActiveTab();
  });
  document.addEventListener("htmx:afterSwap", function (event) { autodismiss(event.target); });
})();
