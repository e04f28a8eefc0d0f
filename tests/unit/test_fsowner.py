"""fsowner: under sudo, what azlogin creates in a user's directory becomes the user's.

The tests run as root (as ``sudo azlogin`` does) and chown real directories to uid 1000,
the owner a user's home would have.
"""

from __future__ import annotations

import os
import stat
from datetime import datetime, timezone
from pathlib import Path

import pytest

from azlogin.fsowner import adopt_owner, make_private_dir
from azlogin.models import Credentials
from azlogin.stores import CacheStore

USER, GROUP = 1000, 1000


def owner(path: Path) -> tuple[int, int]:
    st = os.lstat(path)
    return st.st_uid, st.st_gid


@pytest.fixture
def user_home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    os.chown(home, USER, GROUP)
    return home


def test_new_dirs_under_a_users_home_are_the_users_and_private(user_home: Path) -> None:
    path = make_private_dir(user_home / ".azlogin" / "browser" / "abc")
    assert path == user_home / ".azlogin" / "browser" / "abc"
    for folder in (user_home / ".azlogin", user_home / ".azlogin" / "browser", path):
        assert owner(folder) == (USER, GROUP), folder
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


def test_existing_dirs_are_left_alone(user_home: Path) -> None:
    existing = user_home / ".azlogin"
    existing.mkdir(mode=0o755)  # root's, as an older `sudo azlogin` left it
    os.chmod(existing, 0o755)  # noqa: S103 (a test of leaving it as found)
    make_private_dir(existing / "cache")
    assert owner(existing) == (0, 0)
    assert stat.S_IMODE(existing.stat().st_mode) == 0o755
    # Its parent is root's: the new folder stays root's too.
    assert owner(existing / "cache") == (0, 0)


def test_under_roots_own_directories_nothing_changes(tmp_path: Path) -> None:
    path = make_private_dir(tmp_path / "a" / "b")
    assert owner(tmp_path / "a") == owner(path) == (0, 0)
    assert stat.S_IMODE(path.stat().st_mode) == 0o700


def test_a_file_adopts_its_directorys_owner_and_group(user_home: Path) -> None:
    os.chown(user_home, USER, 2000)
    file = user_home / "credentials"
    file.write_text("x")
    adopt_owner(file)
    assert owner(file) == (USER, 2000)


def test_a_symlink_is_adopted_itself_never_its_target(user_home: Path, tmp_path: Path) -> None:
    target = tmp_path / "roots-secret"
    target.write_text("root only")
    link = user_home / "planted"
    link.symlink_to(target)
    adopt_owner(link)
    assert owner(link) == (USER, GROUP)
    assert owner(target) == (0, 0)


def test_not_root_means_no_change(user_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    file = user_home / "f"
    file.write_text("x")
    monkeypatch.setattr(os, "geteuid", lambda: USER)
    adopt_owner(file)
    assert owner(file) == (0, 0)


def test_a_vanished_path_is_not_an_error(user_home: Path) -> None:
    adopt_owner(user_home / "gone")  # removed meanwhile: nothing to give away


def test_the_credential_process_cache_dirs_are_the_users(user_home: Path) -> None:
    cache = CacheStore(user_home / ".azlogin" / "cache", user_home / "config")
    expires = datetime(2030, 1, 1, tzinfo=timezone.utc)
    cache.save("p", Credentials("AKIA", "secret", "token", expires))
    for folder in (user_home / ".azlogin", user_home / ".azlogin" / "cache"):
        assert owner(folder) == (USER, GROUP), folder
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
