(function () {
  var cfg = Sandbox.cfg;
  var proofs = cfg.arrUserProofs;
  var anotherWay = document.getElementById("signInAnotherWay");
  function show(view) {  // "sign in another way" goes with a method begun, if there are others
    Sandbox.show(view);
    anotherWay.hidden = proofs.length < 2 || (view !== "approve" && view !== "code");
  }
  var method = null;
  var session = null;  // BeginAuth's SessionId, sent back with every EndAuth
  var codeInput = document.getElementById("idTxtBx_SAOTCC_OTC");
  var codeError = document.getElementById("idSpan_SAOTCC_Error_OTC");
  var sign = document.getElementById("idRichContext_DisplaySign");
  var pollCount = 0;

  function begin(authMethodId) {
    method = authMethodId;
    session = null;
    pollCount = 0;
    var begun = method;
    Sandbox.postJson(cfg.urlBeginAuth, function () {
      return {AuthMethodId: begun, Method: "BeginAuth", Ctx: cfg.sCtx, FlowToken: cfg.sFT};
    }).then(function (data) {
      if (begun !== method) { return; }  // the user chose another method meanwhile
      session = data.SessionId;
      var text = cfg.oStrings[method];
      if (data.Entropy) { text = text.replace("{number}", data.Entropy); }
      if (method === "PhoneAppNotification" || method === "TwoWayVoiceMobile") {
        document.getElementById("idDiv_SAOTCAS_Description").textContent = text;
        sign.textContent = data.Entropy ? String(data.Entropy) : "";
        sign.hidden = !data.Entropy;
        show("approve");
        poll();
      } else {
        document.getElementById("idDiv_SAOTCC_Description").textContent = text;
        codeInput.value = "";
        show("code");
        codeInput.focus();
      }
    }, Sandbox.serviceError);
  }

  function poll() {
    var polled = method;
    var seconds = (cfg.oPerAuthPollingInterval || {})[polled] || 1;
    window.setTimeout(function () {
      if (polled !== method) { return; }
      pollCount += 1;
      end({PollCount: pollCount}).then(function (data) {
        if (polled !== method) { return; }
        if (data.ResultValue === "AuthenticationPending") { poll(); } else { finish(data); }
      }, Sandbox.serviceError);
    }, seconds * 1000);
  }

  function end(extra) {
    var ended = method, endedSession = session;
    return Sandbox.postJson(cfg.urlEndAuth, function () {
      var body = {
        Method: "EndAuth", AuthMethodId: ended, Ctx: cfg.sCtx, FlowToken: cfg.sFT,
        SessionId: endedSession
      };
      Object.keys(extra).forEach(function (k) { body[k] = extra[k]; });
      return body;
    });
  }

  function finish(data) {
    if (data.Success) {
      var form = document.getElementById("idForm_ProcessAuth");
      form.elements.mfaAuthMethod.value = method;
      form.elements.request.value = cfg.sCtx;
      Sandbox.submitForm(form);
    } else if (data.ResultValue === "PhoneAppDenied") {
      cfg.iErrorCode = 500121;
      show("denied");
    } else if (data.ResultValue === "PhoneAppNoResponse") {
      cfg.iErrorCode = 500121;
      show("timeout");
    } else {
      codeInput.value = "";
      codeError.textContent = cfg.oStrings.wrongCode;
      codeError.hidden = false;
    }
  }

  document.getElementById("idForm_SAOTCC").addEventListener("submit", function (event) {
    event.preventDefault();
    var code = codeInput.value.trim();
    if (!code) {
      codeError.textContent = cfg.oStrings.enterCode;
      codeError.hidden = false;
      return;
    }
    codeError.hidden = true;
    var entered = method;
    end({AdditionalAuthData: code, PollCount: 0}).then(function (data) {
      if (entered === method) { finish(data); }
    }, Sandbox.serviceError);
  });
  Array.prototype.forEach.call(document.querySelectorAll("#idDiv_SAOTCS_Proofs [data-value]"), function (tile) {
    Sandbox.onActivate(tile, function () { begin(tile.getAttribute("data-value")); });
  });
  Sandbox.onActivate(document.getElementById("signInAnotherWay"), function () {
    method = null;
    show("proofs");
  });

  // As Entra's page: the only method, or the system-preferred one, or the user's default
  // begins at once; the picker comes first only when no method is the default.
  var byDefault = proofs.filter(function (p) { return p.isDefault; })[0];
  if (proofs.length === 1) {
    begin(proofs[0].authMethodId);
  } else if (cfg.sSystemPreferredMethod) {
    begin(cfg.sSystemPreferredMethod);
  } else if (byDefault) {
    begin(byDefault.authMethodId);
  } else {
    show("proofs");
  }
})();
