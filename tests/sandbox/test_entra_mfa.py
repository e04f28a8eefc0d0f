"""The "Verify your identity" page in a real browser: codes, pushes, calls, the method
picker, and the phone's answers (automatic per scenario, or from the control API)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from azlogin.sandbox import Sandbox, Scenario
from tests.sandbox.entra_support import (
    Capture,
    answer_kmsi,
    config_of,
    decode_response,
    form_fields,
    saml2_url,
    sign_in,
    totp_now,
    with_user,
)

pytestmark = pytest.mark.browser

MakeSandbox = Callable[[Callable[[Scenario], None]], Sandbox]
CAROL = "carol@sandbox.example"
DAVE = "dave@sandbox.example"


def start(sandbox: Sandbox, page: Page, username: str) -> None:
    page.goto(saml2_url(sandbox))
    sign_in(page, username)
    page.wait_for_function("() => window.$Config && window.$Config.pgid === 'ConvergedTFA'")


def test_authenticator_code(sandbox: Sandbox, page: Page) -> None:
    capture = Capture().install(page, sandbox.acs_url)
    start(sandbox, page, "alice@sandbox.example")
    expect(page.locator("#idDiv_SAOTCC_Description")).to_be_visible()
    expect(page.locator("#idDiv_SAOTCS_Proofs")).to_be_hidden()  # one method: no picker

    page.locator("#idTxtBx_SAOTCC_OTC").fill("000000")
    page.locator("#idSubmit_SAOTCC_Continue").click()
    expect(page.locator("#idSpan_SAOTCC_Error_OTC")).to_be_visible()

    page.locator("#idTxtBx_SAOTCC_OTC").fill(totp_now())
    page.locator("#idSubmit_SAOTCC_Continue").click()
    answer_kmsi(page, stay_signed_in=False)
    roles = decode_response(capture.wait(page)["SAMLResponse"]).roles
    assert roles == {
        "arn:aws:iam::111111111111:role/Developer",
        "arn:aws:iam::111111111111:role/team/platform/Admin",
        "arn:aws:iam::222222222222:role/ReadOnly",
    }


def test_sms_code(sandbox: Sandbox, page: Page) -> None:
    start(sandbox, page, "erin@sandbox.example")
    expect(page.locator("#idTxtBx_SAOTCC_OTC")).to_be_visible()
    page.locator("#idTxtBx_SAOTCC_OTC").fill("246810")
    page.locator("#idSubmit_SAOTCC_Continue").click()
    answer_kmsi(page, stay_signed_in=False)


def test_push_with_number_matching_is_approved_by_the_phone(sandbox: Sandbox, page: Page) -> None:
    start(sandbox, page, CAROL)
    expect(page.locator("#idDiv_SAOTCAS_Description")).to_be_visible()
    expect(page.locator("#idRichContext_DisplaySign")).to_have_text("42")
    # The simulated phone approves after push_delay_seconds; the page moves on by itself.
    answer_kmsi(page, stay_signed_in=False)


def test_push_denied_by_the_phone(sandbox: Sandbox, page: Page) -> None:
    start(sandbox, page, "denied@sandbox.example")
    expect(page.locator("#idDiv_SAASDS_Description")).to_be_visible()
    expect(page.locator("#idDiv_SAOTCAS_Description")).to_be_hidden()
    assert config_of(page)["iErrorCode"] == 500121


def test_push_not_answered(make_sandbox: MakeSandbox, page: Page) -> None:
    sandbox = make_sandbox(with_user(CAROL, push="timeout", push_delay_seconds=0.1))
    start(sandbox, page, CAROL)
    expect(page.locator("#idDiv_SAASTO_Description")).to_be_visible()
    assert config_of(page)["iErrorCode"] == 500121


@pytest.mark.parametrize("approve", [True, False])
def test_manual_push_waits_for_the_control_api(
    make_sandbox: MakeSandbox, page: Page, approve: bool
) -> None:
    sandbox = make_sandbox(with_user(CAROL, push="manual", push_delay_seconds=0.1))
    start(sandbox, page, CAROL)
    expect(page.locator("#idDiv_SAOTCAS_Description")).to_be_visible()
    assert sandbox.push_pending(CAROL)
    if approve:
        sandbox.approve_push(CAROL)
        answer_kmsi(page, stay_signed_in=False)
    else:
        sandbox.deny_push(CAROL)
        expect(page.locator("#idDiv_SAASDS_Description")).to_be_visible()
    assert not sandbox.push_pending(CAROL)


def test_without_a_default_method_the_picker_comes_first(
    make_sandbox: MakeSandbox, page: Page
) -> None:
    sandbox = make_sandbox(with_user(DAVE, mfa_default=False))  # no method is his default
    start(sandbox, page, DAVE)
    tiles = page.locator("#idDiv_SAOTCS_Proofs [data-value]")
    expect(tiles).to_have_count(4)
    values = [tiles.nth(i).get_attribute("data-value") for i in range(4)]
    assert values == ["PhoneAppNotification", "PhoneAppOTP", "OneWaySMS", "TwoWayVoiceMobile"]
    assert not any(p["isDefault"] for p in config_of(page)["arrUserProofs"])
    expect(page.locator("#signInAnotherWay")).to_be_hidden()  # nothing begun yet
    assert not sandbox.push_pending(DAVE)

    sandbox.approve_push(DAVE)  # the call is answered as soon as it rings
    page.locator('[data-value="TwoWayVoiceMobile"]').click()
    expect(page.locator("#idDiv_SAOTCAS_Description")).to_be_visible()
    expect(page.locator("#idRichContext_DisplaySign")).to_be_hidden()
    answer_kmsi(page, stay_signed_in=False)


def test_the_default_method_begins_at_once_and_another_way_switches(
    make_sandbox: MakeSandbox, page: Page
) -> None:
    # The phone never answers: only the switch can finish.
    sandbox = make_sandbox(with_user(DAVE, push="manual"))
    start(sandbox, page, DAVE)  # Dave's default: push, begun as the page loads
    expect(page.locator("#idRichContext_DisplaySign")).to_have_text("42")
    assert sandbox.push_pending(DAVE)
    expect(page.locator("#idDiv_SAOTCS_Proofs")).to_be_hidden()
    page.locator("#signInAnotherWay").click()
    page.locator('[data-value="PhoneAppOTP"]').click()
    expect(page.locator("#signInAnotherWay")).to_be_visible()  # from the code view as well
    page.locator("#idTxtBx_SAOTCC_OTC").fill(totp_now())
    page.locator("#idSubmit_SAOTCC_Continue").click()
    answer_kmsi(page, stay_signed_in=False)


def test_process_auth_before_verification_is_refused(sandbox: Sandbox, page: Page) -> None:
    start(sandbox, page, "erin@sandbox.example")
    expect(page.locator("#idTxtBx_SAOTCC_OTC")).to_be_visible()
    # The page's own ProcessAuth form, complete and with the latest token, but too early.
    fields = {**form_fields(page, "#idForm_ProcessAuth"), "mfaAuthMethod": "OneWaySMS"}
    fields["flowToken"] = config_of(page)["sFT"]
    response = page.request.post(sandbox.base_url + config_of(page)["urlPost"], form=fields)
    assert '"iErrorCode":500121' in response.text()


def test_system_preferred_push_starts_at_once_and_another_way_opens_the_picker(
    make_sandbox: MakeSandbox, page: Page
) -> None:
    # The user's default: the code (the first of mfa); Entra starts push all the same.
    mfa = ["PhoneAppOTP", "PhoneAppNotification"]
    sandbox = make_sandbox(with_user(DAVE, mfa=mfa, system_preferred_mfa=True, push="manual"))
    start(sandbox, page, DAVE)
    expect(page.locator("#idRichContext_DisplaySign")).to_have_text("42")  # push, not the picker
    assert sandbox.push_pending(DAVE)
    proofs = config_of(page)["arrUserProofs"]
    assert [p["authMethodId"] for p in proofs if p["isDefault"]] == ["PhoneAppOTP"]
    page.locator("#signInAnotherWay").click()
    page.locator('[data-value="PhoneAppOTP"]').click()
    page.locator("#idTxtBx_SAOTCC_OTC").fill(totp_now())
    page.locator("#idSubmit_SAOTCC_Continue").click()
    answer_kmsi(page, stay_signed_in=False)
