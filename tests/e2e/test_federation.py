"""Federated tenants and the Defender for Cloud Apps proxy, end to end on each sign-in
path: the browser alone, HTTP alone, and HTTP handing over to the browser (issue 13,
items 5 and 6). The real CLI, real Chromium, the sandbox's Entra and its company IdP on
another 127.0.0.1 port, real boto3.
"""

from __future__ import annotations

import threading
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from azlogin import totp
from azlogin.sandbox import Sandbox
from tests.unit.test_console_endpoints import RecordingProxy

from .conftest import PASSWORD, TOTP_SECRET, Home
from .test_hybrid import browser_starts, started  # noqa: F401 - the fixture
from .test_interactive import spawn
from .test_login import caller_arn, run
from .test_prompts import asked_nothing_but, finish

ROLE = "arn:aws:iam::111111111111:role/Developer"
IVAN = "ivan@sandbox.example"  # the sandbox's AD FS forms page, then Entra's TOTP
JUDY = "judy@sandbox.example"  # another company IdP (not AD FS)
# path -> (azlogin_signin, pages the HTTP path cannot read, browser sessions started)
PATHS = {"browser": ("browser", [], 1), "http": ("auto", [], 0), "handover": ("auto", ["tfa"], 1)}


@pytest.fixture(params=list(PATHS))
def path(
    request: pytest.FixtureRequest, home: Home, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> str:
    signin, disguise, _ = PATHS[request.param]
    home.env["AZLOGIN_SIGNIN"] = signin
    monkeypatch.setenv("AZLOGIN_SIGNIN", signin)
    sandbox.update_faults(disguise=disguise)
    return str(request.param)


def test_adfs_asks_as_entra_does_then_entra_goes_on(
    home: Home,
    sandbox: Sandbox,
    path: str,
    browser_starts: Path,  # noqa: F811
) -> None:
    profile = home.profile(IVAN, azure_default_role_arn=ROLE)
    child = spawn(home, "--profile", profile)
    child.expect(f"Password for {IVAN}:")
    asked_nothing_but(child)  # the username was configured: Entra sent it on to AD FS
    child.sendline("not-the-password")
    child.expect("warning: Incorrect user ID or password")  # AD FS's #errorText
    asked_nothing_but(child, "Password for")
    child.expect(f"Password for {IVAN}:")  # asked again, as on Entra's page
    child.sendline(PASSWORD)
    child.expect("Verification code:")  # back at Entra: its MFA
    asked_nothing_but(child, "Password for")
    child.sendline(totp.code(TOTP_SECRET))
    finish(child, "Verification code:")
    assert caller_arn(profile).endswith(f"assumed-role/Developer/{IVAN}")
    assert sandbox.sign_ins_by_user == {IVAN: 1}
    log = sandbox.request_log
    assert log.count(("POST", "/adfs/ls/")) == 2  # a wrong password, then the right one
    # AD FS's hiddenform went to Entra once; it was never taken for the hand-off.
    assert log.count(("POST", "/login.srf")) == 1
    assert started(browser_starts) == PATHS[path][2]


@pytest.mark.parametrize("signin", ["browser", "auto", "http"])
def test_another_idp_without_a_person_is_a_clean_stop_naming_its_host(
    home: Home, sandbox: Sandbox, signin: str
) -> None:
    profile = home.profile(JUDY, azure_default_role_arn=ROLE)
    code, err = run(home, "--profile", profile, "--no-prompt", AZLOGIN_SIGNIN=signin,
                    AZURE_DEFAULT_PASSWORD=PASSWORD)  # fmt: skip
    assert code != 0
    assert urlsplit(sandbox.idp_url).netloc in err, err
    assert "Traceback" not in err and PASSWORD not in err
    assert ("POST", "/idp/signin") not in sandbox.request_log  # no password typed there
    assert sandbox.sign_ins == 0


class Transport:
    """Every host the HTTP path's client connects to (httpx's transport, at the socket)."""

    def __init__(self) -> None:
        self.hosts: list[str] = []


@pytest.fixture
def contacted(monkeypatch: pytest.MonkeyPatch) -> Transport:
    seen = Transport()
    real = httpx.HTTPTransport.handle_request

    def handle(self: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
        seen.hosts.append(request.url.host)
        return real(self, request)

    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", handle)
    return seen


@pytest.mark.parametrize("suffix", ["mcas.ms", "mcas-gov.us"])
def test_the_assertion_is_captured_at_the_mcas_proxy_never_sent_there(
    home: Home, sandbox: Sandbox, path: str, suffix: str, contacted: Transport
) -> None:
    sandbox.update_faults(mcas_suffix=suffix)
    proxy = RecordingProxy()
    threading.Thread(target=proxy.serve_forever, args=(0.05,), daemon=True).start()
    try:
        profile = home.profile("alice@sandbox.example", azure_default_role_arn=ROLE)
        # The browser sends what is not the sandbox through the proxy, which writes it down.
        code, err = run(home, "--profile", profile, "--no-prompt", HTTPS_PROXY=proxy.url,
                        NO_PROXY="127.0.0.1", AZURE_DEFAULT_PASSWORD=PASSWORD,
                        AZLOGIN_TOTP_SECRET=TOTP_SECRET)  # fmt: skip
    finally:
        proxy.shutdown()
        proxy.server_close()
    assert code == 0, err
    assert caller_arn(profile).endswith("assumed-role/Developer/alice@sandbox.example")
    mcas_host = f"signin.aws.amazon.com.{suffix}"
    # The browser: not even a connection. Chromium preconnects to a navigation's host as
    # it starts (here it would be a CONNECT); the proxy is bypassed for AWS's hosts, which
    # fail in Chromium's resolver with no lookup, and the POST itself was answered by the
    # capture (the sign-in succeeded).
    assert [r for r in proxy.requests() if suffix in r] == []
    assert mcas_host not in contacted.hosts  # the HTTP path: never connected
    assert ("POST", "/saml") not in sandbox.request_log  # nor posted to the sandbox's ACS
