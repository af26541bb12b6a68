/* The pipeline Kanban board (pipelines/templates/pipelines/board.html).
 *
 * - Cards drag within and between columns (SortableJS). A drop moves the card at once and
 *   POSTs {stage, before_id, after_id} to the deal's move URL; an error puts the card back
 *   where it was and says why (flash). Dropping on a "lost" column asks for the reason first.
 * - Other people's changes arrive over BiDiLive (static/js/live.js): deal.* events move, add,
 *   refresh or remove cards and re-read the column totals. A card remembers its deal's
 *   version; an event that is not newer (the echo of our own move, a replay) is ignored.
 * - A save in the deal drawer (static/js/board_ui.js) triggers "deal:saved" with the deal,
 *   applied like a live event; "deal:deleted" takes the card off.
 * Cards past a column's loaded window (it has a "Load more" button) are left to "Load more".
 */
(function () {
  "use strict";

  var board = document.querySelector("[data-board]");
  if (!board) return;

  var pipelineId = Number(board.dataset.pipelineId);
  var canMove = board.dataset.canMove === "1";
  var MOVE_EVENTS = ["deal.moved", "deal.stage_changed", "deal.won", "deal.lost"];
  var pending = {}; // deal id -> events that arrived while our own move was in flight
  var dragging = false;
  var totalsTimer = null;

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
    } catch (error) {
      return "";
    }
  }

  function urlFor(template, id) {
    return template.replace("/0/", "/" + id + "/");
  }

  function filterQuery() {
    return window.location.search.replace(/^\?/, "");
  }

  function lists() {
    return Array.prototype.slice.call(board.querySelectorAll("[data-stage-list]"));
  }

  function listFor(stageId) {
    return board.querySelector('[data-stage-list="' + stageId + '"]');
  }

  function cardsOf(list) {
    return Array.prototype.slice.call(list.querySelectorAll(":scope > [data-deal-id]"));
  }

  function cardFor(dealId) {
    return board.querySelector('[data-deal-id="' + dealId + '"]');
  }

  function columnOf(list) {
    return list.closest("[data-column]");
  }

  function hasMore(list) {
    return Boolean(columnOf(list).querySelector("[data-load-more]"));
  }

  function flash(text, level) {
    var stack = document.querySelector("[data-board-flash]");
    if (!stack) return;
    var alert = document.createElement("div");
    alert.className = "alert alert-" + (level || "danger") + " alert-dismissible fade show";
    alert.setAttribute("role", "alert");
    alert.setAttribute("data-autodismiss", "");
    var span = document.createElement("span");
    span.textContent = text;
    alert.appendChild(span);
    var close = document.createElement("button");
    close.type = "button";
    close.className = "btn-close";
    close.setAttribute("data-bs-dismiss", "alert");
    close.setAttribute("aria-label", "Close");
    alert.appendChild(close);
    stack.appendChild(alert);
    window.setTimeout(function () { alert.remove(); }, 8000);
  }

  function syncEmpty() {
    lists().forEach(function (list) {
      columnOf(list).classList.toggle("is-empty", cardsOf(list).length === 0);
    });
  }

  function bumpCount(list, delta) {
    var count = columnOf(list).querySelector("[data-column-count]");
    if (count) count.textContent = String(Math.max(0, Number(count.textContent) + delta));
  }

  /* Re-read every column's count, total and weighted value (formatted by the server). */
  function refreshTotals() {
    window.clearTimeout(totalsTimer);
    totalsTimer = window.setTimeout(function () {
      var query = filterQuery();
      fetch(board.dataset.totalsUrl + (query ? "?" + query : ""), {
        headers: { Accept: "application/json" },
        credentials: "same-origin"
      })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) return;
          data.columns.forEach(function (column) {
            var list = listFor(column.stage_id);
            if (!list) return;
            var el = columnOf(list);
            el.querySelector("[data-column-count]").textContent = column.count;
            el.querySelector("[data-column-total]").textContent = column.total;
            el.querySelector("[data-column-weighted]").textContent = column.weighted;
          });
          var total = document.querySelector("[data-board-total]");
          if (total && data.total) total.textContent = data.total;
          var count = document.querySelector("[data-board-count]");
          if (count) count.textContent = data.count;
        })
        .catch(function () {});
    }, 150);
  }

  /* Put a card where its rank says, or take it off the board when its place is past the
   * loaded window or in no column of this board. */
  function place(card, stageId, rank) {
    var list = listFor(stageId);
    var from = card.parentNode && card.parentNode.closest ? card.parentNode.closest("[data-stage-list]") : null;
    if (!list) {
      card.remove();
    } else {
      var id = Number(card.dataset.dealId);
      var next = cardsOf(list).filter(function (c) { return c !== card; }).find(function (c) {
        return c.dataset.rank > rank || (c.dataset.rank === rank && Number(c.dataset.dealId) > id);
      });
      if (next) list.insertBefore(card, next);
      else if (hasMore(list)) card.remove();
      else list.appendChild(card);
      card.dataset.rank = rank;
      card.dataset.stageId = stageId;
    }
    if (from !== list) {
      if (from) bumpCount(from, -1);
      if (list) bumpCount(list, 1);
    }
    syncEmpty();
  }

  /* The server's rendering of one card (respecting the board's filters), or null when the
   * deal does not belong on this board as filtered. */
  function fetchCard(dealId) {
    var query = filterQuery();
    return fetch(urlFor(board.dataset.cardUrl, dealId) + (query ? "?" + query : ""), {
      headers: { "HX-Request": "true" },
      credentials: "same-origin"
    }).then(function (response) {
      if (response.status !== 200) return null;
      return response.text().then(function (html) {
        var holder = document.createElement("div");
        holder.innerHTML = html.trim();
        return holder.firstElementChild;
      });
    });
  }

  function replaceCard(card, fresh) {
    if (!card.isConnected) return;
    card.replaceWith(fresh);
    if (window.htmx) window.htmx.process(fresh);
  }

  /* A deal changed elsewhere (or in the drawer): show its new state. */
  function applyDeal(deal) {
    if (!deal || typeof deal.id !== "number") return;
    if (pending[deal.id]) {
      pending[deal.id].push(deal);
      return;
    }
    var card = cardFor(deal.id);
    if (card && Number(card.dataset.version) >= deal.version) return;
    if (deal.pipeline_id !== pipelineId) {
      if (card) {
        var list = card.closest("[data-stage-list]");
        card.remove();
        if (list) bumpCount(list, -1);
        syncEmpty();
      }
      refreshTotals();
      return;
    }
    if (card) {
      card.dataset.version = deal.version;
      place(card, deal.stage_id, deal.rank);
      card.classList.add("is-live-updated");
      window.setTimeout(function () { card.classList.remove("is-live-updated"); }, 1200);
    }
    fetchCard(deal.id).then(function (fresh) {
      var current = cardFor(deal.id);
      if (!fresh) {
        if (current) current.remove();
        syncEmpty();
        return;
      }
      if (current && Number(current.dataset.version) > Number(fresh.dataset.version)) return;
      if (current) {
        replaceCard(current, fresh);
        place(fresh, fresh.dataset.stageId, fresh.dataset.rank);
      } else {
        place(fresh, fresh.dataset.stageId, fresh.dataset.rank);
        if (window.htmx) window.htmx.process(fresh);
      }
    });
    refreshTotals();
  }

  function removeDeal(deal) {
    var card = deal && cardFor(deal.id);
    if (card) {
      card.remove();
      syncEmpty();
    }
    refreshTotals();
  }

  /* --- drag and drop ------------------------------------------------------------------ */

  function askLostReason() {
    var modalEl = document.getElementById("lost-reason-modal");
    if (!modalEl || !window.bootstrap) return Promise.resolve("");
    var modal = window.bootstrap.Modal.getOrCreateInstance(modalEl);
    var form = modalEl.querySelector("form");
    var input = modalEl.querySelector("textarea");
    input.value = "";
    return new Promise(function (resolve) {
      var answered = false;
      function onSubmit(event) {
        event.preventDefault();
        answered = true;
        modal.hide();
        resolve(input.value.trim());
      }
      form.addEventListener("submit", onSubmit, { once: true });
      modalEl.addEventListener("hidden.bs.modal", function () {
        form.removeEventListener("submit", onSubmit);
        if (!answered) resolve(null);
      }, { once: true });
      modalEl.addEventListener("shown.bs.modal", function () { input.focus(); }, { once: true });
      modal.show();
    });
  }

  function rollback(card, fromList, oldIndex) {
    var toList = card.closest("[data-stage-list]");
    card.remove();
    var siblings = cardsOf(fromList);
    fromList.insertBefore(card, siblings[oldIndex] || null);
    if (toList !== fromList) {
      bumpCount(toList, -1);
      bumpCount(fromList, 1);
    }
    syncEmpty();
  }

  function settle(dealId) {
    var queued = pending[dealId] || [];
    delete pending[dealId];
    queued.forEach(applyDeal);
  }

  function onDrop(event) {
    var card = event.item;
    var fromList = event.from;
    var toList = event.to;
    if (fromList === toList && event.oldDraggableIndex === event.newDraggableIndex) return;
    var dealId = Number(card.dataset.dealId);
    var siblings = cardsOf(toList);
    var at = siblings.indexOf(card);
    var before = siblings[at - 1];
    var after = siblings[at + 1];
    var stageChanged = fromList !== toList;
    if (stageChanged) {
      bumpCount(fromList, -1);
      bumpCount(toList, 1);
    }
    syncEmpty();
    var reason = Promise.resolve("");
    if (stageChanged && columnOf(toList).dataset.kind === "lost") reason = askLostReason();
    pending[dealId] = pending[dealId] || [];
    card.classList.add("is-saving");
    reason.then(function (lostReason) {
      if (lostReason === null) {
        card.classList.remove("is-saving");
        rollback(card, fromList, event.oldDraggableIndex);
        settle(dealId);
        return;
      }
      var body = {
        stage: Number(toList.dataset.stageList),
        before_id: before ? Number(before.dataset.dealId) : null,
        after_id: after ? Number(after.dataset.dealId) : null
      };
      if (lostReason) body.lost_reason = lostReason;
      fetch(urlFor(board.dataset.moveUrl, dealId), {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          "X-CSRFToken": csrfToken()
        },
        body: JSON.stringify(body)
      })
        .then(function (response) {
          return response.json().catch(function () { return {}; }).then(function (data) {
            return { ok: response.ok, status: response.status, data: data };
          });
        })
        .then(function (result) {
          card.classList.remove("is-saving");
          if (result.status === 404) {
            card.remove();  // deleted meanwhile: there is nothing to put back
            syncEmpty();
            flash("This deal was deleted by someone else.");
          } else if (!result.ok) {
            rollback(card, fromList, event.oldDraggableIndex);
            flash(result.data.message || "The deal could not be moved.");
          } else {
            var fresh = result.data.card && (function () {
              var holder = document.createElement("div");
              holder.innerHTML = result.data.card.trim();
              return holder.firstElementChild;
            })();
            if (fresh) replaceCard(card, fresh);
            else {
              card.dataset.version = result.data.deal.version;
              card.dataset.rank = result.data.deal.rank;
            }
          }
          refreshTotals();
          settle(dealId);
        })
        .catch(function () {
          card.classList.remove("is-saving");
          rollback(card, fromList, event.oldDraggableIndex);
          flash("The connection dropped: the deal was not moved.");
          refreshTotals();
          settle(dealId);
        });
    });
  }

  if (canMove && window.Sortable) {
    lists().forEach(function (list) {
      window.Sortable.create(list, {
        group: "deals",
        draggable: "[data-deal-id]",
        animation: 150,
        delay: 180,
        delayOnTouchOnly: true,
        ghostClass: "is-ghost",
        chosenClass: "is-chosen",
        dragClass: "is-dragging",
        forceFallback: false,
        onStart: function () {
          dragging = true;
          board.dataset.dragging = "1";
        },
        onEnd: function (event) {
          dragging = false;
          // A drop ends with a click on the card: board_ui.js must not open the drawer.
          window.setTimeout(function () { delete board.dataset.dragging; }, 50);
          onDrop(event);
        }
      });
    });
  }

  document.body.addEventListener("deal:saved", function (event) {
    applyDeal(event.detail && event.detail.deal);
  });
  document.body.addEventListener("deal:deleted", function (event) {
    removeDeal(event.detail && event.detail.deal);
  });

  /* Quick create and "load more" swap cards in with htmx: drop a card that a live event
   * already added, keep the totals right. */
  document.body.addEventListener("htmx:afterSettle", function () {
    var seen = {};
    board.querySelectorAll("[data-deal-id]").forEach(function (card) {
      if (seen[card.dataset.dealId]) card.remove();
      seen[card.dataset.dealId] = true;
    });
    syncEmpty();
  });
  document.body.addEventListener("deal:created", refreshTotals);

  /* --- live --------------------------------------------------------------------------- */

  if (window.BiDiLive) {
    MOVE_EVENTS.concat(["deal.updated", "deal.created"]).forEach(function (name) {
      window.BiDiLive.on(name, function (data) { applyDeal(data.deal); });
    });
    window.BiDiLive.on("deal.deleted", function (data) { removeDeal(data.deal); });
    // Stages added, renamed, reordered or deleted: the columns are the server's to draw.
    window.BiDiLive.on("pipeline.updated", function (data) {
      if (data.pipeline && data.pipeline.id === pipelineId && !dragging) window.location.reload();
    });
    window.BiDiLive.on("live.truncated", function () {
      if (!dragging) window.location.reload();
    });
    window.BiDiLive.on("live.status", function (data) {
      var badge = document.querySelector("[data-live-status]");
      if (!badge) return;
      badge.dataset.state = data.state;
      badge.querySelector("[data-live-label]").textContent =
        data.state === "open" ? "Live" : data.state === "signed-out" ? "Offline" : "Reconnecting…";
    });
  }
  syncEmpty();
})();
