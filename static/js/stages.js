/* Pipeline settings: drag the stages (by their grip) into a new order. The order is posted
 * as stage_ids to the list's data-stage-order URL; on an error the list goes back to the
 * order it had and the reason shows above it. */
(function () {
  "use strict";

  var list = document.querySelector("[data-stage-order]");
  if (!list || !window.Sortable) return;
  var flash = document.querySelector("[data-stage-flash]");

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
    } catch (error) {
      return "";
    }
  }

  function say(text, ok) {
    if (!flash) return;
    flash.className = "stage-flash " + (ok ? "text-success" : "text-danger");
    flash.textContent = text;
  }

  function ids() {
    return Array.prototype.map.call(list.querySelectorAll("[data-stage-id]"), function (row) {
      return row.dataset.stageId;
    });
  }

  var before = ids();
  var sortable = window.Sortable.create(list, {
    handle: ".stage-handle",
    draggable: "[data-stage-id]",
    animation: 150,
    ghostClass: "is-ghost",
    dataIdAttr: "data-stage-id",
    onEnd: function () {
      var order = ids();
      if (order.join() === before.join()) return;
      var body = new URLSearchParams();
      order.forEach(function (id) { body.append("stage_ids", id); });
      fetch(list.dataset.stageOrder, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
        body: body
      })
        .then(function (response) {
          return response.json().catch(function () { return {}; }).then(function (data) {
            if (!response.ok) throw new Error(data.message || "The new order was not saved.");
            before = order;
            say("Order saved.", true);
          });
        })
        .catch(function (error) {
          sortable.sort(before, true);
          say(error.message || "The new order was not saved.", false);
        });
    }
  });
})();
