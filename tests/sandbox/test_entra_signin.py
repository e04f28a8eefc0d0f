"""The sign-in document in a real browser: username, password, tiles, phone sign-in,
federation, and the errors the first factor can end with."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, Route, expect

from azlogin.sandbox import Sandbox, Scenario
from tests.sandbox.entra_support import (
    PASSWORD,
    Capture,
    answer_kmsi,
    config_from_html,
    config_of,
    decode_response,
    enter_password,
    enter_username,
    expect_error,
    form_fields,
    saml2_url,
    sign_in,
)

pytestmark = pytest.mark.browser

BOB_ROLE = "arn:aws:iam::111111111111:role/Developer"
MakeSandbox = Callable[[Callable[[Scenario], None]], Sandbox]


def test_username_and_password_share_one_document(sandbox: Sandbox, page: Page) -> None:
    capture = Capture().install(page, sandbox.acs_url)
    page.goto(saml2_url(sandbox, request_id="_request-1", relay_state="relay-1"))
    assert config_of(page)["pgid"] == "ConvergedSignIn"
    page.evaluate("() => { window.marker = 'same document'; }")
    button = page.locator("#idSIButton9").element_handle()
    expect(page.locator("#i0118")).to_be_hidden()

    enter_username(page, "bob@sandbox.example")

    expect(page.locator("#i0118")).to_be_visible()
    expect(page.locator("#i0116")).to_be_hidden()
    expect(page.locator("#i0116")).to_have_class(re.compile(r"\bmoveOffScreen\b"))
    assert page.evaluate("() => window.marker") == "same document"
    assert button is not None and button.evaluate("b => b.isConnected && b.value") == "Sign in"
    assert page.locator("#displayName").inner_text() == "bob@sandbox.example"

    enter_password(page)
    answer_kmsi(page, stay_signed_in=False)
    form = capture.wait(page)

    assert form["RelayState"] == "relay-1"
    decoded = decode_response(form["SAMLResponse"])
    assert decoded.in_response_to == "_request-1"
    assert decoded.destination == sandbox.acs_url
    assert decoded.name_id == "bob@sandbox.example"
    assert decoded.roles == {BOB_ROLE}
    assert not [c for c in page.context.cookies() if c["name"] == "ESTSAUTHPERSISTENT"]
    assert sandbox.sign_ins_by_user == {"bob@sandbox.example": 1}
    log = repr(sandbox.request_log)
    assert PASSWORD not in log and "?" not in log and "SAMLRequest" not in log


def test_hand_off_page_is_a_self_submitting_form(sandbox: Sandbox, page: Page) -> None:
    handoff: list[str] = []

    def keep_handoff(route: Route) -> None:
        response = route.fetch()
        if "hiddenform" in response.text():
            handoff.append(response.text())
        route.fulfill(response=response)

    page.route(f"{sandbox.base_url}/kmsi", keep_handoff)
    Capture().install(page, sandbox.acs_url)
    page.goto(saml2_url(sandbox))
    sign_in(page, "bob@sandbox.example")
    answer_kmsi(page, stay_signed_in=False)
    expect(page.locator("#captured")).to_be_visible()

    html = handoff[0]
    assert f'<form method="POST" name="hiddenform" action="{sandbox.acs_url}">' in html
    assert 'name="SAMLResponse"' in html and 'name="RelayState"' in html
    assert "document.forms[0].submit()" in html and "<noscript>" in html


def test_unknown_user_stays_on_username_with_50034(sandbox: Sandbox, page: Page) -> None:
    page.goto(saml2_url(sandbox))
    enter_username(page, "nobody@sandbox.example")
    expect(page.locator("#usernameError")).to_be_visible()
    expect(page.locator("#usernameError")).to_contain_text("AADSTS50034")
    expect(page.locator("#i0116")).to_be_visible()
    expect(page.locator("#i0118")).to_be_hidden()
    assert config_of(page)["iErrorCode"] == 50034


def test_empty_password_is_refused_in_the_page(sandbox: Sandbox, page: Page) -> None:
    page.goto(saml2_url(sandbox))
    enter_username(page, "bob@sandbox.example")
    enter_password(page, "")
    expect(page.locator("#passwordError")).to_be_visible()
    assert ("POST", f"/{sandbox.scenario.tenants[0].tenant_id}/login") not in sandbox.request_log


@pytest.mark.parametrize(
    ("username", "password", "code"),
    [
        ("bob@sandbox.example", "wrong", 50126),
        ("locked@sandbox.example", PASSWORD, 50053),
    ],
)
def test_password_errors(
    sandbox: Sandbox, page: Page, username: str, password: str, code: int
) -> None:
    page.goto(saml2_url(sandbox))
    sign_in(page, username, password)
    expect(page.locator("#passwordError")).to_contain_text(f"AADSTS{code}")
    expect(page.locator("#service_exception_message")).to_be_hidden()
    expect(page.locator("#i0118")).to_be_visible()
    expect(page.locator("#i0116")).to_be_hidden()
    assert config_of(page)["iErrorCode"] == code


def test_disabled_user_gets_50057(make_sandbox: MakeSandbox, page: Page) -> None:
    sandbox = make_sandbox(
        lambda s: setattr(s.tenants[0].user("bob@sandbox.example"), "disabled", True)
    )
    page.goto(saml2_url(sandbox))
    sign_in(page, "bob@sandbox.example")
    expect(page.locator("#passwordError")).to_contain_text("AADSTS50057")
    assert config_of(page)["iErrorCode"] == 50057


def test_expired_password_goes_to_change_password(make_sandbox: MakeSandbox, page: Page) -> None:
    sandbox = make_sandbox(
        lambda s: setattr(s.tenants[0].user("bob@sandbox.example"), "password_expired", True)
    )
    page.goto(saml2_url(sandbox))
    sign_in(page, "bob@sandbox.example")
    expect(page.locator("#passwordError")).to_contain_text("AADSTS50055")
    expect_error(page, 50055, pgid="ConvergedChangePassword")


def test_smart_lockout_after_ten_wrong_passwords(sandbox: Sandbox, page: Page) -> None:
    page.goto(saml2_url(sandbox))
    login_url = f"{sandbox.base_url}/{sandbox.scenario.tenants[0].tenant_id}/login"
    form = {**form_fields(page, "#i0281"), "type": "11", "passwd": "wrong"}
    form["login"] = form["loginfmt"] = "bob@sandbox.example"
    for _ in range(10):  # the posts the page makes, each with the token its answer carries
        answer = page.request.post(login_url, form=form).text()
        assert "AADSTS50126" in answer
        config = config_from_html(answer)
        form.update(flowToken=config["sFT"], canary=config["canary"])
    page.goto(saml2_url(sandbox))  # the browser's page holds a spent token: a new sign-in
    sign_in(page, "bob@sandbox.example")
    expect(page.locator("#passwordError")).to_contain_text("AADSTS50053")


def test_work_tile_continues_to_password(sandbox: Sandbox, page: Page) -> None:
    capture = Capture().install(page, sandbox.acs_url)
    page.goto(saml2_url(sandbox))
    enter_username(page, "grace@sandbox.example")
    expect(page.locator("#aadTile")).to_be_visible()
    expect(page.locator("#msaTile")).to_be_visible()
    expect(page.locator("#idSIButton9")).to_be_hidden()
    page.locator("#aadTile").click()
    enter_password(page)
    answer_kmsi(page, stay_signed_in=False)
    assert decode_response(capture.wait(page)["SAMLResponse"]).name_id == "grace@sandbox.example"


def test_personal_tile_is_refused(sandbox: Sandbox, page: Page) -> None:
    page.goto(saml2_url(sandbox))
    enter_username(page, "grace@sandbox.example")
    page.locator("#msaTile").click()
    expect_error(page, 50020)


def test_federated_user_leaves_for_the_company_idp(sandbox: Sandbox, page: Page) -> None:
    seen: list[str] = []

    def adfs(route: Route) -> None:
        seen.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<p id=adfs>ADFS</p>")

    page.route("http://127.0.0.1:9/**", adfs)
    page.goto(saml2_url(sandbox))
    enter_username(page, "federated@sandbox.example")
    expect(page.locator("#adfs")).to_be_visible()
    assert seen[0].startswith("http://127.0.0.1:9/adfs/ls?username=federated%40sandbox.example")


def test_phone_sign_in_shows_the_number_and_skips_mfa(sandbox: Sandbox, page: Page) -> None:
    capture = Capture().install(page, sandbox.acs_url)
    page.goto(saml2_url(sandbox))
    enter_username(page, "frank@sandbox.example")
    expect(page.locator("#idRemoteNGC_DisplaySign")).to_have_text("42")
    expect(page.locator("#idDiv_RemoteNGC_PollingDescription")).to_be_visible()
    expect(page.locator("#idA_PWD_SwitchToPassword")).to_be_visible()
    expect(page.locator("#i0118")).to_be_hidden()
    sandbox.approve_push("frank@sandbox.example")
    answer_kmsi(page, stay_signed_in=False)
    assert decode_response(capture.wait(page)["SAMLResponse"]).name_id == "frank@sandbox.example"


def test_phone_sign_in_can_switch_to_password(sandbox: Sandbox, page: Page) -> None:
    page.goto(saml2_url(sandbox))
    enter_username(page, "frank@sandbox.example")
    page.locator("#idA_PWD_SwitchToPassword").click()
    enter_password(page)
    answer_kmsi(page, stay_signed_in=False)


def test_phone_sign_in_denied(sandbox: Sandbox, page: Page) -> None:
    sandbox.deny_push("frank@sandbox.example")  # answered before the phone even rings
    page.goto(saml2_url(sandbox))
    enter_username(page, "frank@sandbox.example")
    expect(page.locator("#idDiv_RemoteNGC_Error")).to_contain_text("AADSTS500121")
    expect(page.locator("#idRemoteNGC_DisplaySign")).to_be_hidden()


@pytest.mark.parametrize(
    ("username", "code", "pgid"),
    [
        ("noapp@sandbox.example", 50105, "ConvergedError"),
        ("blocked@sandbox.example", 53003, "ConvergedConditionalAccess"),
    ],
)
def test_policy_errors_after_password(
    sandbox: Sandbox, page: Page, username: str, code: int, pgid: str
) -> None:
    page.goto(saml2_url(sandbox))
    sign_in(page, username)
    expect_error(page, code, pgid)


def test_mfa_registration_required(sandbox: Sandbox, page: Page) -> None:
    page.goto(saml2_url(sandbox))
    sign_in(page, "proofup@sandbox.example")
    expect(page.locator("#idSubmit_ProofUp_Redirect")).to_be_visible()
    assert config_of(page)["pgid"] == "ConvergedProofUpRedirect"
    page.locator("#idSubmit_ProofUp_Redirect").click()
    expect_error(page, 50079)


def test_service_error_fault_ends_every_sign_in(make_sandbox: MakeSandbox, page: Page) -> None:
    sandbox = make_sandbox(lambda s: setattr(s.faults, "service_error", "AADSTS90033"))
    page.goto(saml2_url(sandbox))
    sign_in(page, "bob@sandbox.example")
    answer_kmsi(page, stay_signed_in=False)
    expect_error(page, 90033)
    assert sandbox.sign_ins == 0


def passkey(offer: str) -> Callable[[Scenario], None]:
    def change(scenario: Scenario) -> None:
        user = scenario.tenants[0].user("bob@sandbox.example")
        assert user is not None
        user.passkey = offer  # type: ignore[assignment]

    return change


@pytest.mark.parametrize("offer", ["offered", "only"])
def test_passkey_offer_and_other_ways_to_sign_in(
    make_sandbox: MakeSandbox, page: Page, offer: str
) -> None:
    sandbox = make_sandbox(passkey(offer))
    answers: list[dict[str, object]] = []
    page.on(
        "response",
        lambda r: answers.append(r.json()) if r.url.endswith("/GetCredentialType") else None,
    )
    page.goto(saml2_url(sandbox))
    enter_username(page, "bob@sandbox.example")
    expect(page.locator("#idA_PWD_SwitchToCredPicker")).to_be_visible()
    expect(page.locator("#i0118")).to_be_hidden()
    credentials = answers[0]["Credentials"]
    assert isinstance(credentials, dict) and credentials["FidoParams"]
    assert credentials["HasPassword"] is (offer == "offered")
    page.locator("#passkeyButton").click()  # no authenticator here: never a way in
    expect(page.locator("#passkeyError")).to_be_visible()
    page.locator("#idA_PWD_SwitchToCredPicker").click()
    use_password = page.locator('#credentialList [data-test-cred-id="1"]')
    expect(page.locator('#credentialList [data-test-cred-id="7"]')).to_be_visible()
    if offer == "only":
        expect(use_password).to_be_hidden()
        return
    use_password.click()
    enter_password(page)
    answer_kmsi(page, stay_signed_in=False)


def test_a_password_posted_for_a_passkey_only_account_is_refused(
    make_sandbox: MakeSandbox, page: Page
) -> None:
    sandbox = make_sandbox(passkey("only"))
    page.goto(saml2_url(sandbox))
    enter_username(page, "bob@sandbox.example")
    expect(page.locator("#idA_PWD_SwitchToCredPicker")).to_be_visible()
    # The login form as a password would post it, which the page never offers here.
    fields = {**form_fields(page, "#i0281"), "passwd": PASSWORD, "type": "11"}
    response = page.request.post(sandbox.base_url + config_of(page)["urlPost"], form=fields)
    assert config_from_html(response.text())["sErrorCode"] == "50126"
