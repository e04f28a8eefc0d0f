"""EnvAnswers: secrets from the environment, offered before the person is asked."""

from __future__ import annotations

from azlogin.ui import EnvAnswers

from ..fakes import ScriptedUI


def test_env_password_offered_once_per_user_then_the_person_is_asked() -> None:
    inner = ScriptedUI(password="typed")
    ui = EnvAnswers(inner, {"AZURE_DEFAULT_PASSWORD": "from-env"})
    assert ui.ask_password("a@x") == "from-env"
    assert ui.ask_password("b@x") == "from-env"  # another identity of the same run
    assert ui.ask_password("A@x") == "typed"  # asked again for a: the env one was wrong
    assert inner.asked == ["password"]


def test_one_time_code_is_used_once_and_totp_computed() -> None:
    inner = ScriptedUI(code="999999")
    ui = EnvAnswers(inner, {"azlogin_mfa_code": "123456"})
    assert ui.ask_code("") == "123456"
    assert ui.ask_code("") == "999999"
    totp = EnvAnswers(ScriptedUI(), {"AZLOGIN_TOTP_SECRET": "JBSWY3DPEHPK3PXP"})
    code = totp.ask_code("")
    assert len(code) == 6 and code.isdigit()
