(function () {
  var cfg = Sandbox.cfg, show = Sandbox.show;
  var form = document.getElementById("i0281");
  var button = document.getElementById("idSIButton9");
  var buttons = document.getElementById("idDiv_Buttons");
  var usernameInput = document.getElementById("i0116");
  var passwordInput = document.getElementById("i0118");
  var current = null;
  var credentials = null;

  function go(name) {
    current = name;
    show(name);
    if (name !== "username") { document.getElementById("usernameError").hidden = true; }
    // The primary button is the same element for "Next" and "Sign in".
    buttons.hidden = name !== "username" && name !== "password";
    button.value = name === "password" ? "Sign in" : "Next";
    if (name === "username") { usernameInput.focus(); }
    if (name === "password") { passwordInput.focus(); }
  }

  function fail(id, text, code) {
    var box = document.getElementById(id);
    box.textContent = text;
    box.hidden = false;
    if (code) { cfg.iErrorCode = code; }
  }

  function identify(username) {
    document.getElementById("usernameError").hidden = true;
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(username)) {
      fail("usernameError", cfg.oStrings.invalidUsername);
      return;
    }
    button.disabled = true;
    Sandbox.postJson(cfg.urlGetCredentialType, function () {
      return {
        username: username, isOtherIdpSupported: true, isRemoteNGCSupported: true,
        originalRequest: cfg.sCtx, flowToken: cfg.sFT
      };
    }).then(function (data) {
      button.disabled = false;
      form.elements.login.value = data.Username;
      document.getElementById("displayName").textContent = data.Display;
      credentials = data;
      if (data.IfExistsResult === 1) {
        go("username");
        fail("usernameError", cfg.oStrings.unknownUser, 50034);
      } else if (data.IfExistsResult === 6) {
        go("tiles");
      } else {
        proceed(data.Credentials);
      }
    }, function (data) { button.disabled = false; Sandbox.serviceError(data); });
  }

  function proceed(creds) {
    if (creds.FederationRedirectUrl) {
      window.location.assign(creds.FederationRedirectUrl);
    } else if (creds.RemoteNgcParams) {
      document.getElementById("idRemoteNGC_DisplaySign").textContent = creds.RemoteNgcParams.Entropy;
      go("ngc");
      poll();
    } else if (creds.FidoParams) {
      // "Use your password" is offered only to an account that has one.
      document.querySelector('#credentialList [data-test-cred-id="1"]').hidden = !creds.HasPassword;
      go("passkey");
    } else {
      go("password");
    }
  }

  function poll() {
    window.setTimeout(function () {
      if (current !== "ngc") { return; }
      Sandbox.postJson(cfg.urlSessionState, function () {
        return {originalRequest: cfg.sCtx, flowToken: cfg.sFT};
      }).then(function (data) {
        if (current !== "ngc") { return; }
        if (data.Status === "pending") {
          poll();
        } else if (data.Status === "approved") {
          form.elements.type.value = "22";
          Sandbox.submitForm(form);
        } else {
          document.getElementById("idRemoteNGC_DisplaySign").hidden = true;
          fail("idDiv_RemoteNGC_Error", cfg.oStrings["ngc_" + data.Status], 500121);
        }
      }, Sandbox.serviceError);
    }, cfg.iPollingInterval);
  }

  form.addEventListener("submit", function (event) {
    if (current === "password") {
      if (!passwordInput.value) {
        event.preventDefault();
        fail("passwordError", cfg.oStrings.enterPassword);
        return;
      }
      form.elements.type.value = "11";
      Sandbox.fillForm(form);
      button.disabled = true;
      return;  // a real form POST: the server answers with the next page
    }
    event.preventDefault();
    if (current === "username") { identify(usernameInput.value.trim()); }
  });

  Sandbox.onActivate(document.getElementById("aadTile"), function () { proceed(credentials.Credentials); });
  Sandbox.onActivate(document.getElementById("msaTile"), function () {
    window.location.assign(cfg.urlMsa + "?username=" + encodeURIComponent(form.elements.login.value));
  });
  Sandbox.onActivate(document.getElementById("otherTile"), function () {
    usernameInput.value = "";
    go("username");
  });
  Array.prototype.forEach.call(document.querySelectorAll("#tilesHolder [data-test-id]"), function (tile) {
    Sandbox.onActivate(tile, function () {
      var username = tile.getAttribute("data-test-id");
      usernameInput.value = username;
      if (tile.getAttribute("data-session") === "active") {
        form.elements.login.value = username;
        form.elements.type.value = "28";
        Sandbox.submitForm(form);
      } else {
        identify(username);
      }
    });
  });
  Sandbox.onActivate(document.getElementById("idA_PWD_SwitchToPassword"), function () { go("password"); });
  // The sandbox has no authenticator to ask: a passkey is something only a person's device does.
  Sandbox.onActivate(document.getElementById("passkeyButton"), function () {
    fail("passkeyError", cfg.oStrings.passkeyUnavailable);
  });
  Sandbox.onActivate(document.getElementById("idA_PWD_SwitchToCredPicker"), function () { go("credentials"); });
  Sandbox.onActivate(document.querySelector('#credentialList [data-test-cred-id="1"]'), function () { go("password"); });
  Sandbox.onActivate(document.querySelector('#credentialList [data-test-cred-id="7"]'), function () { go("passkey"); });

  go(cfg.sInitialView);
})();
