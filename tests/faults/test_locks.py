"""Another process holds a lock azlogin needs: the credentials file's (a clear time-out,
or going on once it is released) and a remembered browser session's (runs take turns)."""

from __future__ import annotations

import pytest

from azlogin import safefile
from azlogin.errors import ConfigError, ExitStatus
from azlogin.sandbox import Sandbox

from ..e2e.conftest import PASSWORD, Home
from ..e2e.test_login import caller_arn
from .conftest import HeldRequests
from .support import LIMIT, Azlogin, credentials_complete, hold_lock, release_lock, temp_files

HAND_WRITTEN = "# kept\n[default]\naws_access_key_id = AKIAKEEP\naws_secret_access_key = s\n"
BOB_ARN = "arn:aws:sts::111111111111:assumed-role/Developer/bob@sandbox.example"
WAITING = "Waiting for another azlogin to finish with ~/.aws/credentials"


def test_credentials_lock_held_too_long_is_a_clear_time_out(home: Home) -> None:
    home.credentials.write_text(HAND_WRITTEN)
    profile = home.profile("bob@sandbox.example")
    holder = hold_lock(home.credentials)
    run = Azlogin(
        home, "--profile", profile, AZURE_DEFAULT_PASSWORD=PASSWORD, AZLOGIN_LOCK_TIMEOUT="3"
    )
    try:
        run.wait_for(WAITING)
        code, err = run.finish()
    finally:
        run.close()
        release_lock(holder)
    assert code == ExitStatus.CONFIG, err
    assert err.strip().splitlines()[-2:] == [
        "azlogin: error: ~/.aws/credentials stayed locked for 3 s by another process.",
        "hint: If no other azlogin is running, delete ~/.aws/credentials.lock.",
    ]
    assert home.credentials.read_text() == HAND_WRITTEN
    assert temp_files(home) == []


def test_azlogin_goes_on_once_the_credentials_lock_is_released(home: Home) -> None:
    home.credentials.write_text(HAND_WRITTEN)
    profile = home.profile("bob@sandbox.example")
    holder = hold_lock(home.credentials)
    run = Azlogin(home, "--profile", profile, AZURE_DEFAULT_PASSWORD=PASSWORD)
    try:
        run.wait_for(WAITING)
        release_lock(holder)
        code, err = run.finish()
    finally:
        run.close()
        release_lock(holder)
    assert code == 0, err
    assert "Wrote profile 'sandbox'" in err
    assert home.credentials.read_text().startswith(HAND_WRITTEN)
    assert set(credentials_complete(home)) == {"default", "sandbox"}
    assert caller_arn(profile) == BOB_ARN


@pytest.mark.parametrize("text", ["soon", "-1", "nan", "inf"])
def test_a_lock_timeout_that_is_not_seconds_is_a_config_error(
    monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    monkeypatch.setenv("AZLOGIN_LOCK_TIMEOUT", text)
    with pytest.raises(ConfigError, match="AZLOGIN_LOCK_TIMEOUT"):
        safefile.lock_timeout()
    monkeypatch.setenv("AZLOGIN_LOCK_TIMEOUT", "2.5")
    assert safefile.lock_timeout() == 2.5
    monkeypatch.delenv("AZLOGIN_LOCK_TIMEOUT")
    assert safefile.lock_timeout() == safefile.LOCK_TIMEOUT_SECONDS


def test_two_profiles_of_one_identity_take_turns_with_its_remembered_session(
    home: Home, sandbox: Sandbox, held: HeldRequests
) -> None:
    # Chromium allows one process per profile directory: before, the second run failed
    # ("Could not start the browser … ProcessSingleton").
    first = home.profile("bob@sandbox.example", "first", azure_default_remember_me="true")
    second = home.profile("bob@sandbox.example", "second", azure_default_remember_me="true")
    sandbox.update_faults(page_delay_seconds=LIMIT)
    one = Azlogin(home, "--profile", first, AZURE_DEFAULT_PASSWORD=PASSWORD)
    two: Azlogin | None = None
    try:
        assert held.held.wait(LIMIT)  # the first run's browser is on the sign-in page
        two = Azlogin(home, "--profile", second)  # no password: it must reuse the session
        two.wait_for("Waiting for another azlogin signing in as bob@sandbox.example to finish")
        sandbox.update_faults(page_delay_seconds=0)
        held.release.set()
        code_one, err_one = one.finish()
        code_two, err_two = two.finish()
    finally:
        one.close()
        if two is not None:
            two.close()
    assert (code_one, code_two) == (0, 0), err_one + err_two
    assert caller_arn(first) == caller_arn(second) == BOB_ARN
    assert sandbox.sign_ins_by_user == {"bob@sandbox.example": 2}
