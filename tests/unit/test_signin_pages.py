"""The HTTP path's reading of Entra's answers, its cookie rules and its remembered store."""

from __future__ import annotations

import http.cookiejar
import json
import stat
import urllib.request
from pathlib import Path

import pytest

from azlogin.redact import SECRETS
from azlogin.signin import entra_page, remembered
from azlogin.signin.http import cookies_of
from azlogin.signin.http_client import BrowserCookiePolicy, new_jar, proxy_for, user_agent

SIGN_IN = {
    "pgid": "ConvergedSignIn", "sFT": "ft1", "sCtx": "ctx1", "canary": "c1", "apiCanary": "a1",
    "urlPost": "/t/login", "urlGetCredentialType": "/common/GetCredentialType",
}  # fmt: skip


def page_with(config: dict[str, object], tail: str = "") -> str:
    script = f"//<![CDATA[\n$Config={json.dumps(config)};\nvar x = {{}};{tail}"
    return f"<html><script>{script}</script></html>"


def test_config_is_read_up_to_its_closing_brace_with_script_after_it() -> None:
    html = page_with(SIGN_IN, "if (a) { b(); }")
    assert entra_page.read_config(html) == SIGN_IN


def test_a_page_is_known_only_with_every_field_its_next_request_needs() -> None:
    assert entra_page.parse("https://h/t/saml2", 200, page_with(SIGN_IN)).kind == "sign-in"
    for missing in ("sFT", "canary", "urlPost"):
        config = {k: v for k, v in SIGN_IN.items() if k != missing}
        assert entra_page.parse("https://h/", 200, page_with(config)).kind is None, missing


def test_an_unknown_pgid_or_a_config_built_by_script_is_unknown() -> None:
    assert entra_page.parse("https://h/", 200, page_with({**SIGN_IN, "pgid": "New"})).kind is None
    disguised = '<script>$Config=JSON.parse(atob("e30="));</script>'
    assert entra_page.parse("https://h/", 200, disguised).kind is None


def test_the_hand_off_is_a_posting_hiddenform_that_carries_a_saml_response() -> None:
    form = (
        '<form name="hiddenform" method="POST" action="https://signin.aws.amazon.com/saml">'
        '<input type="hidden" name="SAMLResponse" value="PHNhbWw+"></form>'
    )
    page = entra_page.parse("https://h/t/login", 200, form)
    assert page.kind == "hand-off"
    assert page.handoff == entra_page.HandOff("https://signin.aws.amazon.com/saml", "PHNhbWw+")
    # AD FS's WS-Fed form has the same name but no SAMLResponse: not the hand-off.
    wsfed = (
        '<form name="hiddenform" method="POST" action="https://h/login.srf">'
        '<input name="wresult" value="x"></form>'
    )
    assert entra_page.parse("https://adfs/", 200, wsfed).handoff is None


def test_error_codes_come_from_config_and_the_shown_error_text() -> None:
    html = (
        page_with({**SIGN_IN, "sErrorCode": "50126"})
        + '<div id="passwordError">Wrong.</div><div id="usernameError" hidden>x</div>'
    )
    page = entra_page.parse("https://h/", 200, html)
    assert (page.error_code, page.error_text("usernameError", "passwordError")) == (
        "50126",
        "Wrong.",
    )


def cookie(
    name: str, *, secure: bool, domain: str = "127.0.0.1", expires: int | None = None
) -> http.cookiejar.Cookie:
    return http.cookiejar.Cookie(
        0, name, "v-" + name, None, False, domain, False, False, "/", True, secure, expires,
        expires is None, None, None, {"HttpOnly": ""},
    )  # fmt: skip


@pytest.mark.parametrize(
    ("url", "sent"),
    [
        ("http://127.0.0.1:8080/x", True),
        ("http://127.0.0.2/x", True),
        ("http://example.com/x", False),
    ],
)
def test_secure_cookies_go_to_loopback_over_http_as_browsers_send_them(
    url: str, sent: bool
) -> None:
    jar = new_jar()
    host = url.split("/")[2].split(":")[0]
    jar.set_cookie(cookie("ESTSAUTH", secure=True, domain=host))
    request = urllib.request.Request(url)
    jar.add_cookie_header(request)
    assert ("ESTSAUTH=" in (request.get_header("Cookie") or "")) is sent
    assert isinstance(jar._policy, BrowserCookiePolicy)


def test_cookies_keep_their_attributes_for_the_browser() -> None:
    jar = new_jar()
    jar.set_cookie(cookie("ESTSAUTHPERSISTENT", secure=True, expires=2_000_000_000))
    (c,) = cookies_of(jar)
    assert c == {
        "name": "ESTSAUTHPERSISTENT", "value": "v-ESTSAUTHPERSISTENT", "domain": "127.0.0.1",
        "path": "/", "expires": 2_000_000_000.0, "httpOnly": True, "secure": True,
        "sameSite": "Lax",
    }  # fmt: skip


def test_the_store_keeps_persistent_authority_cookies_0600_and_registers_them(
    tmp_path: Path,
) -> None:
    store = tmp_path / "sessions" / "k.json"
    base = {"path": "/", "expires": 2e9}
    cookies = [
        {**base, "name": "P", "value": "persistent-secret", "domain": ".login.example"},
        {**base, "name": "S", "value": "session-only", "domain": "login.example", "expires": -1},
        {**base, "name": "O", "value": "other-host", "domain": "elsewhere.example"},
    ]
    kept = remembered.for_host(cookies, "login.example")
    assert [c["name"] for c in kept] == ["P", "S"]
    assert remembered.save(store, kept, now=1e9) == 1
    assert stat.S_IMODE(store.stat().st_mode) == 0o600
    assert [c["name"] for c in remembered.load(store, now=1e9)] == ["P"]
    assert "persistent-secret" not in SECRETS.scrub("persistent-secret")
    assert remembered.load(store, now=3e9) == []  # expired: no session
    assert remembered.save(store, [], now=1e9) == 0 and not store.exists()


def test_an_unreadable_store_is_no_session(tmp_path: Path) -> None:
    store = tmp_path / "k.json"
    store.write_text("{not json")
    assert remembered.load(store) == []


@pytest.mark.parametrize(
    ("env", "url", "proxy"),
    [
        ({"HTTPS_PROXY": "http://p:3128"}, "https://login.microsoftonline.com", "http://p:3128"),
        ({"https_proxy": "p:3128"}, "https://login.microsoftonline.com", "http://p:3128"),
        (
            {"HTTPS_PROXY": "http://p:3128", "NO_PROXY": ".microsoftonline.com"},
            "https://login.microsoftonline.com",
            None,
        ),
        (
            {"HTTPS_PROXY": "http://p:3128", "NO_PROXY": "microsoftonline.com"},
            "https://login.microsoftonline.com",
            None,
        ),
        (
            {"HTTPS_PROXY": "http://p:3128", "NO_PROXY": "*"},
            "https://login.microsoftonline.com",
            None,
        ),
        ({"HTTPS_PROXY": "http://p:3128"}, "http://127.0.0.1:9", None),
        ({"HTTP_PROXY": "http://q:1", "NO_PROXY": "other.com"}, "http://127.0.0.1:9", "http://q:1"),
    ],
)
def test_the_proxy_is_decided_as_curl_decides_it(
    env: dict[str, str], url: str, proxy: str | None
) -> None:
    assert proxy_for(url, env) == proxy


def test_the_user_agent_is_chrome_s_reduced_one_with_the_major_version() -> None:
    ua = user_agent("120.0.6099.224", "linux")
    assert ua.endswith("Chrome/120.0.0.0 Safari/537.36") and "X11; Linux x86_64" in ua


def test_the_browser_is_answered_from_what_was_given_once_and_never_a_code() -> None:
    from azlogin.signin.handover import Given
    from azlogin.signin.replay import ReplayUI
    from azlogin.ui import Option

    class Asked:
        interactive = True

        def __init__(self) -> None:
            self.asked: list[str] = []

        def ask_username(self, default: str | None) -> str:
            self.asked.append("username")
            return "typed@example.com"

        def ask_password(self, username: str) -> str:
            self.asked.append("password")
            return "typed-password"

        def ask_code(self, description: str) -> str:
            self.asked.append("code")
            return "123456"

        def choose(
            self, question: str, options: object, default: object = None, **_: object
        ) -> str:
            self.asked.append("choose")
            return "work"

    inner = Asked()
    ui = ReplayUI(inner, Given("given@example.com", "given-password", {"Which?": "personal"}))  # type: ignore[arg-type]
    options = [Option("work", "Work"), Option("personal", "Personal")]
    assert ui.ask_username(None) == "given@example.com"
    assert ui.ask_password("given@example.com") == "given-password"
    assert ui.choose("Which?", options) == "personal"
    assert ui.ask_code("code") == "123456"  # single-use: always the person's (or TOTP's)
    assert inner.asked == ["code"]
    # Asked again, the page refused what was given: now the person answers.
    assert (ui.ask_username(None), ui.ask_password("x"), ui.choose("Which?", options)) == (
        "typed@example.com", "typed-password", "work",
    )  # fmt: skip
    assert inner.asked == ["code", "username", "password", "choose"]
