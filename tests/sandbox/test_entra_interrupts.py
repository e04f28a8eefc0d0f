"""Interrupt pages of the gallery, one test per page that needs more than the flows show."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from playwright.sync_api import Page, expect

from azlogin.sandbox import Sandbox, Scenario
from tests.sandbox.entra_support import Capture, answer_kmsi, config_of, saml2_url, sign_in

pytestmark = pytest.mark.browser

MakeSandbox = Callable[[Callable[[Scenario], None]], Sandbox]
BOB = "bob@sandbox.example"


def test_registration_nag_is_skipped_once(make_sandbox: MakeSandbox, page: Page) -> None:
    sandbox = make_sandbox(
        lambda s: setattr(s.tenants[0].user(BOB), "mfa_registration_nag_days", 14)
    )
    capture = Capture().install(page, sandbox.acs_url)
    page.goto(saml2_url(sandbox))
    sign_in(page, BOB)
    skip = page.locator("#idA_SkipMfaRegistration")
    expect(skip).to_contain_text("14 days until this is required")
    expect(page.locator("#btnAskLater")).to_be_visible()
    config = config_of(page)
    assert (config["pgid"], config["iErrorCode"], config["sErrorCode"]) == (
        "ConvergedProofUpRedirect",
        50203,
        "50203",
    )
    assert config["iRemainingDays"] == 14
    skip_url = urljoin(page.url, config["urlSkipMfaRegistration"])
    assert urlsplit(skip_url).path == "/common/resume"
    assert parse_qs(urlsplit(skip_url).query) == {
        "ctx": [config["sCtx"]],
        "flowtoken": [config["sFT"]],
        "skipmfaregistration": ["1"],
    }

    skip.click()
    expect(page.locator("#KmsiDescription")).to_be_visible()
    replay = page.request.get(skip_url)  # the flow token it carries is spent
    assert replay.status == 400 and '"iErrorCode":165000' in replay.text()
    assert sandbox.sign_ins == 0

    page.goto(saml2_url(sandbox))  # a new sign-in asks again; "Ask later" skips it too
    sign_in(page, BOB)
    page.locator("#btnAskLater").click()
    answer_kmsi(page, stay_signed_in=False)
    capture.wait(page)
    assert sandbox.sign_ins_by_user == {BOB: 1}
