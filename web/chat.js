/* Starts the chat widget (rasa-webchat, loaded before this file) in the corner of the page.
 *
 * The Rasa server's address, and the notice for when it cannot be reached, come from config.js,
 * which `make web-config` writes (python -m webpage.config: RASA_URL, CLINIC_NAME, CLINIC_PHONE,
 * EMERGENCY_NUMBER and domain.yml's texts), and so does the page's line naming the source. On your
 * own site, set them in the snippet instead (docs/channels.md).
 */
(function () {
  "use strict";

  var settings = window.THROMBECTOMY_ASSISTANT || {};

  /* The page's line about where the facts come from (config.js: the chat's "about this information"). */
  var sourceLine = document.getElementById("ta-source");
  if (sourceLine && settings.source) { sourceLine.textContent = settings.source; }
  var socketUrl = settings.socketUrl || "http://localhost:5005";
  var colour = settings.colour || "#00636b";

  window.WebChat.default({
    socketUrl: socketUrl,
    socketPath: "/socket.io/",
    initPayload: "/greet",              // opens with the greeting, disclaimer and topics
    title: settings.title || "Questions about your procedure",
    subtitle: settings.subtitle || "General information, not medical advice",
    inputTextFieldHint: "Type your question...",
    connectingText: "Connecting...",
    customData: { language: "en" },
    params: { storage: "local" },       // the conversation survives a page reload
    hideWhenNotConnected: false,        // show the button even while the server starts
    showCloseButton: true,
    mainColor: colour,
    userBackgroundColor: colour,
    userTextColor: "#ffffff",
    withRules: false,                   // no Botfront rules: Rasa's socketio channel
    customMessageDelay: function () { return 300; },
    onSocketEvent: {
      session_confirm: function () { connection.up(); },
      disconnect: function (reason) { if (reason !== "io client disconnect") { connection.down(); } }
    }
  }, null);

  /* Never a dead end: when the chat has had no connection for a few seconds (at first, or after
     losing it), a notice in the chat (role=status, so screen readers read it out) says whom to call
     and what to do in an emergency; when the connection is back, it says so. The clinic's words
     come from config.js (domain.yml and the settings); these three lines are the page's own. */
  var OFFLINE_AFTER_MS = 4000;
  var BACK_SHOWN_MS = 8000;
  var TEXTS = {
    offlineTitle: "The chat cannot connect right now.",
    offlineRetry: "It keeps trying, and this notice will change as soon as it works again.",
    back: "The chat is connected again. You can type your question."
  };
  var OFFLINE_NOTICE = settings.offline || [
    [{ text: "Please use the phone number in your appointment letter." }],
    [{ text: "In an emergency, call your local emergency number now." }]
  ];

  /* The page's own emergency line says what the chat says, with the configured number as a link. */
  var urgentLine = document.getElementById("ta-urgent");
  if (urgentLine && settings.offline) {
    var urgent = paragraph(settings.offline[settings.offline.length - 1]);
    urgent.id = urgentLine.id;
    urgentLine.replaceWith(urgent);
  }

  var connection = {
    state: "connecting",                // connecting, up, offline (notice shown), back (notice shown)
    timer: null,
    up: function () {
      clearTimeout(this.timer);
      var wasOffline = this.state === "offline";
      this.state = wasOffline ? "back" : "up";
      if (wasOffline) {
        this.timer = setTimeout(function () { connection.state = "up"; improve(document.body); }, BACK_SHOWN_MS);
      }
      improve(document.body);
    },
    down: function () {
      if (this.state === "offline") { return; }
      clearTimeout(this.timer);
      this.state = "connecting";
      this.timer = setTimeout(function () { connection.state = "offline"; improve(document.body); }, OFFLINE_AFTER_MS);
      improve(document.body);
    }
  };
  connection.down();

  function paragraph(parts, className) {
    var p = document.createElement("p");
    if (className) { p.className = className; }
    parts.forEach(function (part) {
      var piece;
      if (part.href) {
        piece = document.createElement("a");
        piece.href = part.href;
        piece.textContent = part.text;
      } else {
        piece = document.createTextNode(part.text);
      }
      p.appendChild(piece);
    });
    return p;
  }

  function fillStatus(status, state) {
    status.textContent = "";
    status.className = "ta-status ta-status-" + state;
    if (state === "offline") {
      status.appendChild(paragraph([{ text: TEXTS.offlineTitle }], "ta-status-title"));
      OFFLINE_NOTICE.forEach(function (parts) { status.appendChild(paragraph(parts)); });
      status.appendChild(paragraph([{ text: TEXTS.offlineRetry }]));
    } else if (state === "back") {
      status.appendChild(paragraph([{ text: TEXTS.back }], "ta-status-title"));
    }
    status.setAttribute("data-state", state);
  }

  /* One live region inside the open chat, under its header; created empty and filled a moment
     later, so screen readers announce what it says. */
  function showStatus(root) {
    var container = root.querySelector(".rw-conversation-container");
    if (!container) { return; }
    var state = (connection.state === "offline" || connection.state === "back") ? connection.state : "";
    var status = container.querySelector(".ta-status");
    if (!status) {
      status = document.createElement("div");
      status.setAttribute("role", "status");
      status.className = "ta-status";
      status.setAttribute("data-state", "");
      var header = container.querySelector(".rw-header-and-loading");
      container.insertBefore(status, header ? header.nextSibling : container.firstChild);
    }
    if (status.getAttribute("data-state") !== state && !status.hasAttribute("data-pending")) {
      status.setAttribute("data-pending", "");
      setTimeout(function () {
        status.removeAttribute("data-pending");
        var now = (connection.state === "offline" || connection.state === "back") ? connection.state : "";
        fillStatus(status, now);
      }, 100);
    }
  }

  /* Keyboard and screen-reader support the widget lacks: name the round button, and make
     the quick-reply buttons under an answer reachable with Tab and usable with Enter/Space. */
  function improve(root) {
    var launcher = root.querySelector(".rw-launcher");
    if (launcher) {
      var open = !!root.querySelector(".rw-conversation-container");
      launcher.setAttribute("aria-label", open ? "Close the chat" : "Open the chat: questions about your procedure");
      launcher.setAttribute("aria-expanded", open ? "true" : "false");
    }
    var close = root.querySelector(".rw-close-button");
    if (close) { close.setAttribute("aria-label", "Close the chat"); }
    var send = root.querySelector(".rw-send");
    if (send) { send.setAttribute("aria-label", "Send"); }
    var input = root.querySelector(".rw-new-message");
    if (input) { input.setAttribute("aria-label", "Your question"); }
    var messages = root.querySelector(".rw-messages-container");
    if (messages && !messages.hasAttribute("aria-live")) {
      messages.setAttribute("aria-live", "polite");
      messages.setAttribute("role", "log");
    }
    root.querySelectorAll("div.rw-reply:not([tabindex])").forEach(function (reply) {
      reply.setAttribute("role", "button");
      reply.setAttribute("tabindex", "0");
    });
    /* tap-to-call links (the emergency answer's) open the phone's dialer, not a new tab */
    root.querySelectorAll(".rw-conversation-container a[href^='tel:'][target]").forEach(function (link) {
      link.removeAttribute("target");
      link.removeAttribute("rel");
    });
    showStatus(root);
    showNewAnswerFromItsFirstLine(root);
    markDialog(root);
    settleFocus();
  }

  /* The widget scrolls to the bottom of every new message, so a long answer would be read from
     its middle: scroll back up to the answer's first line (its heading) when it does not fit. */
  var lastAnswerSeen = "";
  function showNewAnswerFromItsFirstLine(root) {
    var messages = root.querySelector(".rw-messages-container");
    if (!messages) { lastAnswerSeen = ""; return; }
    var groups = messages.querySelectorAll(".rw-group-message");
    var answer = groups[groups.length - 1];
    if (!answer || !answer.classList.contains("rw-from-response")) { return; }
    var parts = answer.querySelectorAll(".rw-message:not(.rw-typing-indication)");
    if (!parts.length) { return; }
    var seen = groups.length + ":" + parts.length;
    if (seen === lastAnswerSeen) { return; }
    lastAnswerSeen = seen;
    var firstLine = parts[0].getBoundingClientRect().top - messages.getBoundingClientRect().top + messages.scrollTop - 8;
    if (messages.scrollTop > firstLine) { messages.scrollTop = firstLine; }
  }

  /* Focus where a keyboard user expects it: in the text box when the chat opens and after every
     message sent or quick reply chosen (the widget drops it on <body>: the reply buttons vanish and
     the send button is disabled once the box is empty); on the round chat button when the chat is
     closed with its close button or Escape. The box is disabled until the chat is connected: the
     request waits, and gives way if the user has moved on meanwhile. */
  var focusWanted = null;
  var focusFrom = null;

  function wantFocus(what) {
    focusWanted = what;
    focusFrom = document.activeElement;
    [0, 50, 300, 1000].forEach(function (delay) { setTimeout(settleFocus, delay); });
  }

  function settleFocus() {
    var container = document.querySelector(".rw-conversation-container");
    var active = document.activeElement;
    var free = !active || active === document.body || active === container || active === focusFrom ||
      !document.body.contains(focusFrom);
    if (!focusWanted || !free) { return; }
    if (focusWanted === "box" && container) {
      var box = container.querySelector(".rw-new-message");
      if (box && !box.disabled) {
        box.focus();
        focusWanted = null;
      } else if (active === document.body || !active) {
        container.focus();  // the dialog itself, until its box can take it
      }
    } else if (focusWanted === "launcher" && !container) {
      var launcher = document.querySelector(".rw-launcher");
      if (launcher) {
        launcher.focus();
        focusWanted = null;
      }
    }
  }

  function closeChat() {
    var close = document.querySelector(".rw-conversation-container .rw-close-button");
    var launcher = document.querySelector(".rw-launcher");
    (close || launcher).click();
    wantFocus("launcher");
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if ((event.key === "Enter" || event.key === " ") && target.matches && target.matches("div.rw-reply[role=button]")) {
      event.preventDefault();
      target.click();
    } else if (event.key === "Enter" && !event.shiftKey && target.matches && target.matches(".rw-new-message")) {
      wantFocus("box");
    } else if (event.key === "Escape" && document.querySelector(".rw-conversation-container") &&
               target.closest && target.closest(".rw-widget-container")) {
      event.preventDefault();
      closeChat();
    }
  });

  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target : event.target.parentElement;
    if (!target || !target.closest) { return; }
    if (target.closest(".rw-send, .rw-reply")) {
      wantFocus("box");
    } else if (target.closest(".rw-conversation-container .rw-close-button") ||
               (target.closest(".rw-launcher") && document.querySelector(".rw-conversation-container"))) {
      wantFocus("launcher");
    } else if (target.closest(".rw-launcher")) {
      wantFocus("box");
    }
  }, true);

  /* The chat is a dialog named by its title. Where it fills the screen (the widget's own breakpoint,
     800 px), it is modal: the page behind it is inert (not focusable, hidden from screen readers). */
  var FULL_SCREEN = window.matchMedia("screen and (max-width: 800px)");
  var pageInert = false;

  function markDialog(root) {
    var container = root.querySelector(".rw-conversation-container");
    var modal = !!container && FULL_SCREEN.matches;
    if (container) {
      container.setAttribute("role", "dialog");
      container.setAttribute("tabindex", "-1");
      var title = container.querySelector(".rw-title");
      if (title) {
        title.id = title.id || "ta-chat-title";
        title.setAttribute("aria-level", "2");  // the widget's <h4> follows the page's <h2>s
        container.setAttribute("aria-labelledby", title.id);
      }
      if (modal) { container.setAttribute("aria-modal", "true"); } else { container.removeAttribute("aria-modal"); }
    }
    if (modal !== pageInert) {
      pageInert = modal;
      var widget = container ? container.closest(".rw-widget-container").parentElement : null;
      Array.prototype.forEach.call(document.body.children, function (child) {
        if (child.contains(widget) || /^(SCRIPT|STYLE)$/.test(child.tagName)) { return; }
        if (modal) { child.setAttribute("inert", ""); } else { child.removeAttribute("inert"); }
      });
    }
  }
  FULL_SCREEN.addEventListener("change", function () { improve(document.body); });

  var observer = new MutationObserver(function () { improve(document.body); });
  observer.observe(document.body, { childList: true, subtree: true });
  improve(document.body);
}());
