"""azlogin's state dir after ``sudo azlogin``, and things planted where its files go.

As the user: a state dir left root's is refused up front, naming the fix. As root with
the user's HOME: nothing azlogin or the browser writes there stays root's. A symlink or a
directory where the sign-in lock goes is refused before any browser starts.
"""

from __future__ import annotations

import os
import pwd
from pathlib import Path

import pytest

from azlogin.browser import session
from azlogin.errors import ExitStatus
from azlogin.models import Profile
from azlogin.sandbox import Sandbox
from azlogin.sandbox.scenario import DEFAULT_APP_ID_URI, DEFAULT_TENANT_ID

from ..e2e.conftest import PASSWORD, Home
from ..e2e.test_login import run

USER = 1000


def name_of(uid: int) -> str:
    try:
        return f"{pwd.getpwuid(uid).pw_name} (uid {uid})"
    except KeyError:
        return f"uid {uid}"


def owned_by_root(root: Path) -> list[Path]:
    found = [root] if root.lstat().st_uid == 0 else []
    for folder, dirs, files in os.walk(root):
        found += [Path(folder, n) for n in (*dirs, *files) if os.lstat(Path(folder, n)).st_uid == 0]
    return found


def sandbox_profile(sandbox: Sandbox, username: str) -> Profile:
    """The Profile azlogin reads from ``Home.profile(username)``: for session paths."""
    return Profile(
        "sandbox",
        DEFAULT_TENANT_ID,
        DEFAULT_APP_ID_URI,
        username=username,
        authority_host=sandbox.authority_host,
        remember_me=True,
    )


def test_a_state_dir_left_by_sudo_is_refused_with_the_fix(
    home: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    profile = home.profile("bob@sandbox.example", azure_default_remember_me="true")
    state = home.root / ".azlogin"
    state.mkdir(mode=0o700)  # what `sudo azlogin` made: root's
    for path in (home.root, home.root / ".aws", home.config):
        os.chown(path, USER, USER)
    # The tests run as root, and the interpreter lives in root's 0700 home, so uid 1000
    # cannot run it: azlogin is told it is uid 1000; the files and their owners are real.
    monkeypatch.setattr(os, "geteuid", lambda: USER)
    code, err = run(home, "--profile", profile, AZURE_DEFAULT_PASSWORD=PASSWORD)
    assert code == ExitStatus.CONFIG, err
    assert err.splitlines() == [
        f"azlogin: error: {state} belongs to {name_of(0)}, not to you ({name_of(USER)}).",
        "hint: It was probably left by `sudo azlogin`; take azlogin's state back with: "
        f"sudo chown -R $USER {state}",
    ]
    assert list(state.iterdir()) == []  # refused before any profile dir or browser
    assert home.sandbox.sign_ins_by_user == {}


@pytest.mark.parametrize("signin", ["auto", "browser"])
def test_root_with_a_users_home_leaves_nothing_of_roots_there(home: Home, signin: str) -> None:
    # `sudo azlogin` keeping the user's HOME (the sudo default on several distributions).
    for path in (home.root, home.root / ".aws"):
        os.chown(path, USER, USER)
    profile = home.profile("bob@sandbox.example", azure_default_remember_me="true")
    os.chown(home.config, USER, USER)
    code, err = run(
        home, "--profile", profile, AZURE_DEFAULT_PASSWORD=PASSWORD, AZLOGIN_SIGNIN=signin
    )
    assert code == 0, err

    state = home.root / ".azlogin"
    key = session.session_key(sandbox_profile(home.sandbox, "bob@sandbox.example"))
    if signin == "browser":
        assert (state / "browser" / key / "Default").is_dir()  # the browser did write there
    assert (state / "sessions" / f"{key}.json").is_file()  # the remembered session
    assert (state / "browser" / f"{key}.lock").is_file()
    assert owned_by_root(state) == []
    # ~/.aws is awsfiles' to hand back; everything else azlogin (and Chromium) wrote:
    assert [p for p in owned_by_root(home.root) if ".aws" not in p.parts] == []
    assert oct(state.stat().st_mode & 0o777) == "0o700"


@pytest.mark.parametrize("kind", ["symlink", "directory"])
def test_a_lock_path_that_is_not_a_file_is_refused(home: Home, kind: str) -> None:
    profile = home.profile("bob@sandbox.example", azure_default_remember_me="true")
    lock = session.lock_path(
        sandbox_profile(home.sandbox, "bob@sandbox.example"), home.root / ".azlogin"
    )
    lock.parent.mkdir(parents=True)
    victim = home.root / "victim"
    victim.write_text("keep me")
    if kind == "symlink":  # a lock opened through it would truncate whatever it points at
        lock.symlink_to(victim)
        what, fix = "a symbolic link", f"rm {lock}"
    else:
        lock.mkdir()
        what, fix = "a directory", f"rm -r {lock}"

    code, err = run(home, "--profile", profile, AZURE_DEFAULT_PASSWORD=PASSWORD)

    assert code == ExitStatus.CONFIG, err
    assert err.splitlines() == [
        f"azlogin: error: The sign-in lock {lock} is {what}.",
        f"hint: Remove it (azlogin makes its lock file itself): {fix}",
    ]
    assert victim.read_text() == "keep me"
    assert sorted(p.name for p in lock.parent.iterdir()) == [lock.name]  # no browser profile
