"""Every sign-in path of the sandbox tenant, in a real headless Chromium.

Each test calls ``BrowserSignIn().get_assertion`` as the app does, with a scripted person,
and checks the assertion (who it names) or the error (its AADSTS code), plus what the
person was asked and what the sandbox saw.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from azlogin.browser import BrowserSignIn
from azlogin.errors import PromptRequired, SignInError
from azlogin.models import Profile, SignInOptions
from azlogin.saml import parse_assertion
from azlogin.sandbox.scenario import DEFAULT_TENANT_ID
from azlogin.sandbox.server import Sandbox

from .conftest import PASSWORD
from .fakes import ScriptedUI, totp, with_env

pytestmark = pytest.mark.browser

TOTP_SECRET = "JBSWY3DPEHPK3PXP"
OPTIONS = SignInOptions(timeout_seconds=60, mfa_timeout_seconds=30)
ProfileMaker = Callable[..., Profile]
SignInMaker = Callable[..., BrowserSignIn]


def who(assertion: str) -> str | None:
    return parse_assertion(assertion).session_name


def password_posts(sandbox: Sandbox) -> int:
    return sandbox.request_log.count(("POST", f"/{DEFAULT_TENANT_ID}/login"))


def totp_now() -> str:
    return totp(TOTP_SECRET)


# --- the happy paths ---------------------------------------------------------------------


def test_bob_without_mfa_non_interactive(
    make_profile: ProfileMaker, make_signin: SignInMaker, fresh_sandbox: Sandbox
) -> None:
    ui = ScriptedUI(interactive=False)
    env_ui = with_env(ui, AZURE_DEFAULT_PASSWORD=PASSWORD)
    assertion = make_signin().get_assertion(make_profile("bob@sandbox.example"), env_ui, OPTIONS)
    assert who(assertion) == "bob@sandbox.example"
    assert ui.kinds_asked() == ["username"]  # the configured default; the password from env
    assert fresh_sandbox.sign_ins_by_user == {"bob@sandbox.example": 1}
    # Captured in the browser: the assertion never reached the (sandbox's) AWS endpoint.
    assert ("POST", "/saml") not in fresh_sandbox.request_log


def test_password_is_asked_when_not_in_env(
    make_profile: ProfileMaker, make_signin: SignInMaker
) -> None:
    ui = ScriptedUI({"password": PASSWORD})
    assertion = make_signin().get_assertion(make_profile("bob@sandbox.example"), ui, OPTIONS)
    assert who(assertion) == "bob@sandbox.example"
    assert ui.asked == [("username", "bob@sandbox.example"), ("password", "bob@sandbox.example")]


def test_username_is_asked_when_not_configured(
    make_profile: ProfileMaker, make_signin: SignInMaker
) -> None:
    ui = ScriptedUI({"username": "bob@sandbox.example", "password": PASSWORD})
    assertion = make_signin().get_assertion(make_profile(None), ui, OPTIONS)
    assert who(assertion) == "bob@sandbox.example"


def test_alice_totp_from_env_secret(make_profile: ProfileMaker, make_signin: SignInMaker) -> None:
    ui = ScriptedUI(interactive=False)
    env_ui = with_env(ui, AZURE_DEFAULT_PASSWORD=PASSWORD, AZLOGIN_TOTP_SECRET=TOTP_SECRET)
    assertion = make_signin().get_assertion(make_profile("alice@sandbox.example"), env_ui, OPTIONS)
    assert who(assertion) == "alice@sandbox.example"
    assert "code" not in ui.kinds_asked()


def test_alice_totp_prompted(make_profile: ProfileMaker, make_signin: SignInMaker) -> None:
    ui = ScriptedUI({"password": PASSWORD, "code": totp_now})
    assertion = make_signin().get_assertion(make_profile("alice@sandbox.example"), ui, OPTIONS)
    assert who(assertion) == "alice@sandbox.example"
    assert ui.kinds_asked() == ["username", "password", "code"]


def test_wrong_code_then_right(make_profile: ProfileMaker, make_signin: SignInMaker) -> None:
    ui = ScriptedUI({"password": PASSWORD, "code": ["000000", "246810"]})
    assertion = make_signin().get_assertion(make_profile("erin@sandbox.example"), ui, OPTIONS)
    assert who(assertion) == "erin@sandbox.example"
    assert ui.kinds_asked().count("code") == 2
    assert len(ui.warnings) == 1  # the page's "wrong code" text, shown to the person


def test_carol_push_shows_the_number_while_waiting(
    make_profile: ProfileMaker, make_signin: SignInMaker
) -> None:
    ui = ScriptedUI({"password": PASSWORD})
    assertion = make_signin().get_assertion(make_profile("carol@sandbox.example"), ui, OPTIONS)
    assert who(assertion) == "carol@sandbox.example"
    assert [number for _, number in ui.waited] == ["42"]
    assert ui.waited[0][0]  # the page's own instructions


def test_push_approved_by_hand(
    make_profile: ProfileMaker, make_signin: SignInMaker, fresh_sandbox: Sandbox
) -> None:
    fresh_sandbox.update_user("carol@sandbox.example", push="manual")
    try:
        ui = ScriptedUI(
            {"password": PASSWORD},
            on_waiting=lambda _m, _n: fresh_sandbox.approve_push("carol@sandbox.example"),
        )
        assertion = make_signin().get_assertion(make_profile("carol@sandbox.example"), ui, OPTIONS)
    finally:
        fresh_sandbox.update_user("carol@sandbox.example", push="approve")
    assert who(assertion) == "carol@sandbox.example"


def test_dave_preferred_method_skips_the_picker(
    make_profile: ProfileMaker, make_signin: SignInMaker
) -> None:
    ui = ScriptedUI({"password": PASSWORD, "code": totp_now})
    profile = make_profile("dave@sandbox.example", mfa_method="PhoneAppOTP")
    assert who(make_signin().get_assertion(profile, ui, OPTIONS)) == "dave@sandbox.example"
    assert "choose" not in ui.kinds_asked()


def test_dave_method_picker_asks_the_person(
    make_profile: ProfileMaker, make_signin: SignInMaker, fresh_sandbox: Sandbox
) -> None:
    # No method is Dave's default, so the page opens with the picker.
    fresh_sandbox.update_user("dave@sandbox.example", mfa_default=False)
    try:
        ui = ScriptedUI({"password": PASSWORD, "choose": "OneWaySMS", "code": "246810"})
        profile = make_profile("dave@sandbox.example")
        assert who(make_signin().get_assertion(profile, ui, OPTIONS)) == "dave@sandbox.example"
    finally:
        fresh_sandbox.update_user("dave@sandbox.example", mfa_default=True)
    (question,) = [q for kind, q in ui.asked if kind == "choose"]
    assert question.endswith("PhoneAppNotification,PhoneAppOTP,OneWaySMS,TwoWayVoiceMobile")


def test_erin_sms_code(make_profile: ProfileMaker, make_signin: SignInMaker) -> None:
    ui = ScriptedUI({"code": "246810"}, interactive=False)
    env_ui = with_env(ui, AZURE_DEFAULT_PASSWORD=PASSWORD)
    assertion = make_signin().get_assertion(make_profile("erin@sandbox.example"), env_ui, OPTIONS)
    assert who(assertion) == "erin@sandbox.example"
    assert ui.asked[-1][0] == "code"
    assert "MFA_CODE" not in ui.asked[-1][1]


def test_frank_passwordless_shows_the_number(
    make_profile: ProfileMaker, make_signin: SignInMaker
) -> None:
    ui = ScriptedUI()
    assertion = make_signin().get_assertion(make_profile("frank@sandbox.example"), ui, OPTIONS)
    assert who(assertion) == "frank@sandbox.example"
    assert "password" not in ui.kinds_asked()
    assert [number for _, number in ui.waited] == ["42"]


def test_grace_work_or_personal_tiles(make_profile: ProfileMaker, make_signin: SignInMaker) -> None:
    ui = ScriptedUI({"password": PASSWORD, "choose": "work"})
    assertion = make_signin().get_assertion(make_profile("grace@sandbox.example"), ui, OPTIONS)
    assert who(assertion) == "grace@sandbox.example"
    assert ui.kinds_asked() == ["username", "choose", "password"]


def test_grace_personal_account_is_refused_with_its_code(
    make_profile: ProfileMaker, make_signin: SignInMaker
) -> None:
    ui = ScriptedUI({"choose": "personal"})
    with pytest.raises(SignInError) as caught:
        make_signin().get_assertion(make_profile("grace@sandbox.example"), ui, OPTIONS)
    assert caught.value.code == "50020"


# --- wrong answers -----------------------------------------------------------------------


def test_wrong_password_then_right(
    make_profile: ProfileMaker, make_signin: SignInMaker, fresh_sandbox: Sandbox
) -> None:
    ui = ScriptedUI({"password": ["not-it", PASSWORD]})
    assertion = make_signin().get_assertion(make_profile("bob@sandbox.example"), ui, OPTIONS)
    assert who(assertion) == "bob@sandbox.example"
    assert ui.kinds_asked() == ["username", "password", "password"]
    assert len(ui.warnings) == 1
    assert "50126" in ui.warnings[0]
    assert password_posts(fresh_sandbox) == 2


def test_wrong_env_password_non_interactive_fails_without_asking_again(
    make_profile: ProfileMaker, make_signin: SignInMaker, fresh_sandbox: Sandbox
) -> None:
    ui = with_env(ScriptedUI(interactive=False), AZURE_DEFAULT_PASSWORD="not-it-9876")
    with pytest.raises(SignInError) as caught:
        make_signin().get_assertion(make_profile("bob@sandbox.example"), ui, OPTIONS)
    assert caught.value.code == "50126"
    assert password_posts(fresh_sandbox) == 1
    assert "not-it-9876" not in f"{caught.value} {caught.value.hint}"


def test_unknown_username_non_interactive(
    make_profile: ProfileMaker, make_signin: SignInMaker
) -> None:
    ui = ScriptedUI(interactive=False)
    with pytest.raises(SignInError) as caught:
        make_signin().get_assertion(make_profile("nobody@sandbox.example"), ui, OPTIONS)
    assert caught.value.code == "50034"


def test_unknown_username_interactive_asks_again(
    make_profile: ProfileMaker, make_signin: SignInMaker
) -> None:
    ui = ScriptedUI(
        {"username": ["nobody@sandbox.example", "bob@sandbox.example"], "password": PASSWORD}
    )
    assertion = make_signin().get_assertion(make_profile(None), ui, OPTIONS)
    assert who(assertion) == "bob@sandbox.example"
    assert ui.kinds_asked() == ["username", "username", "password"]


def test_missing_password_without_a_person_names_the_variable(
    make_profile: ProfileMaker, make_signin: SignInMaker
) -> None:
    from azlogin.ui import NonInteractiveUI

    with pytest.raises(PromptRequired) as caught:
        make_signin().get_assertion(
            make_profile("bob@sandbox.example"), NonInteractiveUI(), OPTIONS
        )
    assert "AZURE_DEFAULT_PASSWORD" in caught.value.hint


# --- dead ends ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "code"),
    [
        ("locked@sandbox.example", "50053"),
        ("noapp@sandbox.example", "50105"),
        ("proofup@sandbox.example", "50079"),
        ("blocked@sandbox.example", "53003"),
        ("denied@sandbox.example", "500121"),
    ],
)
def test_error_users(
    make_profile: ProfileMaker, make_signin: SignInMaker, username: str, code: str
) -> None:
    ui = with_env(ScriptedUI(interactive=False), AZURE_DEFAULT_PASSWORD=PASSWORD)
    with pytest.raises(SignInError) as caught:
        make_signin().get_assertion(make_profile(username), ui, OPTIONS)
    assert caught.value.code == code
    assert f"AADSTS{code}" in caught.value.message
    assert caught.value.hint


def test_disabled_and_expired_accounts(
    make_profile: ProfileMaker, make_signin: SignInMaker, fresh_sandbox: Sandbox
) -> None:
    signin = make_signin()
    for change, code in (({"disabled": True}, "50057"), ({"password_expired": True}, "50055")):
        fresh_sandbox.update_user("bob@sandbox.example", **change)
        ui = with_env(ScriptedUI(interactive=False), AZURE_DEFAULT_PASSWORD=PASSWORD)
        try:
            with pytest.raises(SignInError) as caught:
                signin.get_assertion(make_profile("bob@sandbox.example"), ui, OPTIONS)
        finally:
            fresh_sandbox.update_user("bob@sandbox.example", disabled=False, password_expired=False)
        assert caught.value.code == code


def test_federated_user_is_sent_to_gui_mode(
    make_profile: ProfileMaker, make_signin: SignInMaker
) -> None:
    with pytest.raises(SignInError) as caught:
        make_signin().get_assertion(
            make_profile("federated@sandbox.example"), ScriptedUI(interactive=False), OPTIONS
        )
    assert "127.0.0.1:9" in caught.value.message
    assert "--mode gui" in caught.value.hint


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"tenant_id": "00000000-0000-0000-0000-000000000000"}, "90002"),
        ({"app_id_uri": "https://signin.aws.amazon.com/saml#nope"}, "700016"),
    ],
)
def test_unknown_tenant_or_app(
    make_profile: ProfileMaker, make_signin: SignInMaker, changes: dict[str, str], code: str
) -> None:
    with pytest.raises(SignInError) as caught:
        make_signin().get_assertion(
            make_profile("bob@sandbox.example", **changes), ScriptedUI(interactive=False), OPTIONS
        )
    assert caught.value.code == code
    assert ("azure_tenant_id" if code == "90002" else "azure_app_id_uri") in caught.value.hint


def test_push_timed_out_on_the_phone(
    make_profile: ProfileMaker, make_signin: SignInMaker, fresh_sandbox: Sandbox
) -> None:
    fresh_sandbox.update_user("carol@sandbox.example", push="timeout")
    try:
        with pytest.raises(SignInError) as caught:
            make_signin().get_assertion(
                make_profile("carol@sandbox.example"), ScriptedUI({"password": PASSWORD}), OPTIONS
            )
    finally:
        fresh_sandbox.update_user("carol@sandbox.example", push="approve")
    assert caught.value.code == "500121"


def test_nobody_answers_the_push_within_the_mfa_timeout(
    make_profile: ProfileMaker, make_signin: SignInMaker, fresh_sandbox: Sandbox
) -> None:
    fresh_sandbox.update_user("carol@sandbox.example", push="manual")
    ui = ScriptedUI({"password": PASSWORD})
    try:
        with pytest.raises(SignInError) as caught:
            make_signin().get_assertion(
                make_profile("carol@sandbox.example"),
                ui,
                SignInOptions(timeout_seconds=60, mfa_timeout_seconds=2),
            )
    finally:
        fresh_sandbox.update_user("carol@sandbox.example", push="approve")
    assert "No answer to the sign-in request within 2 s" in caught.value.message
    assert [number for _, number in ui.waited] == ["42"]


def test_wrong_passwords_stop_before_the_account_locks(
    make_profile: ProfileMaker, make_signin: SignInMaker, fresh_sandbox: Sandbox
) -> None:
    ui = ScriptedUI({"password": ["wrong-1", "wrong-2", "wrong-3", "wrong-4", "wrong-5"]})
    with pytest.raises(SignInError) as caught:
        make_signin().get_assertion(make_profile("bob@sandbox.example"), ui, OPTIONS)
    assert caught.value.code == "50126"
    assert password_posts(fresh_sandbox) == 3
