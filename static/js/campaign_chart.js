/* Sends and replies per day on a campaign's analytics page: Chart.js line chart over the series
 * the page embeds with json_script ("campaign-chart-data": {labels, sent, replied}). */
(function () {
  "use strict";

  var canvas = document.getElementById("campaign-chart");
  var source = document.getElementById("campaign-chart-data");
  if (!canvas || !source || !window.Chart) return;
  var data = JSON.parse(source.textContent);
  var styles = window.getComputedStyle(document.documentElement);
  var primary = styles.getPropertyValue("--bs-primary").trim() || "#4f46e5";
  var success = styles.getPropertyValue("--bs-success").trim() || "#16a34a";

  new window.Chart(canvas, {
    type: "line",
    data: {
      labels: data.labels,
      datasets: [
        { label: "Sent", data: data.sent, borderColor: primary, backgroundColor: primary, tension: 0.25 },
        { label: "Replied", data: data.replied, borderColor: success, backgroundColor: success, tension: 0.25 }
      ]
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: "index", intersect: false },
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { position: "bottom" } }
    }
  });
})();
