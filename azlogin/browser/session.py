"""Where azlogin keeps its state, and the remembered browser profile of each sign-in identity.

A remembered profile holds Entra's "stay signed in" cookie (ESTSAUTHPERSISTENT), so it is
private to the user: every directory here is created 0700. Under ``sudo`` with a user's
HOME, what azlogin and the browser write here is handed back to the owner afterwards.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import stat
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from ..errors import BrowserError, ConfigError
from ..fsowner import adopt_owner, make_private_dir
from ..models import Profile


def default_state_dir(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    configured = env.get("AZLOGIN_STATE_DIR")
    return Path(configured).expanduser() if configured else Path.home() / ".azlogin"


def private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) as 0700, and tighten it if it already exists."""
    # Not mkdir(parents=True): that gives parents the umask's default mode, so a state dir
    # created on the way to diagnostics/ would be 0755 (0777 under umask 0).
    make_private_dir(path)
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


def lock_path(profile: Profile, state_dir: Path) -> Path:
    return state_dir / "browser" / (session_key(profile) + ".lock")


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
    lock = FileLock(str(lock_path(profile, state_dir)), mode=0o600)
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
    adopt_owner(lock_path(profile, state_dir))
    try:
        yield
    finally:
        lock.release()


def check_usable(profile: Profile, state_dir: Path, *, euid: int | None = None) -> None:
    """Refuse, before any browser starts, a state dir this run could not use: one left
    behind by ``sudo azlogin`` (owned by root) or a lock path that is not a plain file."""
    lock = lock_path(profile, state_dir)
    if profile.remember_me:
        _check_lock_file(lock)
    if euid is None:
        if not hasattr(os, "geteuid"):
            return  # Windows: no owners to compare
        euid = os.geteuid()
    if euid == 0:
        return  # root uses anything; what it creates is given to the owner (see fsowner)
    paths = [state_dir, state_dir / "browser", state_dir / "diagnostics"]
    if profile.remember_me:
        paths += [lock, session_dir(profile, state_dir)]
    for path in paths:
        _check_owner(path, euid, state_dir)
    if profile.remember_me:
        # Chromium fails on a single unwritable file in its profile, far from any useful
        # message, so every entry of the remembered profile is looked at (a few hundred).
        for root, dirs, files in os.walk(session_dir(profile, state_dir)):
            for name in (*dirs, *files):
                _check_owner(Path(root, name), euid, state_dir)


def _check_owner(path: Path, euid: int, state_dir: Path) -> None:
    try:
        # The state dir itself may be a link to where the user keeps it: its target counts.
        owner = (path.stat() if path == state_dir else path.lstat()).st_uid
    except FileNotFoundError:
        return
    if owner != euid:
        raise ConfigError(
            f"{path} belongs to {_user(owner)}, not to you ({_user(euid)}).",
            "It was probably left by `sudo azlogin`; take azlogin's state back with: "
            f"sudo chown -R $USER {state_dir}",
        )


def _check_lock_file(lock: Path) -> None:
    try:
        mode = lock.lstat().st_mode
    except FileNotFoundError:
        return
    if stat.S_ISREG(mode):
        return
    if stat.S_ISLNK(mode):
        what, fix = "a symbolic link", f"rm {lock}"
    elif stat.S_ISDIR(mode):
        what, fix = "a directory", f"rm -r {lock}"
    else:
        what, fix = "not a regular file", f"rm {lock}"
    raise ConfigError(
        f"The sign-in lock {lock} is {what}.",
        f"Remove it (azlogin makes its lock file itself): {fix}",
    )


def _user(uid: int) -> str:
    try:
        import pwd

        return f"{pwd.getpwuid(uid).pw_name} (uid {uid})"
    except (ImportError, KeyError):
        return f"uid {uid}"


def browser_home(env: Mapping[str, str], state_dir: Path) -> Path | None:
    """Where the browser's HOME goes when it must not be the user's: under ``sudo``, Chromium
    would leave root-owned ~/.config/chromium and ~/.cache in the user's home."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return None
    home = env.get("HOME")
    try:
        if not home or os.stat(home).st_uid == 0:
            return None
    except OSError:
        return None
    return private_dir(state_dir / "browser" / "home")


def hand_back(state_dir: Path) -> None:
    """After a run as root: give everything the run (and the browser) wrote under the state
    dir the owner of the directory it is in, as :func:`~azlogin.fsowner.adopt_owner` does."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or not state_dir.is_dir():
        return
    for root, dirs, files in os.walk(state_dir):  # top-down: a folder is fixed before its files
        for name in (*dirs, *files):
            adopt_owner(Path(root, name))
