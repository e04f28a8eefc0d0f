"use strict";
var Sandbox = (function () {
  var cfg = window.$Config;

  function views() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-view]"));
  }

  // Show one view. Like Entra, the username view is never removed once the page moves on:
  // it is parked off screen (class moveOffScreen), its input still inside the form.
  function show(name) {
    views().forEach(function (view) {
      var on = view.getAttribute("data-view") === name;
      if (view.getAttribute("data-view") === "username") {
        view.classList.toggle("moveOffScreen", !on);
        var input = view.querySelector("input");
        if (input) { input.classList.toggle("moveOffScreen", !on); }
      } else {
        view.hidden = !on;
      }
    });
  }

  // Entra's background calls: JSON, with the page's apiCanary and ids as headers. One at a
  // time, each built when it is sent, because answers renew what the next call must carry:
  // GetCredentialType a new apiCanary, BeginAuth/EndAuth a new FlowToken (single-use).
  var queue = Promise.resolve();

  function postJson(url, build) {
    function send() {
      var body = typeof build === "function" ? build() : build;
      return fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json; charset=utf-8",
          "canary": cfg.apiCanary,
          "client-request-id": cfg.correlationId,
          "hpgact": String(cfg.hpgact),
          "hpgid": String(cfg.hpgid),
          "hpgrequestid": cfg.sessionId
        },
        body: JSON.stringify(body)
      }).then(function (response) {
        return response.json().then(function (data) {
          if (!response.ok) { return Promise.reject(data); }
          if (data.apiCanary) { cfg.apiCanary = data.apiCanary; }
          if (data.FlowToken) { cfg.sFT = data.FlowToken; }
          return data;
        });
      });
    }
    var result = queue.then(send, send);
    queue = result.then(function () {}, function () {});
    return result;
  }

  // A form carries the page's flow fields as they are now (the token may have been renewed).
  function fillForm(form) {
    var fields = {flowToken: cfg.sFT, canary: cfg.canary, hpgrequestid: cfg.sessionId};
    Object.keys(fields).forEach(function (name) {
      if (form.elements[name]) { form.elements[name].value = fields[name]; }
    });
  }

  function submitForm(form) {
    fillForm(form);
    form.submit();
  }

  // A failed background call ends the sign-in the way a server-side error page would.
  function serviceError(data) {
    var error = (data && data.error) || {code: "", message: "The sign-in could not be completed."};
    views().forEach(function (view) { view.hidden = true; });
    document.querySelectorAll(".buttons").forEach(function (b) { b.hidden = true; });
    var box = document.getElementById("service_exception_message");
    box.textContent = error.message;
    box.hidden = false;
    cfg.pgid = "ConvergedError";
    cfg.iErrorCode = error.code;
    cfg.strServiceExceptionMessage = error.message;
  }

  function onActivate(element, handler) {
    element.addEventListener("click", function (event) { event.preventDefault(); handler(element); });
    element.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); handler(element); }
    });
  }

  return {
    cfg: cfg, show: show, postJson: postJson, fillForm: fillForm, submitForm: submitForm,
    serviceError: serviceError, onActivate: onActivate
  };
})();
