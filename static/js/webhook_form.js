/* The webhook endpoint form (automation/templates/automation/webhook_form.html): while "All
 * events" is ticked the per-event checkboxes are greyed out (the server ignores them), and each
 * group of events gets an "all"/"none" toggle. Without JS the plain checkboxes work. */
(function () {
  "use strict";

  var form = document.querySelector("[data-webhook-form]");
  if (!form) return;
  var all = form.querySelector("[data-all-events]");
  var groups = form.querySelector("[data-event-groups]");

  function sync() {
    var on = all.checked;
    groups.classList.toggle("is-disabled", on);
    groups.querySelectorAll("input, button").forEach(function (el) {
      el.disabled = on;
    });
  }

  form.querySelectorAll("[data-event-group]").forEach(function (group) {
    var boxes = group.querySelectorAll("input[type=checkbox]");
    var title = group.querySelector("legend").textContent.trim();
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-link btn-sm webhook-event-group-toggle";
    function label() {
      var every = Array.prototype.every.call(boxes, function (box) { return box.checked; });
      button.textContent = every ? "None" : "All";
      button.setAttribute("aria-label", (every ? "Clear " : "Select all ") + title + " events");
      return every;
    }
    button.addEventListener("click", function () {
      var every = label();
      boxes.forEach(function (box) { box.checked = !every; });
      label();
    });
    boxes.forEach(function (box) { box.addEventListener("change", label); });
    group.querySelector("legend").appendChild(button);
    label();
  });

  all.addEventListener("change", sync);
  sync();
})();
