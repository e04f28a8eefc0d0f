"""A last line of defence: secrets registered here are masked in every log record.

azlogin's own messages never format secrets; this catches what a library might say.
"""

from __future__ import annotations

import logging

MASK = "‹redacted›"
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
