"""The federated sign-in in the sandbox (the company IdP on its own port, WS-Fed back to
Entra, strict about the token and the wctx) and the Defender for Cloud Apps proxy fault."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from lxml import html as lxml_html

from azlogin.sandbox import Sandbox, Scenario, wsfed
from tests.sandbox.entra_support import PASSWORD, decode_response, saml2_url
from tests.sandbox.protocol_client import EntraClient, Page, hand_off_form

IVAN = "ivan@sandbox.example"  # AD FS forms page, then Entra's TOTP
JUDY = "judy@sandbox.example"  # another IdP's page


@pytest.fixture
def client() -> Iterator[EntraClient]:
    entra = EntraClient.new()
    yield entra
    entra.client.close()


def to_idp(client: EntraClient, sandbox: Sandbox, username: str) -> Page:
    client.get(saml2_url(sandbox))
    answer = client.credential_type(username).json()
    redirect = answer["Credentials"]["FederationRedirectUrl"]
    assert redirect.startswith(sandbox.idp_url + "/")
    assert sandbox.idp_url != sandbox.base_url  # another host:port to a browser
    return client.get(redirect)


def adfs_form(page: Page) -> tuple[str, dict[str, str]]:
    doc = lxml_html.document_fromstring(page.text)
    (form,) = doc.xpath("//form[@id='loginForm']")
    fields = {el.get("name"): el.get("value") or "" for el in form.xpath(".//input[@name]")}
    return form.get("action"), fields


def adfs_sign_in(client: EntraClient, page: Page, password: str) -> Page:
    action, fields = adfs_form(page)
    return client.post_form(action, {**fields, "Password": password})


def test_adfs_forms_page_then_ws_fed_back_to_entra_then_mfa(
    sandbox: Sandbox, client: EntraClient
) -> None:
    page = to_idp(client, sandbox, IVAN)
    assert "$Config" not in page.text
    action, fields = adfs_form(page)
    assert fields == {"UserName": IVAN, "Password": "", "AuthMethod": "FormsAuthentication"}
    assert "wctx=" in action
    doc = lxml_html.document_fromstring(page.text)
    assert doc.xpath("//span[@id='submitButton'][@role='button']")
    wrong = adfs_sign_in(client, page, "wrong")
    assert "Incorrect user ID or password" in lxml_html.document_fromstring(wrong.text).xpath(
        "string(//*[@id='errorText'])"
    )
    back = adfs_sign_in(client, wrong, PASSWORD)
    form = hand_off_form(back.text)
    assert form is not None and "SAMLResponse" not in form  # a WS-Fed form, not the hand-off
    assert form["action"] == f"{sandbox.base_url}/login.srf"
    assert set(form) == {"action", "wa", "wresult", "wctx"} and form["wa"] == "wsignin1.0"
    fields = {k: v for k, v in form.items() if k != "action"}
    tfa = client.post_form(form["action"], fields)
    assert client.cfg["pgid"] == "ConvergedTFA", tfa.text[:300]
    # The wctx (and the token in wresult) is single-use: the same answer again is refused.
    again = client.post_form(form["action"], fields)
    assert again.status == 400 and "AADSTS165000" in again.text
    assert ("POST", "/adfs/ls/") in sandbox.request_log


@pytest.mark.parametrize("tamper", ["upn", "signature", "wctx"])
def test_entra_refuses_a_ws_fed_answer_it_did_not_ask_for(
    sandbox: Sandbox, client: EntraClient, tamper: str
) -> None:
    back = adfs_sign_in(client, to_idp(client, sandbox, IVAN), PASSWORD)
    form = hand_off_form(back.text)
    assert form is not None
    fields = {k: v for k, v in form.items() if k != "action"}
    if tamper == "upn":
        fields["wresult"] = fields["wresult"].replace(IVAN, "alice@sandbox.example")
    elif tamper == "signature":
        fields["wresult"] = wsfed.issue(wsfed.Trust(), IVAN, sandbox._running_state().clock())
    else:
        fields["wctx"] = "not-the-flows"
    refused = client.post_form(form["action"], fields)
    assert client.cfg.get("pgid") == "ConvergedError"
    assert ("AADSTS165000" if tamper == "wctx" else "AADSTS50008") in refused.text


def test_the_other_idp_is_not_ad_fs_but_signs_in_a_person(
    sandbox: Sandbox, client: EntraClient
) -> None:
    page = to_idp(client, sandbox, JUDY)
    assert "loginForm" not in page.text and "userNameInput" not in page.text
    doc = lxml_html.document_fromstring(page.text)
    (form,) = doc.xpath("//form[@id='idp-signin-form']")
    back = client.post_form(
        form.get("action"), {"identifier": JUDY, "credentials.passcode": PASSWORD}
    )
    ws = hand_off_form(back.text)
    assert ws is not None
    client.post_form(ws["action"], {k: v for k, v in ws.items() if k != "action"})
    assert client.cfg["pgid"] == "KmsiInterrupt"  # Entra goes on as after a password
    handoff = hand_off_form(client.kmsi(stay_signed_in=False).text)
    assert handoff is not None and decode_response(handoff["SAMLResponse"]).name_id == JUDY


@pytest.mark.parametrize("suffix", ["mcas.ms", "mcas-gov.us"])
def test_the_mcas_fault_moves_the_hand_off_behind_the_proxy_not_the_assertion(
    make_sandbox: Callable[[Callable[[Scenario], None]], Sandbox],
    client: EntraClient,
    suffix: str,
) -> None:
    def proxied(scenario: Scenario) -> None:
        scenario.faults.mcas_suffix = suffix

    sandbox = make_sandbox(proxied)
    client.get(saml2_url(sandbox))
    client.credential_type("bob@sandbox.example")
    client.password("bob@sandbox.example", PASSWORD)
    handoff = hand_off_form(client.kmsi(stay_signed_in=False).text)
    assert handoff is not None
    action = urlsplit(handoff["action"])
    assert (action.scheme, action.hostname, action.path) == (
        "https",
        f"signin.aws.amazon.com.{suffix}",
        "/saml",
    )
    assert parse_qs(action.query)["cas_app_landing_mgc"]
    # The proxy rewrites the page, not the signed assertion.
    assert decode_response(handoff["SAMLResponse"]).destination == sandbox.acs_url


def test_an_unknown_mcas_suffix_is_refused(sandbox: Sandbox) -> None:
    with pytest.raises(ValueError, match="mcas_suffix"):
        sandbox.update_faults(mcas_suffix="mcas.example")
