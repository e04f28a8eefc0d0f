"""The HTTP path's first factor beyond the password: what it takes, hands over or stops at
when GetCredentialType offers phone sign-in or a passkey, and phone sign-in's polling,
whose endpoint is not public: an answer it does not know goes to the browser."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from azlogin.errors import SignInError
from azlogin.models import Profile, SignInOptions
from azlogin.signin import entra_page
from azlogin.signin.handover import HandOverNeeded
from azlogin.signin.http import HttpSignIn
from azlogin.signin.http_client import new_jar
from azlogin.signin.http_phone import first_factor, phone_sign_in
from tests.fakes import ScriptedUI

SIGN_IN = {
    "pgid": "ConvergedSignIn", "sFT": "ft1", "sCtx": "ctx1", "canary": "c1", "apiCanary": "a1",
    "urlPost": "/t/login", "urlGetCredentialType": "/common/GetCredentialType",
    "urlSessionState": "/common/poll", "iPollingInterval": 300, "sessionId": "s1",
}  # fmt: skip
NGC = {"SessionIdentifier": "s1", "Entropy": 73}


def sign_in(answers: list[Any], ui: ScriptedUI, **profile: Any) -> tuple[HttpSignIn, list[str]]:
    """An HTTP sign-in whose host answers each request with the next of ``answers``."""
    sent: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request.url.path)
        return httpx.Response(200, json=answers.pop(0))

    client = httpx.Client(transport=httpx.MockTransport(answer), base_url="https://login.test")
    settings = Profile("p", "t.example", "https://signin.aws.amazon.com/saml", **profile)
    flow = HttpSignIn(client, new_jar(), settings, ui, SignInOptions(),
                      sleep=lambda _: None, monotonic=lambda: 0.0, page_seconds=5)  # fmt: skip
    return flow, sent


def page(**config: Any) -> entra_page.EntraPage:
    html = f"<html><script>$Config={json.dumps({**SIGN_IN, **config})};</script></html>"
    return entra_page.parse("https://login.test/t/saml2", 200, html)


def test_a_poll_answer_it_does_not_know_hands_over_at_the_same_page() -> None:
    ui = ScriptedUI()
    flow, sent = sign_in([{"Status": "pending"}, {"Status": "Waiting"}], ui)
    with pytest.raises(HandOverNeeded) as raised:
        phone_sign_in(flow, page(), NGC)
    assert raised.value.handover.page.config == page().config  # nothing on it was spent
    assert ui.shown_numbers == ["73"]  # shown once, at once
    assert sent == ["/common/poll", "/common/poll"]  # and never the login form


def test_a_page_naming_no_polling_endpoint_hands_over_before_showing_anything() -> None:
    ui = ScriptedUI()
    flow, sent = sign_in([], ui)
    with pytest.raises(HandOverNeeded):
        phone_sign_in(flow, page(urlSessionState=None), NGC)
    assert (ui.shown_numbers, sent) == ([], [])


def test_a_denied_phone_sign_in_stops_with_its_code() -> None:
    flow, _ = sign_in([{"Status": "denied"}], ScriptedUI())
    with pytest.raises(SignInError, match="AADSTS500121"):
        phone_sign_in(flow, page(), NGC)


@pytest.mark.parametrize(
    ("creds", "first", "interactive", "outcome"),
    [
        ({"HasPassword": True, "RemoteNgcParams": NGC}, None, True, "phone"),
        ({"HasPassword": True, "RemoteNgcParams": NGC}, "password", True, "password"),
        ({"HasPassword": False, "RemoteNgcParams": NGC}, "password", True, "phone"),
        ({"HasPassword": True, "RemoteNgcParams": {"Entropy": None}}, None, True, "hand over"),
        ({"HasPassword": True, "FidoParams": {"AllowList": []}}, None, False, "password"),
        ({"HasPassword": False, "FidoParams": {"AllowList": []}}, None, True, "hand over"),
        ({"HasPassword": False, "FidoParams": {"AllowList": []}}, None, False, "passkey"),
        ({"HasPassword": False}, None, True, "hand over"),
    ],
)
def test_what_the_first_factor_is(
    creds: dict[str, Any], first: str | None, interactive: bool, outcome: str
) -> None:
    flow, _ = sign_in([], ScriptedUI(interactive=interactive), first_factor=first)
    flow.display = True  # a visible window could be offered
    assert taken_first(flow, creds) == outcome


def taken_first(flow: HttpSignIn, creds: dict[str, Any]) -> str:
    try:
        return "password" if first_factor(flow, page(), creds) is None else "phone"
    except HandOverNeeded:
        return "hand over"
    except SignInError as exc:
        return "passkey" if "only with a passkey" in exc.message else exc.message


@pytest.mark.parametrize(("display", "signin"), [(False, "auto"), (True, "http")])
def test_a_passkey_only_account_stops_without_a_browser_when_no_window_can_be_offered(
    display: bool, signin: str
) -> None:
    # A person is at the terminal, but with no display (or no browser allowed) the browser
    # could only stop with the same error: it is not started for that.
    flow, _ = sign_in([], ScriptedUI(interactive=True), signin=signin)
    flow.display = display
    assert taken_first(flow, {"HasPassword": False, "FidoParams": {"AllowList": []}}) == "passkey"
