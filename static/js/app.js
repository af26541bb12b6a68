/* BiDi's small amount of page behaviour, no framework:
 * - success/info flash messages fade out after a few seconds (errors stay until dismissed);
 * - [data-confirm="Question?"] on a form or button asks before submitting;
 * - [data-copy="#selector"] buttons copy that element's text and say so;
 * - the settings tabs on phones scroll to the current page;
 * - "/" focuses the search box, bulk selection bars, keyboard-navigable record tables and
 *   Escape to cancel an inline editor (CRM lists and record pages).
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

  // "/" focuses the page's search box ([data-hotkey="/"]) unless the person is typing.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var active = document.activeElement;
    if (active && (active.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName))) return;
    var target = document.querySelector('[data-hotkey="/"]');
    if (!target) return;
    event.preventDefault();
    target.focus();
    if (target.select) target.select();
  });

  // Bulk selection: [data-select-all="ids"] ticks every checkbox named "ids"; a form with
  // [data-bulk-bar="ids"] shows while any is ticked, with the count and the current URL to
  // come back to ([data-bulk-next]). Export links ([data-bulk-export="<url>"]) follow the
  // list's current filters and the ticked rows.
  function bulkBoxes(name) {
    return Array.prototype.slice.call(document.querySelectorAll('input[type=checkbox][name="' + name + '"]'));
  }

  function bulkRefresh() {
    document.querySelectorAll("[data-bulk-bar]").forEach(function (bar) {
      var name = bar.dataset.bulkBar;
      var boxes = bulkBoxes(name);
      var checked = boxes.filter(function (box) { return box.checked; });
      bar.hidden = checked.length === 0;
      var count = bar.querySelector("[data-bulk-count]");
      if (count) count.textContent = checked.length;
      var next = bar.querySelector("[data-bulk-next]");
      if (next) next.value = window.location.pathname + window.location.search;
      document.querySelectorAll("[data-bulk-export]").forEach(function (link) {
        var params = new URLSearchParams(window.location.search);
        params.delete("page");
        checked.forEach(function (box) { params.append("ids", box.value); });
        var query = params.toString();
        link.href = link.dataset.bulkExport + (query ? "?" + query : "");
      });
      document.querySelectorAll('[data-select-all="' + name + '"]').forEach(function (all) {
        all.checked = boxes.length > 0 && checked.length === boxes.length;
        all.indeterminate = checked.length > 0 && checked.length < boxes.length;
      });
    });
  }

  document.addEventListener("change", function (event) {
    var all = event.target.closest("[data-select-all]");
    if (all) {
      bulkBoxes(all.dataset.selectAll).forEach(function (box) { box.checked = all.checked; });
    }
    if (all || (event.target.type === "checkbox" && event.target.name)) bulkRefresh();
  });

  document.addEventListener("click", function (event) {
    var clear = event.target.closest("[data-bulk-clear]");
    if (!clear) return;
    var bar = clear.closest("[data-bulk-bar]");
    bulkBoxes(bar.dataset.bulkBar).forEach(function (box) { box.checked = false; });
    bulkRefresh();
  });

  // Record tables ([data-row-nav]): a click on a row opens it; ↑/↓ move between rows and
  // Enter opens the focused one.
  function navRows(table) {
    return Array.prototype.slice.call(table.querySelectorAll("tbody tr[data-href]"));
  }

  function armRowNav(root) {
    root.querySelectorAll("table[data-row-nav]").forEach(function (table) {
      navRows(table).forEach(function (row, index) { row.tabIndex = index === 0 ? 0 : -1; });
    });
  }

  document.addEventListener("click", function (event) {
    var row = event.target.closest("table[data-row-nav] tr[data-href]");
    if (!row || event.target.closest("a, button, input, label, select, textarea")) return;
    if (window.getSelection && String(window.getSelection())) return;
    window.location.href = row.dataset.href;
  });

  document.addEventListener("keydown", function (event) {
    var row = event.target.closest && event.target.closest("table[data-row-nav] tr[data-href]");
    if (!row || event.target !== row) return;
    var rows = navRows(row.closest("table"));
    var index = rows.indexOf(row);
    var next = null;
    if (event.key === "ArrowDown") next = rows[index + 1];
    else if (event.key === "ArrowUp") next = rows[index - 1];
    else if (event.key === "Enter") {
      window.location.href = row.dataset.href;
      return;
    }
    if (!next) return;
    event.preventDefault();
    row.tabIndex = -1;
    next.tabIndex = 0;
    next.focus();
  });

  // Inline editors ([data-inline-edit]): Escape cancels.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var form = event.target.closest && event.target.closest("[data-inline-edit]");
    var cancel = form && form.querySelector("[data-inline-cancel]");
    if (cancel) {
      event.preventDefault();
      cancel.click();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    autodismiss(document);
    revealActiveTab();
    armRowNav(document);
    bulkRefresh();
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    autodismiss(event.target);
    armRowNav(event.target);
    bulkRefresh();
  });
  document.addEventListener("htmx:pushedIntoHistory", bulkRefresh);
})();
