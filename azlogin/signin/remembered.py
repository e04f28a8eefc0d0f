"""The remembered Entra session of each identity, as cookies: what "stay signed in"
left on the authority host, kept so the next sign-in needs no browser.

One JSON document per identity (authority, tenant, username), in a :class:`Slot`: a 0600
file under the state dir, written atomically, or with ``azlogin_store = keyring`` an entry
of the OS keyring (and then no file). It is written while the identity's sign-in lock is
held (the caller holds it, as for the browser profile). Values are registered as secrets
as soon as they are read, so no message, log or dump can show them.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit

from ..models import Profile
from ..redact import SECRETS
from ..safefile import atomic_write
from .handover import Cookie

if TYPE_CHECKING:
    from ..oskeyring import Keyring

log = logging.getLogger(__name__)

_FIELDS = ("name", "value", "domain", "path", "expires", "httpOnly", "secure", "sameSite")


def store_path(state_dir: Path, identity_key: str) -> Path:
    return state_dir / "sessions" / f"{identity_key}.json"


class Slot(Protocol):
    """Where one identity's session is kept: one text, read, replaced or removed whole."""

    def read(self) -> str | None:
        """The text, or None when nothing is kept (or a file azlogin cannot read)."""
        ...

    def write(self, text: str) -> None: ...

    def delete(self) -> bool:
        """Remove what is kept; True if there was something."""
        ...

    def check(self) -> None:
        """Raise now if the slot cannot be used: before a sign-in, not after it."""
        ...


@dataclass(frozen=True)
class FileSlot:
    path: Path

    def read(self) -> str | None:
        try:
            return self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            log.debug("ignoring the remembered session %s: %s", self.path, type(exc).__name__)
            return None

    def write(self, text: str) -> None:
        atomic_write(self.path, text)

    def delete(self) -> bool:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
            return True
        return False

    def check(self) -> None:
        pass  # the state dir is checked with the browser's (session.check_usable)


@dataclass(frozen=True)
class KeyringSlot:
    """An entry of the OS keyring; ``leftover``: the file it was kept in before the profile
    chose the keyring, removed as the keyring takes over so no copy stays on disk."""

    keyring: Keyring
    key: str
    leftover: FileSlot

    def read(self) -> str | None:
        return self.keyring.get(self.key)

    def write(self, text: str) -> None:
        self.keyring.set(self.key, text)
        self.leftover.delete()

    def delete(self) -> bool:
        forgot = self.keyring.delete(self.key)
        return self.leftover.delete() or forgot

    def check(self) -> None:
        self.keyring.get(self.key)  # a real round trip: a stall shows now, not after MFA


def slot(profile: Profile, state_dir: Path, identity_key: str, env: Mapping[str, str]) -> Slot:
    """The slot of ``profile``'s identity, in the store the profile chose."""
    file = FileSlot(store_path(state_dir, identity_key))
    if profile.store != "keyring":
        return file
    from ..oskeyring import Keyring

    source = profile.sources.get("store", "")
    return KeyringSlot(Keyring(env, source), f"session:{identity_key}", file)


def _slot(where: Slot | Path) -> Slot:
    return FileSlot(where) if isinstance(where, Path) else where


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


def load(where: Slot | Path, now: float | None = None) -> list[dict[str, Any]]:
    """The unexpired remembered cookies, or [] (none kept, or none azlogin can read).
    ``where``: a slot, or a path (a file slot)."""
    text = _slot(where).read()
    if text is None:
        return []
    try:
        data = json.loads(text)
    except ValueError:
        log.debug("ignoring a remembered session that is not JSON")
        return []
    if not isinstance(data, dict) or not isinstance(data.get("cookies"), list):
        return []
    cookies = [c for c in data["cookies"] if isinstance(c, dict) and _well_formed(c)]
    SECRETS.add(*(str(c["value"]) for c in cookies))
    return persistent(cookies, time.time() if now is None else now)


def save(where: Slot | Path, cookies: Sequence[Cookie], now: float | None = None) -> int:
    """Keep the persistent ``cookies`` (already narrowed to the authority host); returns how
    many. Nothing to keep removes the file: an expired session is no session."""
    kept = persistent(cookies, time.time() if now is None else now)
    SECRETS.add(*(str(c["value"]) for c in kept))
    if not kept:
        forget(where)
        return 0
    _slot(where).write(json.dumps({"version": 1, "cookies": kept}, indent=1) + "\n")
    return len(kept)


def forget(where: Slot | Path) -> bool:
    return _slot(where).delete()


def _well_formed(cookie: dict[str, Any]) -> bool:
    return all(isinstance(cookie.get(k), str) for k in ("name", "value", "domain", "path"))
