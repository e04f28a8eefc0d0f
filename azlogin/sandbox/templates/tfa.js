(function () {
  var cfg = Sandbox.cfg, show = Sandbox.show;
  var method = null;
  var codeInput = document.getElementById("idTxtBx_SAOTCC_OTC");
  var codeError = document.getElementById("idSpan_SAOTCC_Error_OTC");
  var sign = document.getElementById("idRichContext_DisplaySign");
  var pollCount = 0;

  function begin(authMethodId) {
    method = authMethodId;
    pollCount = 0;
    Sandbox.postJson(cfg.urlBeginAuth, {
      AuthMethodId: method, Method: "BeginAuth", flowToken: cfg.sFT
    }).then(function (data) {
      var text = cfg.oStrings[method];
      if (data.Entropy) { text = text.replace("{number}", data.Entropy); }
      if (method === "PhoneAppNotification" || method === "TwoWayVoiceMobile") {
        document.getElementById("idDiv_SAOTCAS_Description").textContent = text;
        sign.textContent = data.Entropy || "";
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
    window.setTimeout(function () {
      pollCount += 1;
      var polled = method;
      end({PollCount: pollCount}).then(function (data) {
        if (polled !== method) { return; }  // the user chose another method meanwhile
        if (data.ResultValue === "AuthenticationPending") { poll(); } else { finish(data); }
      }, Sandbox.serviceError);
    }, cfg.iPollingInterval);
  }

  function end(extra) {
    var body = {AuthMethodId: method, Method: "EndAuth", flowToken: cfg.sFT};
    Object.keys(extra).forEach(function (k) { body[k] = extra[k]; });
    return Sandbox.postJson(cfg.urlEndAuth, body);
  }

  function finish(data) {
    if (data.Success) {
      var form = document.getElementById("idForm_ProcessAuth");
      form.elements.mfaAuthMethod.value = method;
      form.submit();
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
    end({AdditionalAuthData: code}).then(finish, Sandbox.serviceError);
  });
  Array.prototype.forEach.call(document.querySelectorAll("#idDiv_SAOTCS_Proofs [data-value]"), function (tile) {
    Sandbox.onActivate(tile, function () { begin(tile.getAttribute("data-value")); });
  });
  Sandbox.onActivate(document.getElementById("signInAnotherWay"), function () {
    method = null;
    show("proofs");
  });

  if (cfg.arrUserProofs.length === 1) { begin(cfg.arrUserProofs[0].authMethodId); } else { show("proofs"); }
})();
