"""What a run works with, handed in from the edge: environment variables, the terminal, the
sign-in, STS clients, the clock and stdout. ``__main__`` builds the real one; tests build
theirs with fakes at these boundaries."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TextIO

from . import awsfiles
from .models import Credentials, Profile, SignInOptions
from .ui import UI

if TYPE_CHECKING:
    from .sts import StsApi


class AssertionProvider(Protocol):
    """Signs the person in and returns the base64 SAMLResponse, exactly as posted."""

    def get_assertion(self, profile: Profile, ui: UI, options: SignInOptions) -> str: ...


class StsFactory(Protocol):
    """An unsigned STS client for a profile's endpoint settings (AssumeRoleWithSAML).

    ``botocore_profile``: the profile botocore reads ``services``/``ca_bundle`` from (None
    for an environment-only profile); ``section``: its keys, already read.
    """

    def __call__(
        self,
        region: str | None,
        botocore_profile: str | None,
        verify: bool,
        section: Mapping[str, str] | None,
    ) -> StsApi: ...


def _signed(creds: Credentials, region: str | None, verify: bool, profile: str | None) -> StsApi:
    from .chain import signed_client

    return signed_client(creds, region, verify, profile)


@dataclass
class Runtime:
    env: Mapping[str, str]
    ui: UI
    provider: Callable[[], AssertionProvider]
    sts_api: StsFactory
    # A client signing with role credentials (AssumeRole hops of a chain).
    signed_sts: Callable[[Credentials, str | None, bool, str | None], StsApi] = _signed
    clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)
    out: TextIO = field(default_factory=lambda: sys.stdout)  # results only; messages go to ui

    @property
    def config_file(self) -> Path:
        return awsfiles.config_path(self.env)

    @property
    def credentials_file(self) -> Path:
        return awsfiles.credentials_path(self.env)
