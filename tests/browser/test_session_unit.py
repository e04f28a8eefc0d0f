from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from azlogin.browser import reset_session, session
from azlogin.errors import ConfigError
from azlogin.models import Profile
from azlogin.settings import mfa_method


def prof(
    username: str, tenant_id: str = "t1", authority_host: str = "login.microsoftonline.com"
) -> Profile:
    return Profile("p", tenant_id, "u", username=username, authority_host=authority_host)


def test_one_session_per_identity_not_per_profile() -> None:
    a = session.session_key(prof(username="A@x.com"))
    assert a == session.session_key(
        Profile(name="other", tenant_id="T1", app_id_uri="v", username="a@x.com")
    )
    assert a != session.session_key(prof(username="b@x.com"))
    assert a != session.session_key(prof(username="a@x.com", tenant_id="t2"))
    assert a != session.session_key(
        prof(username="a@x.com", authority_host="login.microsoftonline.us")
    )


def test_session_dirs_are_private_and_reset_removes_them(tmp_path: Path) -> None:
    p = prof(username="a@x.com")
    state = tmp_path / "state"
    path = session.open_session_dir(p, state)
    (path / "Cookies").write_text("x")
    for folder in (state, state / "browser", path):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert session.has_session(p, state)
    assert reset_session(p, state) is True
    assert not path.exists()
    assert reset_session(p, state) is False


def test_state_dir_default(tmp_path: Path) -> None:
    assert session.default_state_dir({"AZLOGIN_STATE_DIR": str(tmp_path)}) == tmp_path
    assert session.default_state_dir({}).name == ".azlogin"


def test_preferred_method_names_and_aliases() -> None:
    assert mfa_method("phoneappotp") == "PhoneAppOTP"
    assert mfa_method("sms") == "OneWaySMS"
    assert mfa_method("push") == "PhoneAppNotification"
    assert mfa_method("carrier pigeon") is None
    assert mfa_method("") is None


def test_a_root_owned_file_inside_the_remembered_profile_is_named(tmp_path: Path) -> None:
    # An older `sudo azlogin` let Chromium write Cookies as root into the user's profile.
    p = Profile("p", "t1", "u", username="a@x.com", remember_me=True)
    state = tmp_path / "state"
    profile_dir = session.open_session_dir(p, state)
    (profile_dir / "Default").mkdir()
    cookies = profile_dir / "Default" / "Cookies"
    cookies.write_text("x")
    for path in (state, state / "browser", profile_dir, profile_dir / "Default"):
        os.chown(path, 1000, 1000)
    with pytest.raises(ConfigError) as caught:
        session.check_usable(p, state, euid=1000)
    assert caught.value.message.startswith(f"{cookies} belongs to ")
    assert caught.value.hint.endswith(f"sudo chown -R $USER {state}")
    os.chown(cookies, 1000, 1000)
    session.check_usable(p, state, euid=1000)  # all the user's: fine
    session.check_usable(p, state, euid=0)  # root may use anything


def test_a_profile_without_remember_me_ignores_the_lock_and_profiles(tmp_path: Path) -> None:
    p = Profile("p", "t1", "u", username="a@x.com")
    lock = session.lock_path(p, tmp_path)
    lock.parent.mkdir()
    lock.mkdir()  # never opened without remember_me
    session.check_usable(p, tmp_path, euid=0)
