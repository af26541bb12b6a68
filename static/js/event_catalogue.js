/* The event catalogue's search (automation/templates/automation/event_types.html): hides the
 * event types whose name and description do not contain every word typed. */
(function () {
  "use strict";

  var input = document.querySelector("[data-catalogue-filter]");
  if (!input) return;
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-catalogue-item]"));
  var empty = document.querySelector("[data-catalogue-empty]");

  function apply() {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    items.forEach(function (item) {
      var text = item.dataset.catalogueItem;
      var match = words.every(function (word) {
        return text.indexOf(word) !== -1;
      });
      item.hidden = !match;
      if (match) shown += 1;
    });
    if (empty) empty.hidden = shown !== 0;
  }

  input.addEventListener("input", apply);
  apply();
})();
