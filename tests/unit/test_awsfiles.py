from __future__ import annotations

import configparser
import multiprocessing
import os
import stat
from datetime import datetime, timezone
from pathlib import Path

import pytest

from azlogin import awsfiles, credentials
from azlogin.errors import ConfigError, FileWriteError
from azlogin.models import Credentials
from azlogin.stores import FileStore

HAND_WRITTEN = """\
# My AWS credentials — do not share
[default]
aws_access_key_id = AKIADEFAULT
aws_secret_access_key = keep/me+safe

; work profile, refreshed by azlogin
[dev]
aws_access_key_id=OLDKEY
region_note = stays   # not a comment for botocore
aws_session_token = OLDTOKEN
  continued-old-token

# trailing comment about prod
[prod]
aws_access_key_id = AKIAPROD
"""

CREDS = Credentials(
    "ASIANEW",
    "new/secret+key",
    "new-session-token",
    datetime(2026, 11, 21, 18, tzinfo=timezone.utc),
)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_hand_written_file_survives_a_refresh_byte_for_byte(tmp_path: Path) -> None:
    path = tmp_path / "credentials"
    path.write_text(HAND_WRITTEN)
    credentials.write(path, {"dev": CREDS})
    assert path.read_text() == HAND_WRITTEN.replace(
        "aws_access_key_id=OLDKEY", "aws_access_key_id=ASIANEW"
    ).replace(
        "aws_session_token = OLDTOKEN\n  continued-old-token\n",
        "aws_session_token = new-session-token\n"
        "aws_secret_access_key = new/secret+key\n"
        "aws_expiration = 2026-11-21T18:00:00Z\n",
    )
    assert mode(path) == 0o600
    parser = configparser.RawConfigParser()
    parser.read(path)
    assert parser.get("dev", "aws_secret_access_key") == "new/secret+key"
    stored = FileStore(path).load("dev")
    assert stored is not None and stored.expiration == CREDS.expiration


def test_new_aws_directory_is_private(tmp_path: Path) -> None:
    path = tmp_path / "home" / ".aws" / "credentials"
    credentials.write(path, {"dev": CREDS})
    assert mode(path.parent) == 0o700
    assert mode(path) == 0o600
    assert not list(path.parent.glob(".credentials.*.tmp"))


def test_existing_loose_mode_is_tightened(tmp_path: Path) -> None:
    path = tmp_path / "credentials"
    path.write_text("[x]\nk = v\n")
    path.chmod(0o644)
    credentials.write(path, {"dev": CREDS})
    assert mode(path) == 0o600


def test_writes_go_through_symlinks_to_the_target(tmp_path: Path) -> None:
    real = tmp_path / "dotfiles" / "credentials"
    real.parent.mkdir()
    real.write_text("[other]\nk = v\n")
    link = tmp_path / "credentials"
    link.symlink_to(real)
    credentials.write(link, {"dev": CREDS})
    assert link.is_symlink()
    assert "ASIANEW" in real.read_text()
    assert real.read_text().startswith("[other]\nk = v\n")


def test_failed_write_leaves_the_file_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "credentials"
    path.write_text(HAND_WRITTEN)

    def disk_full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(FileWriteError, match="No space left") as info:
        credentials.write(path, {"dev": CREDS})
    assert "left as it was" in info.value.hint
    assert path.read_text() == HAND_WRITTEN
    assert sorted(p.name for p in tmp_path.iterdir()) == ["credentials", "credentials.lock"]


def test_unparseable_file_is_not_touched(tmp_path: Path) -> None:
    path = tmp_path / "credentials"
    broken = "[dev]\naws_access_key_id = A\n[dev]\n"
    path.write_text(broken)
    with pytest.raises(ConfigError, match="line 3: section \\[dev\\] appears twice"):
        credentials.write(path, {"dev": CREDS})
    assert path.read_text() == broken


def test_binary_junk_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "config"
    path.write_bytes(b"[dev]\n\xff\xfe\x00junk\n")
    with pytest.raises(ConfigError, match="not UTF-8"):
        awsfiles.read_sections(path)


def test_lock_held_by_another_holder_times_out_with_a_message(tmp_path: Path) -> None:
    from filelock import FileLock

    path = tmp_path / "credentials"
    path.write_text(HAND_WRITTEN)
    said: list[str] = []
    with FileLock(str(path) + ".lock"), pytest.raises(FileWriteError, match="stayed locked"):
        awsfiles.update_section(path, "dev", {"k": "v"}, lock_timeout=1.2, notify=said.append)
    assert said and "Waiting for another azlogin" in said[0]
    assert path.read_text() == HAND_WRITTEN


def _write_profile(args: tuple[str, int]) -> None:
    path, index = args
    creds = Credentials(f"ASIA{index:04d}", f"secret{index}", f"token{index}", CREDS.expiration)
    credentials.write(Path(path), {f"profile{index}": creds})


def test_twenty_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "credentials"
    path.write_text(HAND_WRITTEN)
    ctx = multiprocessing.get_context("fork")
    workers = [ctx.Process(target=_write_profile, args=((str(path), i),)) for i in range(24)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert [w.exitcode for w in workers] == [0] * 24
    import botocore.configloader

    parsed = botocore.configloader.raw_config_parse(str(path))
    for i in range(24):
        assert parsed[f"profile{i}"]["aws_access_key_id"] == f"ASIA{i:04d}"
        assert parsed[f"profile{i}"]["aws_session_token"] == f"token{i}"
    assert path.read_text().startswith(HAND_WRITTEN)
    assert mode(path) == 0o600


def test_display_uses_tilde_for_home() -> None:
    assert awsfiles.display(Path.home() / ".aws" / "config") == "~/.aws/config"
