"""The disk is full, or the credentials directory cannot be written: exit 3 with a hint,
the credentials file untouched byte for byte, no temporary file left behind.

Root ignores permission bits, so "permission denied" is made with what binds root too:
the immutable attribute (``chattr +i``) on ~/.aws; a full disk is a 16 KiB tmpfs mounted
over it. Both need root (CAP_LINUX_IMMUTABLE, CAP_SYS_ADMIN); as another user the
directory is made 0500 instead, and the full disk is an fsync answering ENOSPC
(monkeypatched, in-process), which is where network and quota file systems report it.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from azlogin.errors import ExitStatus

from ..e2e.conftest import PASSWORD, Home
from ..e2e.test_login import run
from .support import temp_files

HAND_WRITTEN = """\
# my keys: azlogin must not touch this file when it cannot write it whole
[default]
aws_access_key_id = AKIADEFAULT
aws_secret_access_key = keep/me+safe

[sandbox]
aws_access_key_id=ASIAOLD
aws_session_token = OLDTOKEN
  continued-old-token
"""
ROOT = os.geteuid() == 0


def _sh(*argv: str) -> bool:
    found = shutil.which(argv[0])
    if found is None:
        return False
    done = subprocess.run([found, *argv[1:]], capture_output=True, check=False)
    return done.returncode == 0


@pytest.fixture
def read_only_aws(home: Home) -> Iterator[Callable[[], None]]:
    """Returns the function that makes ~/.aws unwritable (undone afterwards)."""
    directory = home.credentials.parent
    made: list[str] = []

    def make() -> None:
        if ROOT and _sh("chattr", "+i", str(directory)):
            made.append("immutable")
        else:
            directory.chmod(0o500)
            made.append("mode")

    yield make
    if "immutable" in made:
        assert _sh("chattr", "-i", str(directory))
    directory.chmod(0o700)


def _assert_clean_failure(home: Home, code: int, err: str, cause: str) -> None:
    assert code == ExitStatus.CONFIG, err
    lines = err.strip().splitlines()
    assert "Traceback" not in err
    assert lines[-2].startswith("azlogin: error: Cannot write ~/.aws/credentials: "), err
    assert cause in lines[-2], err
    assert lines[-1] == (
        "hint: Check free disk space and the permissions of the directory; "
        "the file was left as it was."
    ), err
    assert home.credentials.read_text() == HAND_WRITTEN
    assert temp_files(home) == []


@pytest.mark.parametrize("lock_file", ["absent", "left by an earlier run"])
def test_unwritable_credentials_directory(
    home: Home, read_only_aws: Callable[[], None], lock_file: str
) -> None:
    home.credentials.write_text(HAND_WRITTEN)
    if lock_file != "absent":  # then the temporary file is the first thing that fails
        Path(str(home.credentials) + ".lock").touch()
    profile = home.profile("bob@sandbox.example")
    read_only_aws()
    code, err = run(home, "--profile", profile, AZURE_DEFAULT_PASSWORD=PASSWORD)
    # Seen while planning: before the password is typed and MFA approved, not after.
    assert code == ExitStatus.CONFIG, err
    assert "Traceback" not in err
    assert err.splitlines() == [
        "azlogin: error: Cannot write ~/.aws/credentials: ~/.aws is not writable.",
        "hint: Fix the permissions of ~/.aws (or write elsewhere: AWS_SHARED_CREDENTIALS_FILE, "
        "AZLOGIN_STATE_DIR); nothing was signed in or changed.",
    ]
    assert home.sandbox.sign_ins == 0
    assert home.credentials.read_text() == HAND_WRITTEN
    assert temp_files(home) == []


@pytest.fixture
def full_disk(home: Home, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], None]]:
    """~/.aws on a tiny file system; the returned function fills it up."""
    directory = home.credentials.parent
    mounted = ROOT and _sh(
        "mount", "-t", "tmpfs", "-o", "size=16k,mode=0700", "tmpfs", str(directory)
    )

    def fill() -> None:
        if not mounted:

            def no_space(fd: int) -> None:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

            monkeypatch.setattr(os, "fsync", no_space)  # awsfiles calls os.fsync
            return
        fd = os.open(directory / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
        failure: OSError | None = None
        try:
            for _ in range(64):  # 16 KiB fill up within 4 writes; bounded regardless
                try:
                    os.write(fd, b"\0" * 4096)
                except OSError as exc:
                    failure = exc
                    break
        finally:
            os.close(fd)
        assert failure is not None and failure.errno == errno.ENOSPC, failure

    yield fill
    if mounted:
        assert _sh("umount", str(directory))


def test_disk_full_while_writing_credentials(home: Home, full_disk: Callable[[], None]) -> None:
    home.credentials.write_text(HAND_WRITTEN)
    profile = home.profile("bob@sandbox.example")
    full_disk()
    code, err = run(home, "--profile", profile, AZURE_DEFAULT_PASSWORD=PASSWORD)
    _assert_clean_failure(home, code, err, "No space left on device")
