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

  function postJson(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json; charset=utf-8"},
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (data) {
        return response.ok ? data : Promise.reject(data);
      });
    });
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

  return {cfg: cfg, show: show, postJson: postJson, serviceError: serviceError, onActivate: onActivate};
})();
