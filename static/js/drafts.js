/* AI reply drafts in the inbox (agents/views/drafts.py, docs/architecture/agents.md "Web UI").
 *
 * The server renders the draft card (#ai-draft, above the composer) and the stage-suggestion
 * section of the context panel; this module keeps them live through the page's one socket
 * (BiDiLive, static/js/live.js — no second connection):
 *  - draft.requested/ready/failed/sent/rejected for the open chat re-fetch the card, except a
 *    "ready" echo of the draft the member is editing (their edits stay);
 *  - a pending card checks again every few seconds, so a missed event never leaves it spinning;
 *  - stage_suggestion.* re-fetch the context panel;
 *  - the composer's "Draft a reply" button and Alt+D request a draft; Ctrl/⌘+Enter in the
 *    draft approves it; Regenerate and Reject open their small inline forms.
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-inbox]");
  if (!root || !root.dataset.chatId) return;

  var PENDING_CHECK_MS = 4000;
  var chatId = Number(root.dataset.chatId);
  var pendingTimer = null;

  function card() {
    return document.getElementById("ai-draft");
  }

  function csrfToken() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (field) return field.value;
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  function request(url, options) {
    var init = options || {};
    init.credentials = "same-origin";
    init.headers = Object.assign({ "HX-Request": "true" }, init.headers || {});
    return window.fetch(url, init).then(function (response) {
      return response.ok ? response.text() : null;
    });
  }

  function swap(html) {
    var current = card();
    if (!current || !html) return;
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    var fresh = template.content.querySelector("#ai-draft");
    if (!fresh) return;
    current.replaceWith(fresh);
    if (window.htmx) window.htmx.process(fresh);
    watchPending();
  }

  function refreshCard() {
    var current = card();
    if (!current) return;
    request(current.dataset.cardUrl).then(swap).catch(function () {});
  }

  /* show the whole draft (up to the CSS max-height) instead of three lines of it */
  function fitText() {
    var text = document.querySelector("#ai-draft [data-draft-text]");
    if (!text || text.dataset.fitted) return;
    text.dataset.fitted = "1";
    text.style.height = "auto";
    text.style.height = text.scrollHeight + 2 + "px";
  }

  function watchPending() {
    fitText();
    window.clearTimeout(pendingTimer);
    var current = card();
    if (current && current.dataset.status === "pending") {
      pendingTimer = window.setTimeout(refreshCard, PENDING_CHECK_MS);
    }
  }

  function generate() {
    var tool = root.querySelector("[data-draft-generate]");
    if (!tool || !card()) return;
    request(tool.dataset.url, {
      method: "POST",
      body: new window.FormData(),
      headers: { "X-CSRFToken": csrfToken() }
    }).then(swap).catch(function () {});
  }

  function onDraftEvent(data, message) {
    var draft = data && data.draft;
    var current = card();
    if (!draft || draft.chat !== chatId || !current) return;
    var editing = current.dataset.draft === String(draft.id) &&
      current.contains(document.activeElement) && message && message.type === "draft.generated";
    if (!editing) refreshCard();
  }

  var contextTimer = null;

  function refreshContext() {
    window.clearTimeout(contextTimer);
    contextTimer = window.setTimeout(function () {
      var panel = document.getElementById("inbox-context");
      if (!panel || panel.contains(document.activeElement)) return;
      request(panel.dataset.contextUrl).then(function (html) {
        var current = document.getElementById("inbox-context");
        if (!html || !current) return;
        var template = document.createElement("template");
        template.innerHTML = html.trim();
        var fresh = template.content.querySelector("#inbox-context");
        if (!fresh) return;
        current.replaceWith(fresh);
        if (window.htmx) window.htmx.process(fresh);
      }).catch(function () {});
    }, 300);
  }

  function onSuggestionEvent(data) {
    var suggestion = (data && data.suggestion) || {};
    if (suggestion.chat && suggestion.chat !== chatId) return;
    refreshContext();
  }

  if (window.BiDiLive) {
    ["draft.requested", "draft.generated", "draft.failed", "draft.sent", "draft.rejected"].forEach(
      function (name) { window.BiDiLive.on(name, onDraftEvent); }
    );
    ["stage_suggestion.created", "stage_suggestion.accepted", "stage_suggestion.dismissed"].forEach(
      function (name) { window.BiDiLive.on(name, onSuggestionEvent); }
    );
  }

  /* htmx swapped the card after an action: keep watching a pending one */
  document.body.addEventListener("htmx:afterSettle", watchPending);

  root.addEventListener("click", function (event) {
    if (event.target.closest("[data-draft-generate]")) {
      generate();
      return;
    }
    var toggle = event.target.closest("[data-draft-toggle]");
    if (!toggle) return;
    var current = card();
    var name = toggle.dataset.draftToggle;
    current.querySelectorAll("[data-draft-panel]").forEach(function (panel) {
      var open = panel.dataset.draftPanel === name && panel.hidden;
      panel.hidden = !open;
      if (open) {
        var field = panel.querySelector("input[type=text], input:not([type])");
        if (field) field.focus();
      }
    });
    current.querySelectorAll("[data-draft-toggle]").forEach(function (button) {
      var panel = current.querySelector('[data-draft-panel="' + button.dataset.draftToggle + '"]');
      button.setAttribute("aria-expanded", String(Boolean(panel && !panel.hidden)));
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.altKey && !event.ctrlKey && !event.metaKey && event.code === "KeyD") {
      event.preventDefault();
      generate();
      return;
    }
    var text = event.target.closest && event.target.closest("[data-draft-text]");
    if (text && event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      text.form.requestSubmit();
    }
  });

  watchPending();
})();
