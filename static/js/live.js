/* BiDiLive: the browser's one WebSocket client for /ws/ (docs/architecture/realtime.md).
 *
 * Any page subscribes with BiDiLive.on("<event name>", fn) — fn(data, message) — and the
 * socket opens on the first subscription. "*" hears every event. The client
 *  - reconnects with exponential backoff (0.5 s doubling to 15 s, with jitter) and at once
 *    when the browser comes back online;
 *  - remembers the highest event id and sends {"type": "resume"} after a reconnect, so events
 *    missed while away are replayed; duplicates (live + replay) are dropped by id;
 *  - pings every 25 s so idle proxies keep the socket;
 *  - sends client messages with BiDiLive.send({type: ...}) (typing, presence heartbeats);
 *    their answers and broadcasts arrive like events but carry no id and are never replayed;
 *  - reports its state to "live.status" subscribers ({state: "connecting" | "open" |
 *    "closed" | "signed-out"}; the current one as soon as they subscribe) and a truncated
 *    replay to "live.truncated" (the page should reload: more was missed than the server
 *    replays).
 * A 4401 close (signed out, session revoked) stops reconnecting: signing in again loads a
 * new page anyway.
 */
(function () {
  "use strict";

  var PING_MS = 25000;
  var BACKOFF_MIN_MS = 500;
  var BACKOFF_MAX_MS = 15000;
  var SEEN_LIMIT = 2000;
  var CLOSE_UNAUTHENTICATED = 4401;

  var handlers = {};
  var socket = null;
  var started = false;
  var stopped = false;
  var attempts = 0;
  var lastId = null;
  var seen = [];
  var seenSet = {};
  var pingTimer = null;
  var retryTimer = null;
  var state = "closed";

  function emit(type, data, message) {
    (handlers[type] || []).slice().forEach(function (fn) {
      try {
        fn(data, message);
      } catch (error) {
        window.console.error("BiDiLive handler for " + type + " failed", error);
      }
    });
  }

  function setState(next) {
    if (state === next) return;
    state = next;
    emit("live.status", { state: next });
  }

  function remember(id) {
    if (seenSet[id]) return false;
    seenSet[id] = true;
    seen.push(id);
    if (seen.length > SEEN_LIMIT) delete seenSet[seen.shift()];
    if (lastId === null || id > lastId) lastId = id;
    return true;
  }

  function url() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    return scheme + window.location.host + "/ws/";
  }

  function send(message) {
    if (socket && socket.readyState === window.WebSocket.OPEN) socket.send(JSON.stringify(message));
  }

  function onMessage(event) {
    var message;
    try {
      message = JSON.parse(event.data);
    } catch (error) {
      return;
    }
    var type = message.type;
    var data = message.data || {};
    if (type === "hello") {
      attempts = 0;
      setState("open");
      if (lastId === null) lastId = data.last_event_id || 0;
      else send({ type: "resume", last_event_id: lastId });
      return;
    }
    if (type === "resumed") {
      if (data.truncated) emit("live.truncated", data, message);
      return;
    }
    if (type === "pong" || type === "error") return;
    if (typeof message.id === "number" && !remember(message.id)) return;
    emit(type, data, message);
    emit("*", data, message);
  }

  function scheduleReconnect() {
    if (stopped || retryTimer) return;
    var delay = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * Math.pow(2, attempts));
    attempts += 1;
    delay = delay / 2 + Math.random() * (delay / 2);
    retryTimer = window.setTimeout(function () {
      retryTimer = null;
      connect();
    }, delay);
  }

  function connect() {
    if (stopped || (socket && socket.readyState <= window.WebSocket.OPEN)) return;
    setState("connecting");
    try {
      socket = new window.WebSocket(url());
    } catch (error) {
      socket = null;
      setState("closed");
      scheduleReconnect();
      return;
    }
    socket.addEventListener("message", onMessage);
    socket.addEventListener("close", function (event) {
      socket = null;
      window.clearInterval(pingTimer);
      pingTimer = null;
      if (event.code === CLOSE_UNAUTHENTICATED) {
        stopped = true;
        setState("signed-out");
        return;
      }
      setState("closed");
      scheduleReconnect();
    });
    pingTimer = window.setInterval(function () { send({ type: "ping" }); }, PING_MS);
  }

  function start() {
    if (started || !("WebSocket" in window)) return;
    started = true;
    // A live page renders the newest event id it reflects (data-live-since): the first
    // "hello" then resumes from there, so nothing emitted between render and connect is lost.
    var since = document.body && document.body.getAttribute("data-live-since");
    if (since && /^\d+$/.test(since)) lastId = parseInt(since, 10);
    connect();
    window.addEventListener("online", function () {
      if (retryTimer) {
        window.clearTimeout(retryTimer);
        retryTimer = null;
      }
      attempts = 0;
      connect();
    });
  }

  window.BiDiLive = {
    /* Subscribe to an event name ("deal.moved"), "*" for all, or "live.status"; returns a
     * function that unsubscribes. The first subscription opens the socket. */
    on: function (type, fn) {
      (handlers[type] = handlers[type] || []).push(fn);
      start();
      // A page script that subscribes after the socket opened (several scripts share it) is
      // told the current state at once instead of waiting for the next change.
      if (type === "live.status") fn({ state: state });
      return function () {
        handlers[type] = (handlers[type] || []).filter(function (f) { return f !== fn; });
      };
    },
    /* Send a client message ({type: "typing", chat: 12}, {type: "presence"}) over the socket;
     * returns false when the socket is not open (typing and presence are ephemeral: a missed
     * one is simply sent again next time, nothing is queued). */
    send: function (message) {
      start();
      if (!socket || socket.readyState !== window.WebSocket.OPEN || state !== "open") return false;
      send(message);
      return true;
    },
    state: function () { return state; },
    lastEventId: function () { return lastId; }
  };
})();
