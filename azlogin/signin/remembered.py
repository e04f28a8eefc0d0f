"""The remembered Entra session of each identity, as cookies: what "stay signed in"
left on the authority host, kept so the next sign-in needs no browser.

One JSON file per identity (authority, tenant, username) under the state dir, 0600,
written atomically while the identity's sign-in lock is held (the caller holds it, as
for the browser profile). Values are registered as secrets as soon as they are read, so
no message, log or dump can show them.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..models import Profile
from ..redact import SECRETS
from ..safefile import atomic_write
from .handover import Cookie

log = logging.getLogger(__name__)

_FIELDS = ("name", "value", "domain", "path", "expires", "httpOnly", "secure", "sameSite")


def store_path(state_dir: Path, identity_key: str) -> Path:
    return state_dir / "sessions" / f"{identity_key}.json"


def authority_host(profile: Profile) -> str:
    return (urlsplit(profile.authority_url).hostname or "").lower()


def for_host(cookies: Iterable[Cookie], host: str) -> list[Cookie]:
    """The cookies a browser would send to ``host``: its own and its parent domains'."""
    host = host.lower()
    kept = []
    for cookie in cookies:
        domain = str(cookie.get("domain") or "").lower().lstrip(".")
        if domain and (host == domain or host.endswith("." + domain)):
            kept.append(cookie)
    return kept


def persistent(cookies: Iterable[Cookie], now: float) -> list[dict[str, Any]]:
    """What a browser keeps across restarts: cookies with a future expiry, nothing else."""
    kept = []
    for cookie in cookies:
        expires = cookie.get("expires")
        if isinstance(expires, (int, float)) and expires > now:
            kept.append({k: cookie[k] for k in _FIELDS if k in cookie})
    return kept


def load(path: Path, now: float | None = None) -> list[dict[str, Any]]:
    """The unexpired remembered cookies, or [] (none kept, or a file azlogin cannot read)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as exc:
        log.debug("ignoring the remembered session %s: %s", path, type(exc).__name__)
        return []
    if not isinstance(data, dict) or not isinstance(data.get("cookies"), list):
        return []
    cookies = [c for c in data["cookies"] if isinstance(c, dict) and _well_formed(c)]
    SECRETS.add(*(str(c["value"]) for c in cookies))
    return persistent(cookies, time.time() if now is None else now)


def save(path: Path, cookies: Sequence[Cookie], now: float | None = None) -> int:
    """Keep the persistent ``cookies`` (already narrowed to the authority host); returns how
    many. Nothing to keep removes the file: an expired session is no session."""
    kept = persistent(cookies, time.time() if now is None else now)
    SECRETS.add(*(str(c["value"]) for c in kept))
    if not kept:
        forget(path)
        return 0
    atomic_write(path, json.dumps({"version": 1, "cookies": kept}, indent=1) + "\n")
    return len(kept)


def forget(path: Path) -> bool:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
        return True
    return False


def _well_formed(cookie: dict[str, Any]) -> bool:
    return all(isinstance(cookie.get(k), str) for k in ("name", "value", "domain", "path"))
