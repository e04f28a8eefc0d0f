"""A last line of defence: secrets registered here are masked in every log record.

azlogin's own messages never format secrets; this catches what a library might say.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

MASK = "‹redacted›"
# Where azlogin reads secrets from (either case): never handed on to a process it starts.
SECRET_VARIABLES = ("AZURE_DEFAULT_PASSWORD", "AZLOGIN_MFA_CODE", "AZLOGIN_TOTP_SECRET")
MIN_LENGTH = 4  # shorter strings would mask ordinary words


class SecretRegistry(logging.Filter):
    def __init__(self) -> None:
        super().__init__()
        self._secrets: set[str] = set()

    def add(self, *values: str | None) -> None:
        self._secrets.update(v for v in values if v and len(v) >= MIN_LENGTH)

    def scrub(self, text: str) -> str:
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, MASK)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if self._secrets:
            record.msg = self.scrub(record.getMessage())
            record.args = None
        return True


SECRETS = SecretRegistry()
log = logging.getLogger("azlogin")
log.addFilter(SECRETS)


def without_secrets(env: Mapping[str, str]) -> dict[str, str]:
    """``env`` without azlogin's secret inputs: for the browser and for ``exec``'s command."""
    drop = {n for name in SECRET_VARIABLES for n in (name, name.lower())}
    return {k: v for k, v in env.items() if k not in drop}
