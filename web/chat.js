/* Starts the chat widget (rasa-webchat, loaded before this file) in the corner of the page.
 *
 * The Rasa server's address comes from config.js, which `make run` writes from RASA_URL
 * (default http://localhost:$RASA_PORT). On your own site, set it in the snippet instead
 * (see the README, "Chat widget on a web page").
 */
(function () {
  "use strict";

  var settings = window.THROMBECTOMY_ASSISTANT || {};
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
    customMessageDelay: function () { return 300; }
  }, null);

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
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if ((event.key === "Enter" || event.key === " ") && target.matches && target.matches("div.rw-reply[role=button]")) {
      event.preventDefault();
      target.click();
    }
  });

  var observer = new MutationObserver(function () { improve(document.body); });
  observer.observe(document.body, { childList: true, subtree: true });
  improve(document.body);
}());
