"""Where obtained credentials live: the shared credentials file, or azlogin's private cache.

``credential-process`` must not write ~/.aws/credentials (an entry there would shadow
the credential_process itself), so it keeps its own 0600 cache under the state dir.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Protocol

from . import awsfiles, credentials, safefile
from .fsowner import make_private_dir
from .models import Credentials


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
        key = hashlib.sha256(f"{self.config_file.resolve()}\0{profile}".encode()).hexdigest()
        return self.directory / f"{key[:24]}.json"

    def load(self, profile: str) -> Credentials | None:
        try:
            data = json.loads(self._file(profile).read_text(encoding="utf-8"))
            return Credentials(
                data["AccessKeyId"],
                data["SecretAccessKey"],
                data["SessionToken"],
                datetime.fromisoformat(data["Expiration"].replace("Z", "+00:00")),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None  # no cache, or a damaged one: sign in again

    def save(self, profile: str, creds: Credentials) -> None:
        make_private_dir(self.directory)  # the state dir too; under sudo, the user's
        os.chmod(self.directory, 0o700)
        safefile.atomic_write(self._file(profile), json.dumps(as_process_json(creds)))

    def save_many(self, profiles: Mapping[str, Credentials]) -> None:
        for profile, creds in profiles.items():
            self.save(profile, creds)

    def check(self) -> None:
        safefile.check_directory(self.directory)


def as_process_json(creds: Credentials) -> dict[str, object]:
    """The credential_process format the AWS SDKs read."""
    return {
        "Version": 1,
        "AccessKeyId": creds.access_key_id,
        "SecretAccessKey": creds.secret_access_key,
        "SessionToken": creds.session_token,
        "Expiration": credentials.format_time(creds.expiration),
    }
