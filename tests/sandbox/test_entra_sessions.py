"""Sessions in a real browser: "stay signed in", single sign-on, "pick an account",
sign-out, ForceAuthn/IsPassive, and the flow's cookie and token rules."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from azlogin.sandbox import Sandbox, Scenario
from tests.sandbox.entra_support import (
    Capture,
    answer_kmsi,
    config_of,
    decode_response,
    enter_password,
    expect_error,
    saml2_url,
    sign_in,
    totp_now,
)

pytestmark = pytest.mark.browser

MakeSandbox = Callable[[Callable[[Scenario], None]], Sandbox]
BOB = "bob@sandbox.example"
ALICE = "alice@sandbox.example"


def remember(sandbox: Sandbox, page: Page, capture: Capture, username: str = BOB) -> None:
    """A first sign-in that answers "stay signed in?" with Yes."""
    expected = len(capture.posts) + 1
    page.goto(saml2_url(sandbox))
    sign_in(page, username)
    answer_kmsi(page, stay_signed_in=True)
    capture.wait(page, expected)


def always_pick(scenario: Scenario) -> None:
    scenario.faults.account_picker = True


def test_stay_signed_in_skips_the_next_sign_in(sandbox: Sandbox, page: Page) -> None:
    capture = Capture().install(page, sandbox.acs_url)
    remember(sandbox, page, capture)
    cookies = {c["name"]: c for c in page.context.cookies()}
    cookie = cookies["ESTSAUTHPERSISTENT"]
    assert cookie["expires"] > time.time() + 30 * 86400
    assert cookies["ESTSAUTH"]["expires"] == -1  # a session cookie
    # As the real host sets them; Chromium keeps Secure cookies of http://127.0.0.1 (a secure
    # context) and sends them back, which the silent second sign-in below proves.
    for name in ("ESTSAUTH", "ESTSAUTHPERSISTENT"):
        assert cookies[name]["httpOnly"] and cookies[name]["secure"]
        assert (cookies[name]["sameSite"], cookies[name]["path"]) == ("None", "/")

    page.goto("about:blank")
    page.goto(saml2_url(sandbox, request_id="_second"))
    second = decode_response(capture.wait(page, 2)["SAMLResponse"])
    assert (second.name_id, second.in_response_to) == (BOB, "_second")
    assert sandbox.sign_ins_by_user == {BOB: 2}
    assert sandbox.request_log.count(("POST", "/common/GetCredentialType")) == 1


def test_no_to_stay_signed_in_asks_again(sandbox: Sandbox, page: Page) -> None:
    capture = Capture().install(page, sandbox.acs_url)
    page.goto(saml2_url(sandbox))
    sign_in(page, BOB)
    answer_kmsi(page, stay_signed_in=False)
    capture.wait(page)
    page.goto(saml2_url(sandbox))
    expect(page.locator("#i0116")).to_be_visible()


def test_pick_an_account_when_the_scenario_asks(make_sandbox: MakeSandbox, page: Page) -> None:
    sandbox = make_sandbox(always_pick)
    capture = Capture().install(page, sandbox.acs_url)
    remember(sandbox, page, capture)

    page.goto(saml2_url(sandbox))
    expect(page.locator("#tilesHolder")).to_be_visible()
    expect(page.locator("#otherTile")).to_be_visible()
    expect(page.locator("#i0116")).to_be_hidden()
    assert config_of(page)["pgid"] == "ConvergedSignIn"
    page.locator(f'#tilesHolder [data-test-id="{BOB}"]').click()
    assert decode_response(capture.wait(page, 2)["SAMLResponse"]).name_id == BOB


def test_use_another_account_then_both_are_offered(make_sandbox: MakeSandbox, page: Page) -> None:
    sandbox = make_sandbox(always_pick)
    capture = Capture().install(page, sandbox.acs_url)
    remember(sandbox, page, capture)

    page.goto(saml2_url(sandbox))
    page.locator("#otherTile").click()
    sign_in(page, ALICE)
    page.locator("#idTxtBx_SAOTCC_OTC").fill(totp_now())
    page.locator("#idSubmit_SAOTCC_Continue").click()
    answer_kmsi(page, stay_signed_in=True)
    assert decode_response(capture.wait(page, 2)["SAMLResponse"]).name_id == ALICE

    sandbox.update_faults(account_picker=False)  # several accounts: the picker regardless
    page.goto(saml2_url(sandbox))
    tiles = page.locator("#tilesHolder [data-test-id]")
    expect(tiles).to_have_count(2)
    assert {tiles.nth(i).get_attribute("data-test-id") for i in range(2)} == {BOB, ALICE}


def test_signed_out_account_is_offered_but_asks_for_the_password(
    sandbox: Sandbox, page: Page
) -> None:
    capture = Capture().install(page, sandbox.acs_url)
    remember(sandbox, page, capture)
    page.goto(f"{sandbox.base_url}/common/oauth2/logout")

    page.goto(saml2_url(sandbox))
    tile = page.locator(f'#tilesHolder [data-test-id="{BOB}"]')
    expect(tile).to_have_attribute("data-session", "signedout")
    page.evaluate("() => { window.marker = 'same document'; }")
    tile.click()
    expect(page.locator("#i0118")).to_be_visible()
    assert page.evaluate("() => window.marker") == "same document"
    enter_password(page)
    answer_kmsi(page, stay_signed_in=False)
    capture.wait(page, 2)


def test_force_authn_ignores_the_session(sandbox: Sandbox, page: Page) -> None:
    capture = Capture().install(page, sandbox.acs_url)
    remember(sandbox, page, capture)
    page.goto(saml2_url(sandbox, attrs=' ForceAuthn="true"'))
    expect(page.locator("#i0116")).to_be_visible()


def test_passive_request(sandbox: Sandbox, page: Page) -> None:
    capture = Capture().install(page, sandbox.acs_url)
    page.goto(saml2_url(sandbox, is_passive=True))
    expect_error(page, 50058)
    remember(sandbox, page, capture)
    page.goto(saml2_url(sandbox, is_passive=True))
    capture.wait(page, 2)


def test_unknown_persistent_cookie_is_ignored(
    sandbox: Sandbox, context: BrowserContext, page: Page
) -> None:
    context.add_cookies([{"name": "ESTSAUTHPERSISTENT", "value": "stale", "url": sandbox.base_url}])
    page.goto(saml2_url(sandbox))
    expect(page.locator("#i0116")).to_be_visible()


def test_flow_needs_its_cookie_and_token(
    sandbox: Sandbox, page: Page, context: BrowserContext
) -> None:
    page.goto(saml2_url(sandbox))
    (flow_cookie,) = context.cookies()
    assert flow_cookie["name"] == "esctx" and flow_cookie["secure"] and flow_cookie["httpOnly"]
    token = config_of(page)["sFT"]
    login = f"{sandbox.base_url}/{sandbox.scenario.tenants[0].tenant_id}/login"
    form = {"login": BOB, "passwd": "Passw0rd!"}

    wrong_token = page.request.post(login, form={**form, "flowToken": "forged"})
    assert wrong_token.status == 400 and '"iErrorCode":165000' in wrong_token.text()

    page.goto(saml2_url(sandbox))  # the failure ended that flow: start another
    context.clear_cookies()
    no_cookie = page.request.post(login, form={**form, "flowToken": config_of(page)["sFT"]})
    assert no_cookie.status == 400 and '"iErrorCode":165000' in no_cookie.text()
    assert token != config_of(page)["sFT"]


def test_a_spent_flow_cannot_be_replayed(sandbox: Sandbox, page: Page) -> None:
    capture = Capture().install(page, sandbox.acs_url)
    page.goto(saml2_url(sandbox))
    sign_in(page, BOB)
    expect(page.locator("#KmsiDescription")).to_be_visible()
    token = config_of(page)["sFT"]
    answer_kmsi(page, stay_signed_in=False)
    capture.wait(page)
    replay = page.request.post(
        f"{sandbox.base_url}/kmsi", form={"flowToken": token, "LoginOptions": "3"}
    )
    assert '"iErrorCode":165000' in replay.text()
    assert sandbox.sign_ins == 1
