"""Where azlogin keeps its state, and the remembered browser profile of each sign-in identity.

A remembered profile holds Entra's "stay signed in" cookie (ESTSAUTHPERSISTENT), so it is
private to the user: every directory here is created 0700.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Mapping
from pathlib import Path

from ..models import Profile


def default_state_dir(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    configured = env.get("AZLOGIN_STATE_DIR")
    return Path(configured).expanduser() if configured else Path.home() / ".azlogin"


def private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) as 0700, and tighten it if it already exists."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
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


def remove_session(profile: Profile, state_dir: Path) -> bool:
    """Delete the remembered browser profile; True when there was one."""
    path = session_dir(profile, state_dir)
    if not path.exists():
        return False
    shutil.rmtree(path)
    return True
