"""Page variants through the real CLI: each MFA method from the picker, pick-an-account
with a remembered session, and --reset-session."""

from __future__ import annotations

import pytest

from .conftest import PASSWORD, TOTP_SECRET, Home
from .test_login import caller_arn, run

DEV = "arn:aws:iam::111111111111:role/Developer"


@pytest.mark.parametrize(
    ("method", "secrets"),
    [
        ("PhoneAppNotification", {}),  # push, number shown, the simulated phone approves
        ("OneWaySMS", {"AZLOGIN_MFA_CODE": "246810"}),
        ("TwoWayVoiceMobile", {}),  # a call: no number, the phone approves
        ("PhoneAppOTP", {"AZLOGIN_TOTP_SECRET": TOTP_SECRET}),
    ],
)
def test_every_method_of_the_picker(home: Home, method: str, secrets: dict[str, str]) -> None:
    profile = home.profile(
        "dave@sandbox.example", azlogin_mfa_method=method, azure_default_role_arn=DEV
    )
    code, err = run(home, "--profile", profile, AZURE_DEFAULT_PASSWORD=PASSWORD, **secrets)
    assert code == 0, err
    assert caller_arn(profile).endswith("assumed-role/Developer/dave@sandbox.example")


def test_pick_an_account_then_reset_session(home: Home) -> None:
    profile = home.profile("bob@sandbox.example", azure_default_remember_me="true")
    assert run(home, "--profile", profile, AZURE_DEFAULT_PASSWORD=PASSWORD)[0] == 0
    home.sandbox.update_faults(account_picker=True)
    # The remembered session lands on "pick an account": bob's tile, no password needed.
    code, err = run(home, "--profile", profile, "--force-refresh")
    assert code == 0, err
    # --reset-session forgets it: the password is needed again, and given.
    code, err = run(home, "--profile", profile, "--force-refresh", "--reset-session")
    assert code != 0 and "password" in err.lower()
    code, err = run(
        home,
        "--profile",
        profile,
        "--force-refresh",
        "--reset-session",
        AZURE_DEFAULT_PASSWORD=PASSWORD,
    )
    assert code == 0, err
    assert home.sandbox.sign_ins_by_user["bob@sandbox.example"] == 3
