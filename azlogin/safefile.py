"""Writing a file so that it is never half-written: atomic replace (temp file in the same
directory, fsync, rename, through symlinks to their target), mode 0600, a cross-process
lock beside the target, checks that it can be written before anything else is done, the
temp copies of a killed writer cleaned up, and a word when a replaced file's mode or
owner changes. Under ``sudo`` what is written stays the home owner's (:mod:`fsowner`).
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ConfigError, FileWriteError
from .fsowner import adopt_owner, make_private_dir

if TYPE_CHECKING:
    from filelock import BaseFileLock

LOCK_TIMEOUT_SECONDS = 30.0  # AZLOGIN_LOCK_TIMEOUT overrides it
LOCK_NOTICE_SECONDS = 1.0


def lock_timeout(env: Mapping[str, str] | None = None) -> float:
    """Seconds to wait for another azlogin's lock: ``AZLOGIN_LOCK_TIMEOUT``, else 30."""
    text = (os.environ if env is None else env).get("AZLOGIN_LOCK_TIMEOUT", "").strip()
    if not text:
        return LOCK_TIMEOUT_SECONDS
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value < float("inf"):
        raise ConfigError(
            f"AZLOGIN_LOCK_TIMEOUT={text!r} is not a number of seconds.",
            "Unset it, or use e.g. 30.",
        )
    return value


def display(path: Path) -> str:
    """A path as the user would write it (~ for the home directory)."""
    home = str(Path.home())
    text = str(path)
    return "~" + text[len(home) :] if text == home or text.startswith(home + os.sep) else text


def resolve_target(path: Path) -> Path:
    """Follow symlinks so the rename replaces the file, not the link."""
    return Path(os.path.realpath(path))


def _nearest_existing(path: Path) -> Path:
    while not os.path.lexists(path) and path != path.parent:
        path = path.parent
    return path


def check_directory(directory: Path, what: Path | None = None) -> None:
    """Raise FileWriteError unless files can be created in ``directory`` (made if missing);
    ``what``: the file that will be written there, for the message."""
    existing = _nearest_existing(directory)
    problem = None
    if not existing.is_dir():
        problem = f"{display(existing)} is not a directory"
    elif not os.access(existing, os.W_OK | os.X_OK):
        problem = f"{display(existing)} is not writable"
    if problem:
        raise FileWriteError(
            f"Cannot write {display(what or directory)}: {problem}.",
            f"Fix the permissions of {display(existing)} (or write elsewhere: "
            "AWS_SHARED_CREDENTIALS_FILE, AZLOGIN_STATE_DIR); nothing was signed in or changed.",
        )


def check_writable(path: Path, notify: Callable[[str], None] | None = None) -> None:
    """Raise FileWriteError now if :func:`update_section` could not write ``path`` later:
    a directory in its place, a directory that cannot be written, a lock that cannot be
    made or stays held. Nothing is created; the lock is taken and let go at once."""
    target = resolve_target(path)
    hint = "Move it away or fix the path; nothing was signed in or changed."
    if target.is_dir():
        raise FileWriteError(f"Cannot write {display(path)}: it is a directory.", hint)
    check_directory(target.parent, path)
    lock_file = Path(f"{target}.lock")
    if lock_file.is_symlink() or lock_file.is_dir():
        kind = "a symbolic link" if lock_file.is_symlink() else "a directory"
        raise FileWriteError(
            f"Cannot lock {display(path)}: {display(lock_file)} is {kind}.",
            f"Remove {display(lock_file)}; azlogin makes a plain lock file there.",
        )
    if target.parent.is_dir():
        with locked(path, notify=notify):
            pass


def permission_notes(target: Path) -> list[str]:
    """What replacing ``target`` with a private copy changes, in words (item: never silent)."""
    try:
        info = target.stat()
    except OSError:
        return []
    mode = stat.S_IMODE(info.st_mode)
    notes = []
    if os.geteuid() != 0 and info.st_uid != os.geteuid():
        notes.append(f"was owned by uid {info.st_uid}; the new copy is yours")
    if not mode & stat.S_IWUSR:
        notes.append(f"was read-only ({mode:04o}); replaced with a 0600 copy")
    elif mode & 0o077:
        notes.append(f"was readable by others ({mode:04o}); it is now 0600")
    return notes


def _temp_pattern(target: Path) -> re.Pattern[str]:
    # tempfile.mkstemp's names: the prefix, eight characters of its alphabet, the suffix.
    return re.compile(rf"^\.{re.escape(target.name)}\.[a-z0-9_]{{8}}\.tmp$")


def remove_stale_temps(target: Path) -> int:
    """Delete temp copies a killed writer left beside ``target`` (call under its lock: no
    live writer of ours has one then). They may hold secrets. Returns how many."""
    pattern = _temp_pattern(target)
    removed = 0
    with contextlib.suppress(OSError):
        for entry in os.scandir(target.parent):
            if pattern.match(entry.name) and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
                    removed += 1
    return removed


def atomic_write(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` all at once, 0600, or leave it untouched."""
    target = resolve_target(path)
    directory = make_private_dir(target.parent)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        adopt_owner(Path(tmp))  # under sudo: the user's file, as it was, not root's
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


@contextlib.contextmanager
def locked(
    path: Path,
    timeout: float | None = None,
    notify: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Hold the cross-process lock for ``path`` (a ``.lock`` file beside its target)."""
    from filelock import FileLock

    timeout = lock_timeout() if timeout is None else timeout
    lock = FileLock(str(resolve_target(path)) + ".lock", mode=0o600)
    if not _acquire(lock, min(LOCK_NOTICE_SECONDS, timeout), path):
        if notify:
            notify(f"Waiting for another azlogin to finish with {display(path)}…")
        if not _acquire(lock, max(0.0, timeout - LOCK_NOTICE_SECONDS), path):
            raise FileWriteError(
                f"{display(path)} stayed locked for {timeout:.0f} s by another process.",
                f"If no other azlogin is running, delete {display(Path(lock.lock_file))}.",
            )
    try:
        yield
    finally:
        lock.release()


def _acquire(lock: BaseFileLock, seconds: float, path: Path) -> bool:
    """True once held, False on time-out; a lock file that cannot be made is a write failure
    (filelock's Timeout is an OSError too, hence the order)."""
    from filelock import Timeout

    lock_file = Path(lock.lock_file)
    try:
        make_private_dir(lock_file.parent)
        lock.acquire(timeout=seconds)
        adopt_owner(lock_file)
    except Timeout:
        return False
    except OSError as exc:
        raise FileWriteError(
            f"Cannot write {display(path)}: cannot create {lock_file.name}: {exc.strerror or exc}.",
            "Check free disk space and the permissions of the directory; "
            "the file was left as it was.",
        ) from None
    return True


def tighten_mode(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.chmod(resolve_target(path), 0o600)
