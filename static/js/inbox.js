/* The inbox page (messaging/views/inbox.py, docs/architecture/inbox.md "UI").
 *
 * The server renders everything; this module keeps it live and quick:
 *  - live events (BiDiLive) refresh a list row from /inbox/rows/<id>/ and a bubble from
 *    /inbox/<chat>/messages/<id>/ — HTML from the server, never rebuilt here — re-order the
 *    list, keep the unread total in the title and the nav badge, and mark the open chat read
 *    while it is visible;
 *  - typing ("Anna is typing…") and teammates' online dots from the ephemeral `typing` and
 *    `presence` socket messages; a "Reconnecting…" banner while the socket is down;
 *  - the composer: Enter sends (htmx), Shift+Enter is a new line, reply-to, emoji, canned
 *    responses ("/" + shortcut), attachment size check;
 *  - older messages load when scrolling up; images open in a lightbox; search; keyboard
 *    shortcuts (Alt+↑/↓ or ↑/↓ in the list, "/" search, "e" done, Esc closes).
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-inbox]");
  if (!root) return;

  var TYPING_SEND_MS = 3000;
  var TYPING_SHOW_MS = 6000;
  var PRESENCE_MS = 25000;
  var SEARCH_DELAY_MS = 250;

  var chatId = root.dataset.chatId ? Number(root.dataset.chatId) : null;
  var userId = Number(root.dataset.userId);
  var filterQuery = root.dataset.filterQuery || "";
  var list = root.querySelector("[data-inbox-list]");
  var scroller = root.querySelector("[data-transcript-scroll]");
  var transcript = root.querySelector("[data-transcript]");
  var composer = document.getElementById("composer");
  var input = root.querySelector("[data-composer-input]");
  var banner = root.querySelector("[data-live-banner]");
  var typers = {};
  var online = {};
  var wasOpen = false;
  var baseTitle = "Inbox · BiDi";

  /* --- helpers ------------------------------------------------------------------------- */

  function csrfToken() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (field) return field.value;
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  function fragment(html) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content;
  }

  function getHTML(url) {
    return window.fetch(url, { headers: { "HX-Request": "true" }, credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 404) return null;
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      });
  }

  function post(url, data) {
    var body = new window.FormData();
    Object.keys(data || {}).forEach(function (key) { body.append(key, data[key]); });
    return window.fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true" }
    });
  }

  function process(node) {
    if (window.htmx && node) window.htmx.process(node);
  }

  function isTyping(target) {
    var tag = (target && target.tagName) || "";
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  function withQuery(url, extra) {
    var parts = [filterQuery, extra].filter(Boolean).join("&");
    return parts ? url + (url.indexOf("?") >= 0 ? "&" : "?") + parts : url;
  }

  function visible() {
    return document.visibilityState === "visible";
  }

  /* --- panes (phones stack them) ------------------------------------------------------- */

  function showPane(name) {
    root.dataset.pane = name;
    root.classList.toggle("context-open", name === "context");
  }

  root.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-toggle-context]");
    if (toggle && root.querySelector("#inbox-context")) {
      showPane(root.dataset.pane === "context" ? "chat" : "context");
      return;
    }
    if (event.target.closest("[data-close-context]")) showPane(chatId ? "chat" : "list");
  });

  /* --- unread total: title and nav badge ----------------------------------------------- */

  var unreadTimer = null;

  function refreshUnread() {
    window.clearTimeout(unreadTimer);
    unreadTimer = window.setTimeout(function () {
      window.fetch(root.dataset.unreadUrl, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (totals) {
          if (!totals) return;
          document.title = (totals.chats ? "(" + totals.chats + ") " : "") + baseTitle;
          document.querySelectorAll("[data-nav-badge=inbox]").forEach(function (badge) {
            badge.textContent = totals.chats ? String(totals.chats) : "";
            
          });
        })
        .catch(function () {});
    }, 150);
  }

  /* --- the list ------------------------------------------------------------------------ */

  function rowUrl(id) {
    return withQuery("/inbox/rows/" + id + "/", chatId ? "active=" + chatId : "");
  }

  function placeRow(row) {
    var activity = Number(row.dataset.activity || 0);
    var rows = list.querySelectorAll(".inbox-row");
    for (var i = 0; i < rows.length; i += 1) {
      if (Number(rows[i].dataset.activity || 0) <= activity) {
        list.insertBefore(row, rows[i]);
        return;
      }
    }
    var more = list.querySelector(".inbox-more");
    if (more) {
      return; // older than everything loaded: it arrives with its page
    }
    list.appendChild(row);
  }

  var rowQueue = {};

  function refreshRow(id) {
    if (!id || rowQueue[id]) return;
    rowQueue[id] = window.setTimeout(function () {
      delete rowQueue[id];
      getHTML(rowUrl(id)).then(function (html) {
        var old = document.getElementById("inbox-row-" + id);
        if (html === null) {
          if (old) old.remove();
          return;
        }
        var row = fragment(html).querySelector(".inbox-row");
        if (!row) return;
        if (old) old.remove();
        if (row.dataset.match === "0") return;
        var empty = list.querySelector(".inbox-list-empty");
        if (empty) empty.remove();
        placeRow(row);
        process(row);
        markPresence(row);
      }).catch(function () {});
      refreshUnread();
    }, 60);
  }

  function rows() {
    return Array.prototype.slice.call(list.querySelectorAll(".inbox-row"));
  }

  function goToRow(step) {
    var all = rows();
    if (!all.length) return;
    var current = all.findIndex(function (row) { return row.classList.contains("is-active"); });
    var focused = all.indexOf(document.activeElement && document.activeElement.closest(".inbox-row"));
    var from = focused >= 0 ? focused : current;
    var next = all[Math.min(all.length - 1, Math.max(0, from + step))];
    if (!next) return;
    var link = next.querySelector("a");
    if (link) window.location.assign(link.href);
  }

  /* filters: a change reloads the page with them (the server renders the list) */
  var filters = root.querySelector("[data-filters]");
  if (filters) {
    filters.addEventListener("change", function () {
      var data = new window.URLSearchParams(new window.FormData(filters));
      var clean = new window.URLSearchParams();
      data.forEach(function (value, key) {
        var isDefault = (key === "assignee" && value === "all") || (key === "status" && value === "open");
        if (value && !isDefault) clean.append(key, value);
      });
      var query = clean.toString();
      window.location.assign(window.location.pathname + (query ? "?" + query : ""));
    });
  }

  /* --- search -------------------------------------------------------------------------- */

  var searchInput = root.querySelector("[data-search-input]");
  var searchPane = root.querySelector("[data-search-pane]");
  var searchTimer = null;
  var searchSeq = 0;

  function closeSearch() {
    if (!searchPane) return;
    searchPane.hidden = true;
    searchPane.innerHTML = "";
    list.hidden = false;
  }

  if (searchInput) {
    searchInput.addEventListener("input", function () {
      window.clearTimeout(searchTimer);
      var q = searchInput.value.trim();
      if (!q) {
        closeSearch();
        return;
      }
      searchTimer = window.setTimeout(function () {
        var seq = (searchSeq += 1);
        getHTML(root.dataset.searchUrl + "?q=" + encodeURIComponent(q)).then(function (html) {
          if (seq !== searchSeq || html === null) return;
          searchPane.innerHTML = html;
          searchPane.hidden = false;
          list.hidden = true;
        }).catch(function () {});
      }, SEARCH_DELAY_MS);
    });
    searchInput.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        searchInput.value = "";
        closeSearch();
        searchInput.blur();
      }
    });
  }

  /* --- the transcript ------------------------------------------------------------------ */

  function nearBottom() {
    return scroller && scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 120;
  }

  function toBottom() {
    if (scroller) scroller.scrollTop = scroller.scrollHeight;
  }

  function dedupeDays() {
    var seen = {};
    transcript.querySelectorAll(".inbox-day").forEach(function (day) {
      if (seen[day.dataset.day]) day.remove();
      seen[day.dataset.day] = true;
    });
  }

  function dedupeBubbles() {
    var seen = {};
    var bubbles = transcript.querySelectorAll(".bubble-item");
    for (var i = bubbles.length - 1; i >= 0; i -= 1) {
      if (seen[bubbles[i].id]) bubbles[i].remove();
      seen[bubbles[i].id] = true;
    }
  }

  function upsertBubble(messageId) {
    if (!transcript) return;
    var url = "/inbox/" + chatId + "/messages/" + messageId + "/";
    getHTML(url).then(function (html) {
      if (html === null) return;
      var nodes = fragment(html);
      var bubble = nodes.querySelector(".bubble-item");
      if (!bubble) return;
      var old = document.getElementById(bubble.id);
      if (old) {
        old.replaceWith(bubble);
      } else if (!transcript.hasAttribute("data-has-newer")) {
        var stick = nearBottom();
        var empty = root.querySelector(".inbox-transcript-empty");
        if (empty) empty.remove();
        transcript.appendChild(nodes);
        dedupeDays();
        if (stick) toBottom();
      }
      process(transcript.querySelector("#message-" + messageId));
    }).catch(function () {});
  }

  function loadOlder(loader) {
    if (loader.dataset.loading) return;
    loader.dataset.loading = "1";
    getHTML(loader.dataset.olderUrl).then(function (html) {
      if (html === null) return;
      var before = scroller.scrollHeight;
      var nodes = fragment(html);
      loader.replaceWith(nodes);
      dedupeDays();
      dedupeBubbles();
      process(transcript);
      scroller.scrollTop += scroller.scrollHeight - before;
      watchOlder();
    }).catch(function () { delete loader.dataset.loading; });
  }

  var olderObserver = null;

  function watchOlder() {
    var loader = transcript && transcript.querySelector(".inbox-older");
    if (!loader) return;
    if (!("IntersectionObserver" in window)) {
      loadOlder(loader);
      return;
    }
    if (olderObserver) olderObserver.disconnect();
    olderObserver = new window.IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) loadOlder(entry.target);
      });
    }, { root: scroller, rootMargin: "200px 0px 0px 0px" });
    olderObserver.observe(loader);
  }

  /* mark read: when the chat is open, visible, and something new came in */
  var readTimer = null;

  function markRead() {
    if (!chatId || !visible()) return;
    window.clearTimeout(readTimer);
    readTimer = window.setTimeout(function () {
      post("/inbox/" + chatId + "/read/", {}).then(function () { refreshRow(chatId); });
    }, 300);
  }

  document.addEventListener("visibilitychange", function () {
    if (!visible() || !chatId) return;
    var row = document.getElementById("inbox-row-" + chatId);
    if (row && row.classList.contains("is-unread") && !row.hasAttribute("data-manual-unread")) markRead();
  });

  /* --- typing and presence ------------------------------------------------------------- */

  function renderTyping() {
    var now = Date.now();
    var names = Object.keys(typers).filter(function (id) {
      if (typers[id].until < now) {
        delete typers[id];
        return false;
      }
      return true;
    }).map(function (id) { return typers[id].name; });
    var text = "";
    if (names.length === 1) text = names[0] + " is typing…";
    else if (names.length > 1) text = names.slice(0, -1).join(", ") + " and " + names[names.length - 1] + " are typing…";
    var line = root.querySelector("[data-typing-line]");
    if (line) line.textContent = text;
    var header = root.querySelector("[data-typing]");
    var fallback = root.querySelector("[data-chat-sub-default]");
    if (header) {
      header.textContent = text;
      header.hidden = !text;
    }
    if (fallback) fallback.hidden = Boolean(text);
  }

  var lastTypingSent = 0;

  function sendTyping() {
    var live = window.BiDiLive;
    if (!chatId || !live || typeof live.send !== "function") return;
    var now = Date.now();
    if (now - lastTypingSent < TYPING_SEND_MS) return;
    lastTypingSent = now;
    live.send({ type: "typing", chat: chatId });
  }

  function markPresence(scope) {
    (scope || root).querySelectorAll("[data-presence]").forEach(function (node) {
      node.classList.toggle("is-online", Boolean(online[node.dataset.presence]));
    });
  }

  /* --- live events --------------------------------------------------------------------- */

  function onMessageEvent(data, message) {
    var payload = (data && data.message) || {};
    if (!payload.chat) return;
    refreshRow(payload.chat);
    if (payload.chat === chatId) {
      upsertBubble(payload.id);
      if (message && message.type === "message.received") {
        if (payload.sender_contact) {
          Object.keys(typers).forEach(function (id) { if (id.indexOf("c") === 0) delete typers[id]; });
        }
        markRead();
      }
    }
  }

  function refreshHeader() {
    var header = document.getElementById("chat-header");
    if (!header || header.querySelector(".dropdown-menu.show")) return;
    getHTML("/inbox/" + chatId + "/header/").then(function (html) {
      var fresh = html && fragment(html).querySelector("#chat-header");
      var current = document.getElementById("chat-header");
      if (!fresh || !current) return;
      current.replaceWith(fresh);
      process(fresh);
      markPresence(fresh);
      renderTyping();
    }).catch(function () {});
  }

  function onChatEvent(data) {
    var chat = data && data.chat;
    var id = typeof chat === "object" && chat !== null ? chat.id : chat;
    refreshRow(id);
    if (id === chatId) refreshHeader();
  }

  var contextTimer = null;

  function refreshContext() {
    var panel = document.getElementById("inbox-context");
    if (!panel) return;
    window.clearTimeout(contextTimer);
    contextTimer = window.setTimeout(function () {
      var current = document.getElementById("inbox-context");
      if (!current || current.contains(document.activeElement)) return;
      getHTML(current.dataset.contextUrl).then(function (html) {
        if (html === null) return;
        var fresh = fragment(html).querySelector("#inbox-context");
        if (!fresh) return;
        current.replaceWith(fresh);
        process(fresh);
      }).catch(function () {});
    }, 300);
  }

  function setLiveState(state) {
    var dot = root.querySelector("[data-live-state]");
    if (dot) dot.dataset.state = state;
    root.dataset.live = state;
    if (state === "open") {
      if (wasOpen && banner) banner.hidden = true;
      wasOpen = true;
      if (banner) banner.hidden = true;
    } else if (wasOpen && banner && state !== "signed-out") {
      banner.hidden = false;
    }
  }

  if (window.BiDiLive) {
    var live = window.BiDiLive;
    ["message.received", "message.queued", "message.sent", "message.failed", "message.edited",
      "message.deleted"].forEach(function (name) { live.on(name, onMessageEvent); });
    ["chat.assigned", "chat.status_changed", "chat.created", "chat.blocked"].forEach(function (name) {
      live.on(name, onChatEvent);
    });
    /* previews are fetched in the background: the bubble gets its cards when they are ready */
    live.on("link_preview.fetched", function (data) {
      if (data && data.chat === chatId) upsertBubble(data.message);
    });
    live.on("chat.read", function (data) {
      if (data && data.user === userId) {
        refreshRow(data.chat);
        refreshUnread();
      }
    });
    ["deal.created", "deal.updated", "deal.stage_changed", "deal.deleted", "contact.updated",
      "note.added"].forEach(function (name) { live.on(name, refreshContext); });
    /* the open chat's row carries the deal's stage chip */
    ["deal.created", "deal.stage_changed", "deal.deleted"].forEach(function (name) {
      live.on(name, function () { if (chatId) refreshRow(chatId); });
    });
    live.on("typing", function (data) {
      if (!data || data.chat !== chatId || !data.user || data.user.id === userId) return;
      var seconds = Number(data.expires_in) || TYPING_SHOW_MS / 1000;
      typers["u" + data.user.id] = { name: data.user.name, until: Date.now() + seconds * 1000 };
      renderTyping();
      window.setTimeout(renderTyping, seconds * 1000 + 50);
    });
    live.on("presence", function (data) {
      online = {};
      ((data && data.online) || []).forEach(function (person) { online[person.id] = true; });
      markPresence();
    });
    live.on("live.status", function (data) { setLiveState(data.state); });
    live.on("live.truncated", function () { window.location.reload(); });
    setLiveState(live.state());
    if (typeof live.send === "function") {
      var beat = function () { live.send({ type: "presence" }); };
      live.on("live.status", function (data) { if (data.state === "open") beat(); });
      window.setInterval(beat, PRESENCE_MS);
    }
  }

  /* --- composer ------------------------------------------------------------------------ */

  var replyInput = root.querySelector("[data-reply-input]");
  var replyPreview = root.querySelector("[data-reply-preview]");
  var fileInput = root.querySelector("[data-file-input]");
  var filePreview = root.querySelector("[data-file-preview]");
  var errorBox = document.getElementById("composer-error");
  var templatesBox = root.querySelector("[data-templates]");
  var emojiBox = root.querySelector("[data-emoji]");
  var maxUpload = Number(root.dataset.maxUpload || 0);

  function autoGrow() {
    if (!input) return;
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight, 200) + "px";
  }

  function clearReply() {
    if (!replyInput) return;
    replyInput.value = "";
    replyPreview.hidden = true;
  }

  function clearFile() {
    if (!fileInput) return;
    fileInput.value = "";
    filePreview.hidden = true;
  }

  function closePopovers() {
    if (templatesBox) templatesBox.hidden = true;
    if (emojiBox) emojiBox.hidden = true;
  }

  function insertText(text, replaceFrom) {
    var start = replaceFrom !== undefined ? replaceFrom : input.selectionStart;
    var end = input.selectionEnd;
    input.value = input.value.slice(0, start) + text + input.value.slice(end);
    var caret = start + text.length;
    input.setSelectionRange(caret, caret);
    input.focus();
    autoGrow();
  }

  function slashWord() {
    var before = input.value.slice(0, input.selectionStart);
    var match = before.match(/(?:^|\s)(\/[\w-]*)$/);
    return match ? { word: match[1], start: before.length - match[1].length } : null;
  }

  var templatesSeq = 0;

  function showTemplates(q) {
    if (!templatesBox || !composer) return;
    var seq = (templatesSeq += 1);
    var url = composer.dataset.templatesUrl + (q ? "?q=" + encodeURIComponent(q) : "");
    getHTML(url).then(function (html) {
      if (seq !== templatesSeq || html === null) return;
      templatesBox.innerHTML = html;
      templatesBox.hidden = false;
      if (emojiBox) emojiBox.hidden = true;
    }).catch(function () {});
  }

  if (composer && input) {
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        var first = templatesBox && !templatesBox.hidden && templatesBox.querySelector("[data-template-text]");
        event.preventDefault();
        if (first) {
          first.click();
          return;
        }
        if (input.value.trim() || (fileInput && fileInput.files.length)) composer.requestSubmit();
      } else if (event.key === "Escape") {
        closePopovers();
      }
    });
    input.addEventListener("input", function () {
      autoGrow();
      if (input.value.trim()) sendTyping();
      var slash = slashWord();
      if (slash) showTemplates(slash.word);
      else if (templatesBox && !templatesBox.dataset.pinned) templatesBox.hidden = true;
    });
    composer.addEventListener("htmx:beforeRequest", function () {
      if (errorBox) errorBox.innerHTML = "";
    });
    composer.addEventListener("htmx:afterRequest", function (event) {
      var xhr = event.detail.xhr;
      if (!event.detail.successful || (xhr && xhr.getResponseHeader("HX-Retarget"))) return;
      input.value = "";
      autoGrow();
      clearReply();
      clearFile();
      closePopovers();
      dedupeBubbles();
      dedupeDays();
      var empty = root.querySelector(".inbox-transcript-empty");
      if (empty) empty.remove();
      toBottom();
      input.focus();
    });
    if (fileInput) {
      fileInput.addEventListener("change", function () {
        var file = fileInput.files[0];
        if (!file) {
          clearFile();
          return;
        }
        if (maxUpload && file.size > maxUpload) {
          errorBox.innerHTML = "";
          var note = document.createElement("span");
          note.setAttribute("role", "alert");
          note.textContent = "“" + file.name + "” is too large: Telegram accepts files up to " +
            Math.round(maxUpload / 1048576) + " MB from bots.";
          errorBox.appendChild(note);
          clearFile();
          return;
        }
        errorBox.innerHTML = "";
        filePreview.querySelector("[data-file-name]").textContent = file.name;
        filePreview.hidden = false;
      });
    }
    root.addEventListener("click", function (event) {
      if (event.target.closest("[data-file-clear]")) clearFile();
      if (event.target.closest("[data-reply-cancel]")) clearReply();
      var reply = event.target.closest("[data-reply]");
      if (reply) {
        replyInput.value = reply.dataset.reply;
        replyPreview.querySelector("[data-reply-text]").textContent = reply.dataset.replyText;
        replyPreview.hidden = false;
        input.focus();
      }
      if (event.target.closest("[data-emoji-toggle]")) {
        emojiBox.hidden = !emojiBox.hidden;
        if (templatesBox) templatesBox.hidden = true;
        return;
      }
      var emoji = event.target.closest("[data-emoji-char]");
      if (emoji) {
        insertText(emoji.dataset.emojiChar);
        return;
      }
      if (event.target.closest("[data-templates-toggle]")) {
        if (templatesBox.hidden) showTemplates("");
        else templatesBox.hidden = true;
        return;
      }
      var choice = event.target.closest("[data-template-text]");
      if (choice) {
        var slash = slashWord();
        if (slash) {
          input.setSelectionRange(slash.start, input.selectionStart);
          insertText(choice.dataset.templateText, slash.start);
        } else {
          insertText(choice.dataset.templateText);
        }
        templatesBox.hidden = true;
        return;
      }
      if (!event.target.closest(".inbox-composer-popover-wrap")) closePopovers();
    });
  }

  /* retry: the bubble comes back through message.queued; refresh it at once as well */
  document.body.addEventListener("htmx:afterRequest", function (event) {
    var button = event.detail.elt && event.detail.elt.closest && event.detail.elt.closest("[data-retry]");
    if (button && chatId) upsertBubble(button.dataset.retry);
  });

  /* a retry the server refused (chat blocked, bot disconnected): say why on the bubble */
  document.body.addEventListener("message:retry-refused", function (event) {
    var detail = event.detail || {};
    var button = root.querySelector('[data-retry="' + detail.message + '"]');
    var failure = button && button.closest(".bubble-failure");
    if (!failure) return;
    var reason = failure.querySelector("[data-retry-refused]");
    if (!reason) {
      reason = document.createElement("span");
      reason.setAttribute("data-retry-refused", "");
      reason.className = "bubble-retry-refused";
      failure.appendChild(reason);
    }
    reason.textContent = detail.error || "Could not retry.";
  });

  /* a quick action changed the header: the row follows (the event does it for others) */
  document.body.addEventListener("inbox:changed", function () {
    if (chatId) refreshRow(chatId);
  });

  /* --- lightbox and reply jumps -------------------------------------------------------- */

  var lightbox = root.querySelector("[data-lightbox-view]");

  function closeLightbox() {
    if (!lightbox || lightbox.hidden) return false;
    lightbox.hidden = true;
    lightbox.querySelector("[data-lightbox-img]").removeAttribute("src");
    return true;
  }

  root.addEventListener("click", function (event) {
    var opener = event.target.closest("[data-lightbox]");
    if (opener) {
      var img = lightbox.querySelector("[data-lightbox-img]");
      img.src = opener.dataset.lightbox;
      img.alt = (opener.querySelector("img") || {}).alt || "";
      lightbox.hidden = false;
      lightbox.querySelector("[data-lightbox-close]").focus();
      return;
    }
    if (event.target.closest("[data-lightbox-close]") || event.target === lightbox) closeLightbox();
    var jump = event.target.closest("[data-jump]");
    if (jump) {
      var target = document.getElementById("message-" + jump.dataset.jump);
      if (target) {
        event.preventDefault();
        highlight(target);
      } else {
        event.preventDefault();
        window.location.assign("/inbox/" + chatId + "/?message=" + jump.dataset.jump);
      }
    }
  });

  function highlight(target) {
    target.scrollIntoView({ block: "center" });
    target.classList.remove("is-highlighted");
    void target.offsetWidth;
    target.classList.add("is-highlighted");
  }

  /* --- keyboard ------------------------------------------------------------------------ */

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      if (closeLightbox()) return;
      closePopovers();
      if (root.dataset.pane === "context") showPane("chat");
      return;
    }
    if (event.altKey && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
      event.preventDefault();
      goToRow(event.key === "ArrowUp" ? -1 : 1);
      return;
    }
    if (isTyping(event.target) || event.ctrlKey || event.metaKey || event.altKey) return;
    var inList = list.contains(document.activeElement);
    if (inList && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
      event.preventDefault();
      var all = rows();
      var at = all.indexOf(document.activeElement.closest(".inbox-row"));
      var next = all[Math.min(all.length - 1, Math.max(0, at + (event.key === "ArrowUp" ? -1 : 1)))];
      if (next) next.querySelector("a").focus();
      return;
    }
    if (event.key === "/" && searchInput) {
      event.preventDefault();
      searchInput.focus();
    } else if (event.key === "e" && chatId) {
      var done = root.querySelector("[data-done-form] button");
      if (done) {
        event.preventDefault();
        done.click();
      }
    }
  });

  /* --- start --------------------------------------------------------------------------- */

  if (transcript) {
    var marked = transcript.querySelector(".is-highlighted");
    if (marked) marked.scrollIntoView({ block: "center" });
    else toBottom();
    watchOlder();
    autoGrow();
  }
  markPresence();
  refreshUnread();
})();
