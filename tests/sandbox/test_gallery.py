"""The page gallery: its templates' rules, and the flow-token discipline of its pages."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from azlogin.sandbox import Sandbox, Scenario, gallery
from azlogin.sandbox.gallery import GalleryError, parse
from azlogin.sandbox.scenario import User
from tests.sandbox.entra_support import (
    config_of,
    enter_password,
    enter_username,
    form_fields,
    saml2_url,
    sign_in,
)

MakeSandbox = Callable[[Callable[[Scenario], None]], Sandbox]
BOB = "bob@sandbox.example"
GOOD = """<!-- gallery
name = "example"
pgid = "ExampleInterrupt"
title = "Example"
at = ["before-hand-off"]
flag = "locked"
note = "example page, flag {{flag}}"

[[form]]
url = "urlPost"
path = "/example"
choice = "Answer"
leads = { "1" = "continue", "2" = "AADSTS50079" }
-->
<form method="post" action="{{urlPost}}"><input name="flowToken" value="{{flow_token}}">
<input name="canary" value="{{canary}}">{{username}} {{!error_details}}</form>
"""


def test_a_template_declares_a_page() -> None:
    page = parse(GOOD, "example.html")
    assert page is not None
    assert (page.name, page.pgid, page.at, page.flag) == (
        "example",
        "ExampleInterrupt",
        ("before-hand-off",),
        "locked",
    )
    (form,) = page.forms
    assert (form.path, form.method, form.token, form.choice) == (
        "/example",
        "POST",
        "flowToken",
        "Answer",
    )
    assert dict(form.leads) == {"1": "continue", "2": "AADSTS50079"}
    assert page.body.startswith("<form")
    assert page.note_for(User("x@example", "pw", locked=True)) == "example page, flag True"
    assert page.note_for(User("x@example", "pw")) == ""
    assert parse("<div>no front matter</div>", "plain.html") is None


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (('flag = "locked"', 'flag = "no_such_field"'), "not a field"),
        (('at = ["before-hand-off"]', 'at = ["lunch"]'), "checkpoints"),
        (('"2" = "AADSTS50079"', '"2" = "elsewhere"'), "outcomes"),
        (("{{username}}", "{{password}}"), "placeholder"),
        (("{{username}}", "{{!username}}"), "placeholder"),
        (("{{!error_details}}", "{{error_details}}"), "placeholder"),
        (('action="{{urlPost}}"', 'action="/elsewhere"'), r"no \[\[form\]\] declares"),
        (('choice = "Answer"\n', ""), "leads somewhere"),
        (('title = "Example"', 'title = "Example"\ncolour = "blue"'), "unknown key"),
        (('path = "/example"', 'path = "/<tenant>/example"'), "literal path"),
        (("-->\n", "--\n"), "never ends"),
        (('<input name="canary" value="{{canary}}">', ""), "canary"),
        (('pgid = "ExampleInterrupt"', "pgid = "), "not TOML"),
    ],
)
def test_templates_that_break_the_rules_are_refused(
    change: tuple[str, str], complaint: str
) -> None:
    with pytest.raises(GalleryError, match=complaint):
        parse(GOOD.replace(*change), "example.html")


def test_the_shipped_pages() -> None:
    pgids = {page.name: page.pgid for page in gallery.pages()}
    assert pgids == {
        "password-expired": "ConvergedChangePassword",
        "conditional-access": "ConvergedConditionalAccess",
        "proof-up": "ConvergedProofUpRedirect",
        "registration-nag": "ConvergedProofUpRedirect",
        "stay-signed-in": "KmsiInterrupt",
    }
    assert gallery.routes() == [
        ("/common/ChangePassword", "POST"),
        ("/common/ProofUp", "POST"),
        ("/common/resume", "GET"),
        ("/kmsi", "POST"),
    ]


@pytest.mark.browser
def test_each_page_has_its_own_single_use_token(sandbox: Sandbox, page: Page) -> None:
    kmsi = f"{sandbox.base_url}/kmsi"
    page.goto(saml2_url(sandbox))
    early = page.request.post(kmsi, form={"flowToken": config_of(page)["sFT"], "LoginOptions": "3"})
    assert '"iErrorCode":165000' in early.text()  # the flow waits on no gallery page yet

    page.goto(saml2_url(sandbox))
    sign_in_token = config_of(page)["sFT"]
    sign_in(page, BOB)
    expect(page.locator("#KmsiDescription")).to_be_visible()
    assert config_of(page)["sFT"] != sign_in_token
    stale = page.request.post(kmsi, form={"flowToken": sign_in_token, "LoginOptions": "1"})
    assert '"iErrorCode":165000' in stale.text()
    assert sandbox.sign_ins == 0


@pytest.mark.browser
@pytest.mark.parametrize(
    ("form", "code"),
    [
        ({"LoginOptions": "2"}, 90014),  # not a choice the page offers
        ({"LoginOptions": None, "loginoptions": "1"}, 90014),  # Entra's field names are exact
        ({"flowToken": None, "flowtoken": "<token>"}, 165000),  # so is the token's
        ({"canary": None}, 90014),  # every POST carries the page's canary
        ({"canary": "forged"}, 165000),
        ({"ctx": None}, 90014),
        ({"ctx": "another"}, 165000),
    ],
)
def test_answers_must_be_exact(
    sandbox: Sandbox, page: Page, form: dict[str, str | None], code: int
) -> None:
    page.goto(saml2_url(sandbox))
    sign_in(page, BOB)
    expect(page.locator("#KmsiDescription")).to_be_visible()
    fields = {**form_fields(page, "#idForm_Kmsi"), "LoginOptions": "1"}
    token = fields["flowToken"]
    for name, value in form.items():
        if value is None:
            del fields[name]
        else:
            fields[name] = token if value == "<token>" else value
    answer = page.request.post(f"{sandbox.base_url}/kmsi", form=fields)
    assert f'"iErrorCode":{code}' in answer.text()


@pytest.mark.browser
@pytest.mark.parametrize(
    ("tamper", "code"),
    [(("skipmfaregistration=1", "skipmfaregistration=true"), 90014), (("ctx=", "ctx=x"), 165000)],
)
def test_skip_url_must_be_the_one_issued(
    make_sandbox: MakeSandbox, page: Page, tamper: tuple[str, str], code: int
) -> None:
    sandbox = make_sandbox(
        lambda s: setattr(s.tenants[0].user(BOB), "mfa_registration_nag_days", 3)
    )
    page.goto(saml2_url(sandbox))
    sign_in(page, BOB)
    skip_url = sandbox.base_url + config_of(page)["urlSkipMfaRegistration"]
    answer = page.request.get(skip_url.replace(*tamper))
    assert f'"iErrorCode":{code}' in answer.text()


@pytest.mark.browser
def test_dead_end_pages_end_the_flow(make_sandbox: MakeSandbox, page: Page) -> None:
    sandbox = make_sandbox(
        lambda s: setattr(s.tenants[0].user(BOB), "conditional_access_blocked", True)
    )
    page.goto(saml2_url(sandbox))
    token = config_of(page)["sFT"]
    enter_username(page, BOB)
    sign_in_url = f"{sandbox.base_url}/{sandbox.scenario.tenants[0].tenant_id}/login"
    enter_password(page)
    expect(page.locator("#idDiv_Error_Details")).to_contain_text("AADSTS53003")
    assert config_of(page)["pgid"] == "ConvergedConditionalAccess"
    again = page.request.post(sign_in_url, form={"login": BOB, "passwd": "x", "flowToken": token})
    assert '"iErrorCode":165000' in again.text()
