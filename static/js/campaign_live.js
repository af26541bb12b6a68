/* A launched campaign's live progress (campaigns/templates/campaigns/campaign_detail.html).
 *
 * Campaign events for this campaign and message.sent events (a campaign's sends are messages)
 * fire one "campaign:refresh" on the body, at most once a second. Both the progress card and the
 * recipients table (#campaign-recipients, re-read with the page's filters and page number)
 * listen for it; they also poll (hx-trigger) so they stay current when the socket is down. */
(function () {
  "use strict";

  var THROTTLE_MS = 1000;
  var card = document.getElementById("campaign-progress");
  if (!card || !window.BiDiLive) return;
  var id = parseInt(card.getAttribute("data-campaign-id"), 10);
  var timer = null;
  var last = 0;

  function refresh() {
    var wait = Math.max(0, last + THROTTLE_MS - Date.now());
    if (timer) return;
    timer = window.setTimeout(function () {
      timer = null;
      last = Date.now();
      document.body.dispatchEvent(new CustomEvent("campaign:refresh"));
    }, wait);
  }

  window.BiDiLive.on("*", function (data, message) {
    var type = message && message.type;
    if (!type) return;
    if (type.indexOf("campaign.") === 0) {
      var campaign = data && (data.campaign || data);
      var campaignId = campaign && typeof campaign === "object" ? campaign.id : campaign;
      if (campaignId === id || campaignId === undefined) refresh();
    } else if (type === "message.sent" || type === "message.failed") {
      refresh();
    }
  });
})();
