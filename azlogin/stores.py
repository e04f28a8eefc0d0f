"""Where obtained credentials live: the shared credentials file, or azlogin's private cache.

``credential-process`` must not write ~/.aws/credentials (an entry there would shadow
the credential_process itself), so it keeps its own cache: 0600 files under the state
dir, or the OS keyring when the profile says ``azlogin_store = keyring``
(:func:`private_store` picks, for every command that keeps a private copy).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from . import awsfiles, credentials, safefile
from .fsowner import make_private_dir
from .models import Credentials
from .redact import SECRETS, log

if TYPE_CHECKING:
    from .oskeyring import Keyring
    from .plan import Files


def state_dir(env: Mapping[str, str]) -> Path:
    configured = env.get("AZLOGIN_STATE_DIR")
    return Path(configured).expanduser() if configured else Path.home() / ".azlogin"


class Store(Protocol):
    location: str  # where a save goes, as a message says it: a value, known before any save

    def load(self, profile: str) -> Credentials | None: ...

    def save(self, profile: str, creds: Credentials) -> None: ...

    def save_many(self, profiles: Mapping[str, Credentials]) -> None: ...

    def check(self) -> None:
        """Raise now if a later save could not be written."""
        ...


class FileStore:
    """The profile's section of ~/.aws/credentials.

    ``snapshot``: the file as this run already read it, so that it is read once; a save
    reads it again under the lock only if it changed since.
    """

    def __init__(
        self,
        path: Path,
        notify: Callable[[str], None] | None = None,
        snapshot: awsfiles.Snapshot | None = None,
    ) -> None:
        self.path = path
        self.notify = notify
        self.snapshot = snapshot
        self.location = awsfiles.display(path)

    def load(self, profile: str) -> Credentials | None:
        if self.snapshot is None:
            self.snapshot = awsfiles.read_snapshot(self.path)
        section = self.snapshot.sections.get(profile) or {}
        expires = credentials.parse_time(section.get("aws_expiration", ""))
        keys = [section.get(k, "") for k in credentials.KEYS[:3]]
        if expires is None or not keys[0] or not keys[1]:
            return None
        return Credentials(keys[0], keys[1], keys[2], expires)

    def save(self, profile: str, creds: Credentials) -> None:
        self.save_many({profile: creds})

    def save_many(self, profiles: Mapping[str, Credentials]) -> None:
        credentials.write(self.path, profiles, self.notify, self.snapshot)
        self.snapshot = None  # the file is another one now

    def check(self) -> None:
        safefile.check_writable(self.path, self.notify)


class CacheStore:
    """One private JSON file per profile and config file, mode 0600 in a 0700 directory."""

    def __init__(self, directory: Path, config_file: Path) -> None:
        self.directory = directory
        self.config_file = config_file
        self.location = "azlogin's private cache"

    def _file(self, profile: str) -> Path:
        return self.directory / f"{cache_key(self.config_file, profile)}.json"

    def load(self, profile: str) -> Credentials | None:
        try:
            text = self._file(profile).read_text(encoding="utf-8")
        except (OSError, ValueError):
            return None  # no cache, or not text: sign in
        return from_process_json(text)

    def save(self, profile: str, creds: Credentials) -> None:
        make_private_dir(self.directory)  # the state dir too; under sudo, the user's
        os.chmod(self.directory, 0o700)
        safefile.atomic_write(self._file(profile), json.dumps(as_process_json(creds)))

    def save_many(self, profiles: Mapping[str, Credentials]) -> None:
        for profile, creds in profiles.items():
            self.save(profile, creds)

    def check(self) -> None:
        safefile.check_directory(self.directory)

    def discard(self, profile: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self._file(profile).unlink()


class KeyringCacheStore:
    """The same cache in the OS keyring: one entry per profile and config file.

    ``leftover``: the files a cache kept before the profile chose the keyring, removed as
    the keyring takes over, so that no copy stays on disk.
    """

    def __init__(self, keyring: Keyring, config_file: Path, leftover: CacheStore) -> None:
        self.keyring = keyring
        self.config_file = config_file
        self.leftover = leftover
        self.location = "the OS keyring"

    def _key(self, profile: str) -> str:
        return f"credentials:{cache_key(self.config_file, profile)}"

    def load(self, profile: str) -> Credentials | None:
        text = self.keyring.get(self._key(profile))
        return None if text is None else from_process_json(text)

    def save(self, profile: str, creds: Credentials) -> None:
        self.keyring.set(self._key(profile), json.dumps(as_process_json(creds)))
        self.leftover.discard(profile)

    def save_many(self, profiles: Mapping[str, Credentials]) -> None:
        for profile, creds in profiles.items():
            self.save(profile, creds)

    def check(self) -> None:
        self.keyring.check()


def private_store(
    env: Mapping[str, str],
    config_file: Path,
    profile: str,
    sections: Mapping[str, dict[str, str]] | None = None,
) -> CacheStore | KeyringCacheStore:
    """azlogin's own store for ``profile``'s credentials (credential-process, serve): 0600
    files under the state dir, or the OS keyring (``azlogin_store``, see
    :func:`profiles.store_choice`). ``sections``: the config file, if already read."""
    from .profiles import store_choice

    sections = awsfiles.read_sections(config_file) if sections is None else sections
    choice, source = store_choice(profile, env, config_file, sections)
    log.debug("private store: %s (azlogin_store from %s)", choice, source)
    files = CacheStore(state_dir(env) / "cache", config_file)
    if choice != "keyring":
        return files
    from .oskeyring import Keyring

    return KeyringCacheStore(Keyring(env, source), config_file, files)


def private_store_for(
    env: Mapping[str, str], profile: str
) -> Callable[[Files], CacheStore | KeyringCacheStore]:
    """:func:`private_store`, chosen from the config file as the plan read it."""

    def choose(files: Files) -> CacheStore | KeyringCacheStore:
        return private_store(env, files.config_path, profile, files.config)

    return choose


def cache_key(config_file: Path, profile: str) -> str:
    """One name per profile of one config file (a hash: a profile name may be anything)."""
    return hashlib.sha256(f"{config_file.resolve()}\0{profile}".encode()).hexdigest()[:24]


def from_process_json(text: str) -> Credentials | None:
    """Credentials from :func:`as_process_json`'s text, registered as secrets; None when
    damaged (sign in again)."""
    try:
        data = json.loads(text)
        keys = [data[k] for k in ("AccessKeyId", "SecretAccessKey", "SessionToken")]
        expires = datetime.fromisoformat(data["Expiration"].replace("Z", "+00:00"))
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    if not all(isinstance(key, str) for key in keys):
        return None
    creds = Credentials(keys[0], keys[1], keys[2], expires)
    SECRETS.add(creds.secret_access_key, creds.session_token)
    return creds


def as_process_json(creds: Credentials) -> dict[str, object]:
    """The credential_process format the AWS SDKs read."""
    return {
        "Version": 1,
        "AccessKeyId": creds.access_key_id,
        "SecretAccessKey": creds.secret_access_key,
        "SessionToken": creds.session_token,
        "Expiration": credentials.format_time(creds.expiration),
    }
