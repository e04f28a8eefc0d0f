"""Disguised pages in a real browser: the same DOM and runtime ``$Config`` as the plain
ones, so a browser signs in exactly as before while an HTTP client cannot read them."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, Route, expect

from azlogin.sandbox import Sandbox
from tests.sandbox.entra_support import (
    Capture,
    answer_kmsi,
    config_of,
    decode_response,
    saml2_url,
    sign_in,
    totp_now,
)

pytestmark = pytest.mark.browser

ALICE, HEIDI = "alice@sandbox.example", "heidi@sandbox.example"  # the same, but disguised
# Values that differ between any two pages, disguised or not.
PER_PAGE = {"sFT", "sCtx", "canary", "apiCanary", "correlationId", "sessionId"}


def tfa_config(sandbox: Sandbox, page: Page, username: str) -> dict[str, Any]:
    page.goto(saml2_url(sandbox))
    sign_in(page, username)
    expect(page.locator("#idTxtBx_SAOTCC_OTC")).to_be_visible()
    return config_of(page)


def test_the_browser_sees_the_same_page(sandbox: Sandbox, page: Page) -> None:
    plain = tfa_config(sandbox, page, ALICE)
    plain_ids = page.evaluate("() => [...document.querySelectorAll('[id]')].map(e => e.id)")
    disguised = tfa_config(sandbox, page, HEIDI)
    assert "$Config={" not in page.content()  # the source has no JSON literal ...
    assert {k: v for k, v in disguised.items() if k not in PER_PAGE} == {
        k: v for k, v in plain.items() if k not in PER_PAGE
    }  # ... yet the page's $Config is the same
    assert disguised.keys() == plain.keys()
    ids = page.evaluate("() => [...document.querySelectorAll('[id]')].map(e => e.id)")
    assert ids == plain_ids


def test_a_disguised_sign_in_completes_in_the_browser(sandbox: Sandbox, page: Page) -> None:
    handoffs: list[str] = []

    def keep(route: Route) -> None:
        response = route.fetch()
        handoffs.append(response.text())
        route.fulfill(response=response)

    page.route(f"{sandbox.base_url}/kmsi", keep)
    capture = Capture().install(page, sandbox.acs_url)
    page.goto(saml2_url(sandbox, relay_state="relay-h"))
    sign_in(page, HEIDI)
    page.locator("#idTxtBx_SAOTCC_OTC").fill(totp_now())
    page.locator("#idSubmit_SAOTCC_Continue").click()
    answer_kmsi(page, stay_signed_in=True)
    form = capture.wait(page)
    assert decode_response(form["SAMLResponse"]).name_id == HEIDI
    assert form["RelayState"] == "relay-h"
    assert handoffs and "hiddenform" not in handoffs[0] and "<form" not in handoffs[0]

    page.goto(saml2_url(sandbox))  # remembered: the disguised hand-off straight away
    assert decode_response(capture.wait(page, 2)["SAMLResponse"]).name_id == HEIDI
    agents = {agent for _, path, agent in sandbox.client_requests if path != "/saml"}
    assert len(agents) == 1 and "Chrome" in agents.pop()
