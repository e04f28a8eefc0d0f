"""Entra's protocol over plain HTTP (httpx), as the sandbox's own page scripts speak it:
$Config in, GetCredentialType, the login form, BeginAuth/EndAuth/ProcessAuth, KMSI, the
hand-off; as strict as Entra; and the disguise that makes a page unreadable over HTTP."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from azlogin.sandbox import Sandbox, Scenario
from tests.sandbox.entra_support import (
    PASSWORD,
    decode_response,
    saml2_url,
    totp_now,
    with_user,
)
from tests.sandbox.protocol_client import USER_AGENT, EntraClient, Page, hand_off_form, read_config

MakeSandbox = Callable[[Callable[[Scenario], None]], Sandbox]
ALICE, BOB, CAROL = "alice@sandbox.example", "bob@sandbox.example", "carol@sandbox.example"
_DISGUISED = re.compile(r'window\.\$Config=JSON\.parse\(atob\("([A-Za-z0-9+/=]+)"\)\);')


@pytest.fixture
def client() -> Iterator[EntraClient]:
    entra = EntraClient.new()
    yield entra
    entra.client.close()


def error_code(page: Page) -> int:
    code: int = page.config["iErrorCode"]
    return code


def identify(client: EntraClient, sandbox: Sandbox, username: str) -> dict[str, Any]:
    page = client.get(saml2_url(sandbox))
    assert (page.status, client.cfg["pgid"]) == (200, "ConvergedSignIn")
    answer = client.credential_type(username)
    assert answer.status_code == 200, answer.text
    data: dict[str, Any] = answer.json()
    return data


def to_password(client: EntraClient, sandbox: Sandbox, username: str) -> Page:
    identify(client, sandbox, username)
    return client.password(username, PASSWORD)


def disguised_config(text: str) -> dict[str, Any]:
    match = _DISGUISED.search(text)
    assert match, "no disguised $Config"
    config: dict[str, Any] = json.loads(base64.b64decode(match.group(1)))
    return config


# --- the whole sign-in -----------------------------------------------------------------------


def test_password_and_totp_over_http(sandbox: Sandbox, client: EntraClient) -> None:
    page = client.get(saml2_url(sandbox, request_id="_http-1", relay_state="relay-1"))
    cfg = client.cfg
    assert cfg["pgid"] == "ConvergedSignIn" and cfg["sFTName"] == "flowToken"
    assert cfg["urlPost"] == f"/{sandbox.scenario.tenants[0].tenant_id}/login"
    assert (cfg["sErrorCode"], cfg["iErrorCode"], cfg["hpgact"]) == ("", 0, 1800)
    first_canary = cfg["apiCanary"]

    data = client.credential_type(ALICE).json()
    assert (data["Username"], data["IfExistsResult"], data["ThrottleStatus"]) == (ALICE, 0, 0)
    assert data["Credentials"]["HasPassword"] and data["apiCanary"] != first_canary

    page = client.password(ALICE, "wrong")  # asked again: the sign-in page, password view
    assert (client.cfg["pgid"], client.cfg["sErrorCode"], error_code(page)) == (
        "ConvergedSignIn",
        "50126",
        50126,
    )
    assert client.cfg["sInitialView"] == "password" and 'id="passwordError"' in page.text

    page = client.password(ALICE, PASSWORD)
    cfg = client.cfg
    assert cfg["pgid"] == "ConvergedTFA"
    assert cfg["arrUserProofs"] == [
        {"authMethodId": "PhoneAppOTP", "isDefault": True, "display": "+X XXXXXXXX42"}
    ]
    assert cfg["urlPost"].endswith("/SAS/ProcessAuth") and cfg["urlBeginAuth"]

    begun = client.begin_auth("PhoneAppOTP")
    assert (begun["Success"], begun["ResultValue"], begun["Ctx"]) == (True, "Success", cfg["sCtx"])
    assert "Entropy" not in begun
    wrong = client.end_auth(begun, "000000")
    assert (wrong["Success"], wrong["Retry"], wrong["ResultValue"]) == (
        False,
        True,
        "OathCodeIncorrect",
    )
    right = client.end_auth(begun, totp_now())
    assert (right["Success"], right["ResultValue"]) == (True, "Success")
    assert len({begun["FlowToken"], wrong["FlowToken"], right["FlowToken"]}) == 3

    client.process_auth("PhoneAppOTP", ALICE)
    assert client.cfg["pgid"] == "KmsiInterrupt"
    page = client.kmsi(stay_signed_in=True)
    form = hand_off_form(page.text)
    assert form is not None and form["action"] == sandbox.acs_url
    assert form["RelayState"] == "relay-1"
    decoded = decode_response(form["SAMLResponse"])
    assert (decoded.name_id, decoded.in_response_to) == (ALICE, "_http-1")

    assert {agent for _, _, agent in sandbox.client_requests} == {USER_AGENT}
    cookies = {cookie.name: cookie for cookie in client.jar}
    assert set(cookies) == {"ESTSAUTH", "ESTSAUTHPERSISTENT"}  # the flow cookie is gone
    for cookie in cookies.values():
        assert cookie.secure and cookie.path == "/" and cookie.has_nonstandard_attr("HttpOnly")
        assert cookie.get_nonstandard_attr("SameSite") == "None"
    assert cookies["ESTSAUTH"].expires is None and cookies["ESTSAUTHPERSISTENT"].expires


def test_push_with_number_matching_polls(make_sandbox: MakeSandbox, client: EntraClient) -> None:
    sandbox = make_sandbox(with_user(CAROL, push="manual"))
    to_password(client, sandbox, CAROL)
    assert client.cfg["oPerAuthPollingInterval"] == {"PhoneAppNotification": 0.3}
    begun = client.begin_auth("PhoneAppNotification")
    assert begun["Entropy"] == 42  # known as soon as BeginAuth answers
    pending = client.end_auth(begun, poll=1)
    assert (pending["Success"], pending["ResultValue"], pending["Retry"]) == (
        False,
        "AuthenticationPending",
        True,
    )
    sandbox.approve_push(CAROL)
    done = client.end_auth(begun, poll=2)
    assert (done["Success"], done["ResultValue"]) == (True, "Success")
    client.process_auth("PhoneAppNotification", CAROL)
    page = client.kmsi(stay_signed_in=False)
    assert hand_off_form(page.text) is not None
    assert not [cookie for cookie in client.jar if cookie.name == "ESTSAUTHPERSISTENT"]


@pytest.mark.parametrize(
    ("username", "method", "code", "result", "retry"),
    [
        ("erin@sandbox.example", "OneWaySMS", "000000", "SMSAuthFailedWrongCodeEntered", True),
        ("denied@sandbox.example", "PhoneAppNotification", None, "PhoneAppDenied", False),
    ],
)
def test_mfa_failures(
    make_sandbox: MakeSandbox,
    client: EntraClient,
    username: str,
    method: str,
    code: str | None,
    result: str,
    retry: bool,
) -> None:
    sandbox = make_sandbox(with_user("denied@sandbox.example", push_delay_seconds=0.0))
    to_password(client, sandbox, username)
    answer = client.end_auth(client.begin_auth(method), code)
    assert (answer["Success"], answer["ResultValue"], answer["Retry"]) == (False, result, retry)


def test_push_not_answered(make_sandbox: MakeSandbox, client: EntraClient) -> None:
    sandbox = make_sandbox(with_user(CAROL, push="timeout", push_delay_seconds=0.0))
    to_password(client, sandbox, CAROL)
    answer = client.end_auth(client.begin_auth("PhoneAppNotification"))
    assert (answer["ResultValue"], answer["Retry"]) == ("PhoneAppNoResponse", False)


@pytest.mark.parametrize(
    ("username", "exists", "credentials"),
    [
        ("nobody@sandbox.example", 1, {}),
        ("grace@sandbox.example", 6, {}),
        ("frank@sandbox.example", 0, {"PrefCredential": 4}),
        ("federated@sandbox.example", 0, {"PrefCredential": 0}),
    ],
)
def test_credential_type_answers(
    sandbox: Sandbox, client: EntraClient, username: str, exists: int, credentials: dict[str, int]
) -> None:
    data = identify(client, sandbox, username)
    assert data["IfExistsResult"] == exists
    assert credentials.items() <= data["Credentials"].items()
    if username.startswith("frank"):
        assert data["Credentials"]["RemoteNgcParams"]["Entropy"] == 42
    if username.startswith("federated"):
        assert data["Credentials"]["FederationRedirectUrl"].startswith("http://127.0.0.1:9/adfs/")


def test_remembered_session_answers_from_the_cookie_alone(
    sandbox: Sandbox, client: EntraClient
) -> None:
    to_password(client, sandbox, BOB)
    client.kmsi(stay_signed_in=True)
    persistent = next(c for c in client.jar if c.name == "ESTSAUTHPERSISTENT")

    later = EntraClient.new()  # another process: only the persistent cookie is kept
    later.jar.set_cookie(persistent)
    page = later.get(saml2_url(sandbox, request_id="_again"))
    form = hand_off_form(page.text)
    assert form is not None
    assert decode_response(form["SAMLResponse"]).in_response_to == "_again"
    assert sandbox.sign_ins_by_user == {BOB: 2}

    sandbox.update_faults(account_picker=True)
    try:
        picker = later.get(saml2_url(sandbox))
        assert (later.cfg["pgid"], later.cfg["sInitialView"]) == ("ConvergedSignIn", "picker")
        assert f'data-test-id="{BOB}"' in picker.text
    finally:
        sandbox.update_faults(account_picker=False)


# --- as strict as Entra ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"canary": None}, 90014),
        ({"canary": "forged"}, 165000),
        ({"hpgrequestid": None}, 90014),
        ({"hpgrequestid": "00000000-0000-0000-0000-000000000000"}, 165000),
        ({"ctx": "another"}, 165000),
        ({"ctx": None}, 90014),
        ({"passwd": None, "password": PASSWORD}, 90014),  # Entra's names, exactly
        ({"loginfmt": None}, 90014),
        ({"type": "7"}, 90014),
        ({"flowToken": "forged"}, 165000),
    ],
)
def test_login_form_is_exact(
    sandbox: Sandbox, client: EntraClient, change: dict[str, str | None], code: int
) -> None:
    identify(client, sandbox, BOB)
    fields = client.login_fields(BOB, PASSWORD)
    for name, value in change.items():
        if value is None:
            del fields[name]
        else:
            fields[name] = value
    post_url = client.cfg["urlPost"]
    page = client.post_form(post_url, fields)
    assert (page.status, error_code(page)) == (400, code)
    # A refusal ends the flow: not even the right form gets through now.
    again = client.post_form(post_url, {**fields, **client.login_fields(BOB, PASSWORD)})
    assert error_code(again) == 165000 and sandbox.sign_ins == 0


def test_flow_tokens_are_single_use(sandbox: Sandbox, client: EntraClient) -> None:
    identify(client, sandbox, BOB)
    spent = client.login_fields(BOB, "wrong")
    client.password(BOB, "wrong")  # spends the sign-in page's token; the answer has a new one
    replay = client.post_form(client.cfg["urlPost"], spent)
    assert error_code(replay) == 165000


def test_mfa_tokens_are_single_use(sandbox: Sandbox, client: EntraClient) -> None:
    to_password(client, sandbox, ALICE)
    spent = client.cfg["sFT"]
    begun = client.begin_auth("PhoneAppOTP")
    client.cfg["sFT"] = spent  # as a client that kept the page's token would
    replay = client.call(
        "urlEndAuth",
        {
            "Method": "EndAuth",
            "AuthMethodId": "PhoneAppOTP",
            "Ctx": client.cfg["sCtx"],
            "FlowToken": spent,
            "SessionId": begun["SessionId"],
            "AdditionalAuthData": totp_now(),
        },
    )
    assert replay.status_code == 400 and replay.json()["error"]["code"] == 165000


@pytest.mark.parametrize(
    ("headers", "body", "code"),
    [
        ({"canary": None}, {}, 90014),
        ({"canary": "forged"}, {}, 165000),
        ({}, {"originalRequest": "another"}, 165000),
        ({}, {"originalRequest": None}, 90014),
        ({}, {"flowToken": "forged"}, 165000),
    ],
)
def test_credential_type_is_exact(
    sandbox: Sandbox,
    client: EntraClient,
    headers: dict[str, str | None],
    body: dict[str, str | None],
    code: int,
) -> None:
    client.get(saml2_url(sandbox))
    sent: dict[str, Any] = {
        "username": BOB,
        "isOtherIdpSupported": True,
        "originalRequest": client.cfg["sCtx"],
        "flowToken": client.cfg["sFT"],
        **body,
    }
    sent = {name: value for name, value in sent.items() if value is not None}
    answer = client.call("urlGetCredentialType", sent, **headers)
    assert answer.status_code == 400 and answer.json()["error"]["code"] == code


def test_an_api_canary_is_replaced_by_the_one_answered(
    sandbox: Sandbox, client: EntraClient
) -> None:
    client.get(saml2_url(sandbox))
    old = client.cfg["apiCanary"]
    assert client.credential_type(BOB).status_code == 200
    assert client.credential_type(BOB, canary=old).status_code == 400


def test_begin_auth_fields_are_capitalised(sandbox: Sandbox, client: EntraClient) -> None:
    to_password(client, sandbox, ALICE)
    body = {
        "AuthMethodId": "PhoneAppOTP",
        "Method": "BeginAuth",
        "ctx": client.cfg["sCtx"],  # not "Ctx"
        "FlowToken": client.cfg["sFT"],
    }
    answer = client.call("urlBeginAuth", body)
    assert answer.status_code == 400 and answer.json()["error"]["code"] == 90014


def test_process_auth_is_exact(sandbox: Sandbox, client: EntraClient) -> None:
    to_password(client, sandbox, "erin@sandbox.example")
    client.end_auth(client.begin_auth("OneWaySMS"), "246810")
    fields = client.process_auth_fields("OneWaySMS", "erin@sandbox.example")
    page = client.post_form(client.cfg["urlPost"], {**fields, "canary": client.cfg["apiCanary"]})
    assert error_code(page) == 165000  # the JSON canary is not the form's


# --- the disguise ------------------------------------------------------------------------------

# page name -> (user, that user's changes, how to reach the page after the first GET)
Reach = Callable[[EntraClient, Sandbox], Page]


def _sign_in_page(client: EntraClient, sandbox: Sandbox) -> Page:
    assert client.page is not None
    return client.page


def _after_password(username: str) -> Reach:
    def reach(client: EntraClient, sandbox: Sandbox) -> Page:
        client.credential_type(username)
        return client.password(username, PASSWORD)

    return reach


def _after_kmsi(client: EntraClient, sandbox: Sandbox) -> Page:
    _after_password(BOB)(client, sandbox)
    return client.kmsi(stay_signed_in=True)


def _picker(client: EntraClient, sandbox: Sandbox) -> Page:
    _after_kmsi(client, sandbox)
    sandbox.update_faults(account_picker=True)
    return client.get(saml2_url(sandbox))


DISGUISES: dict[str, tuple[str, dict[str, Any], Reach, str]] = {
    "sign-in": (BOB, {}, _sign_in_page, "ConvergedSignIn"),
    "pick-an-account": (BOB, {}, _picker, "ConvergedSignIn"),
    "tfa": (ALICE, {}, _after_password(ALICE), "ConvergedTFA"),
    "stay-signed-in": (BOB, {}, _after_password(BOB), "KmsiInterrupt"),
    "registration-nag": (
        BOB,
        {"mfa_registration_nag_days": 3},
        _after_password(BOB),
        "ConvergedProofUpRedirect",
    ),
    "proof-up": (BOB, {"mfa_registration_required": True}, _after_password(BOB), ""),
    "conditional-access": (BOB, {"conditional_access_blocked": True}, _after_password(BOB), ""),
    "password-expired": (BOB, {"password_expired": True}, _after_password(BOB), ""),
    "error": (BOB, {"apps": []}, _after_password(BOB), "ConvergedError"),
    "hand-off": (BOB, {}, _after_kmsi, ""),
}


@pytest.mark.parametrize("name", sorted(DISGUISES))
def test_a_disguised_page_has_no_config_or_form_in_its_source(
    make_sandbox: MakeSandbox, client: EntraClient, name: str
) -> None:
    username, changes, reach, pgid = DISGUISES[name]

    def change(scenario: Scenario) -> None:
        with_user(username, **changes)(scenario)
        # The first page comes before anyone is identified: only the scenario-wide switch.
        if name == "sign-in":
            scenario.faults.disguise = ["sign-in"]
        else:
            with_user(username, disguise=[name])(scenario)

    sandbox = make_sandbox(change)
    client.get(saml2_url(sandbox))
    page = reach(client, sandbox)
    assert read_config(page.text) is None
    if name == "hand-off":
        assert hand_off_form(page.text) is None
        for word in ("<form", "hiddenform", "SAMLResponse", "$Config"):
            assert word not in page.text
    else:
        config = disguised_config(page.text)
        assert config["pgid"] == (pgid or config["pgid"]) and "canary" in config


def test_unknown_disguise_names_are_refused(sandbox: Sandbox) -> None:
    with pytest.raises(ValueError, match="no page named tfaa"):
        sandbox.update_user(BOB, disguise=["tfaa"])
    assert sandbox.scenario.tenants[0].user(BOB).disguise == []  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="no page named"):
        Sandbox(Scenario()).update_faults(disguise=["everything"])


def test_the_users_list_names_the_disguised_user(sandbox: Sandbox) -> None:
    line = next(ln for ln in sandbox.users_text().splitlines() if "heidi@" in ln)
    assert "every page unreadable over plain HTTP" in line
