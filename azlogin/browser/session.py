"""Where azlogin keeps its state, and the remembered browser profile of each sign-in identity.

A remembered profile holds Entra's "stay signed in" cookie (ESTSAUTHPERSISTENT), so it is
private to the user: every directory here is created 0700.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from ..errors import BrowserError
from ..models import Profile


def default_state_dir(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    configured = env.get("AZLOGIN_STATE_DIR")
    return Path(configured).expanduser() if configured else Path.home() / ".azlogin"


def private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) as 0700, and tighten it if it already exists."""
    # mkdir(parents=True) gives parents the umask's default mode, not ``mode``: a state dir
    # created on the way to diagnostics/ would be 0755 (0777 under umask 0).
    for directory in reversed([d for d in (path, *path.parents) if not d.exists()]):
        directory.mkdir(mode=0o700, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def session_key(profile: Profile) -> str:
    """One remembered session per (authority, tenant, username): different people or tenants
    never share cookies, while profiles for several roles of one identity do."""
    identity = "\n".join(
        (profile.authority_url.lower(), profile.tenant_id.lower(), (profile.username or "").lower())
    )
    return hashlib.sha256(identity.encode()).hexdigest()[:24]


def session_dir(profile: Profile, state_dir: Path) -> Path:
    return state_dir / "browser" / session_key(profile)


def has_session(profile: Profile, state_dir: Path) -> bool:
    path = session_dir(profile, state_dir)
    return path.is_dir() and any(path.iterdir())


def open_session_dir(profile: Profile, state_dir: Path) -> Path:
    private_dir(state_dir)
    private_dir(state_dir / "browser")
    return private_dir(session_dir(profile, state_dir))


# Chromium's tab-restore data keeps each navigation's POST body, so the SAMLResponse posted
# to the ACS would stay on disk. The remembered sign-in lives in the cookies, not here.
RESTORE_DATA = ("Sessions", "Current Session", "Current Tabs", "Last Session", "Last Tabs")


def drop_restore_data(user_data: Path) -> None:
    """Delete the closed browser profile's session-restore files (they hold the assertion)."""
    for name in RESTORE_DATA:
        path = user_data / "Default" / name
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()


def remove_session(profile: Profile, state_dir: Path) -> bool:
    """Delete the remembered browser profile; True when there was one."""
    path = session_dir(profile, state_dir)
    if not path.exists():
        return False
    shutil.rmtree(path)
    return True


@contextlib.contextmanager
def taking_turns(
    profile: Profile, state_dir: Path, timeout: float, notify: Callable[[str], None]
) -> Iterator[None]:
    """Hold the remembered profile of ``profile``'s identity for one sign-in.

    Chromium runs one process per profile directory, so two runs for one identity (two
    profiles refreshed at once, or parallel ``credential_process`` calls) take turns;
    the later one then finds the session the earlier one refreshed.
    """
    from filelock import FileLock, Timeout

    private_dir(state_dir)
    private_dir(state_dir / "browser")
    lock = FileLock(str(session_dir(profile, state_dir)) + ".lock", mode=0o600)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        who = profile.username or "this identity"
        notify(f"Waiting for another azlogin signing in as {who} to finish…")
        try:
            lock.acquire(timeout=timeout)
        except Timeout:
            raise BrowserError(
                f"Another azlogin has been signing in as {who} for {timeout:.0f} s.",
                f"Let it finish, or stop it; a stale lock is {lock.lock_file}.",
            ) from None
    try:
        yield
    finally:
        lock.release()
