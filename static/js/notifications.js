/* The bell in the top bar, kept live (templates/components/_notification_bell.html).
 *
 * Over the page's one socket (BiDiLive, static/js/live.js) it hears
 *  - "notification.created": for the organization on the bell (or an account-level notice,
 *    organization null): +1 on the badge, a toast (title, body, "Open"; 6 s, three at most)
 *    and a refresh of the menu when it is open;
 *  - "notification.read" (this or another tab marked notices read): the count is reloaded
 *    and those notices lose their unread look on this page;
 *  - "live.status": after a reconnect the count is reloaded (these messages are not replayed).
 * The menu body itself is loaded by htmx each time it opens (notifications:dropdown).
 * Also: a form marked data-autosubmit submits when one of its selects changes.
 */
(function () {
  "use strict";

  var TOAST_MS = 6000;
  var MAX_TOASTS = 3;

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function Bell(root) {
    this.root = root;
    this.organization = root.getAttribute("data-organization");
    this.badge = root.querySelector("[data-notification-badge]");
    this.toggle = root.querySelector("[data-notification-toggle]");
    this.menu = root.querySelector("[data-notification-menu]");
    this.countUrl = root.getAttribute("data-count-url");
    this.openUrl = root.getAttribute("data-open-url");
    this.count = parseInt(root.getAttribute("data-unread") || "0", 10) || 0;
    this.toasts = null;
  }

  Bell.prototype.setCount = function (count) {
    this.count = Math.max(0, count);
    this.root.setAttribute("data-unread", String(this.count));
    this.badge.textContent = this.count > 99 ? "99+" : String(this.count);
    this.badge.hidden = this.count === 0;
    this.toggle.setAttribute(
      "aria-label",
      this.count ? "Notifications, " + this.count + " unread" : "Notifications"
    );
  };

  Bell.prototype.refreshCount = function () {
    var bell = this;
    window
      .fetch(this.countUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) { if (body && typeof body.unread === "number") bell.setCount(body.unread); })
      .catch(function () { /* the next reconnect or page load catches up */ });
  };

  Bell.prototype.isOpen = function () {
    return this.menu.classList.contains("show");
  };

  Bell.prototype.refreshMenu = function () {
    if (!this.isOpen() || !window.htmx) return;
    window.htmx.ajax("GET", this.root.getAttribute("hx-get"), { target: this.menu, swap: "innerHTML" });
  };

  Bell.prototype.mine = function (data) {
    return data.organization === null || data.organization === undefined ||
      String(data.organization) === this.organization;
  };

  Bell.prototype.toastContainer = function () {
    if (!this.toasts) {
      // On <body>: the top bar's backdrop filter would pin fixed children inside the bar.
      this.toasts = element("div", "toast-container notice-toasts");
      this.toasts.setAttribute("data-notification-toasts", "");
      this.toasts.setAttribute("aria-live", "polite");
      document.body.appendChild(this.toasts);
    }
    return this.toasts;
  };

  Bell.prototype.showToast = function (data) {
    if (!window.bootstrap) return;
    var container = this.toastContainer();
    while (container.children.length >= MAX_TOASTS) container.removeChild(container.firstElementChild);

    var toast = element("div", "toast notice-toast");
    toast.setAttribute("role", "status");
    toast.setAttribute("aria-atomic", "true");
    toast.setAttribute("data-notification-toast", String(data.id));
    var inner = element("div", "notice-toast-inner");
    var icon = element("span", "notice-toast-icon");
    icon.setAttribute("aria-hidden", "true");
    icon.appendChild(element("i", "bi bi-bell"));
    var text = element("div", "notice-toast-text");
    text.appendChild(element("strong", "notice-toast-title", data.title));
    if (data.body) text.appendChild(element("p", "notice-toast-body", data.body));
    var form = element("form", "notice-toast-open");
    form.method = "post";
    form.action = this.openUrl.replace("/0/", "/" + data.id + "/");
    var csrf = element("input");
    csrf.type = "hidden";
    csrf.name = "csrfmiddlewaretoken";
    csrf.value = csrfToken();
    var open = element("button", "btn btn-link btn-sm notice-toast-link", data.url ? "Open" : "See notifications");
    open.type = "submit";
    form.appendChild(csrf);
    form.appendChild(open);
    text.appendChild(form);
    var close = element("button", "btn-close");
    close.type = "button";
    close.setAttribute("data-bs-dismiss", "toast");
    close.setAttribute("aria-label", "Close");
    inner.appendChild(icon);
    inner.appendChild(text);
    inner.appendChild(close);
    toast.appendChild(inner);
    container.appendChild(toast);

    toast.addEventListener("hidden.bs.toast", function () { toast.remove(); });
    window.bootstrap.Toast.getOrCreateInstance(toast, { delay: TOAST_MS }).show();
  };

  Bell.prototype.markRead = function (ids) {
    ids.forEach(function (id) {
      document.querySelectorAll('[data-notification-id="' + Number(id) + '"]').forEach(function (node) {
        node.classList.remove("is-unread");
        var dot = node.querySelector(".notice-dot");
        if (dot) dot.remove();
      });
    });
  };

  // On the notification center: say that new notices arrived (the list is server-rendered
  // with its filters and pages, so the link reloads it rather than guessing where rows go).
  Bell.prototype.announceOnCenter = function () {
    var banner = document.querySelector("[data-notice-new]");
    if (!banner) return;
    this.arrived = (this.arrived || 0) + 1;
    banner.querySelector("[data-notice-new-text]").textContent =
      this.arrived === 1 ? "1 new notification" : this.arrived + " new notifications";
    banner.hidden = false;
  };

  Bell.prototype.listen = function () {
    var bell = this;
    var dropped = false;
    this.menu.addEventListener("htmx:afterSwap", function () {
      var body = bell.menu.querySelector("[data-unread-count]");
      if (body) bell.setCount(parseInt(body.getAttribute("data-unread-count"), 10) || 0);
    });
    window.BiDiLive.on("notification.created", function (data) {
      if (!bell.mine(data)) return;
      if (!data.read) bell.setCount(bell.count + 1);
      bell.showToast(data);
      bell.refreshMenu();
      bell.announceOnCenter();
    });
    window.BiDiLive.on("notification.read", function (data) {
      bell.markRead(data.ids || []);
      bell.refreshCount();
    });
    window.BiDiLive.on("live.status", function (status) {
      if (status.state === "closed") dropped = true;
      if (status.state === "open" && dropped) {
        dropped = false;
        bell.refreshCount();
      }
    });
  };

  function autosubmit() {
    document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
      form.querySelectorAll("[data-autosubmit-button]").forEach(function (button) {
        button.classList.add("visually-hidden");
      });
      form.addEventListener("change", function (event) {
        if (event.target.tagName === "SELECT") form.requestSubmit();
      });
    });
  }

  function start() {
    autosubmit();
    var root = document.querySelector("[data-notification-bell]");
    if (!root || !window.BiDiLive) return;
    var bell = new Bell(root);
    bell.listen();
    window.BiDiNotifications = bell;
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
