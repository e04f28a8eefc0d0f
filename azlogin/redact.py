"""A last line of defence: secrets registered here are masked in every log record.

azlogin's own messages never format secrets; this catches what a library might say.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TextIO

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


def configure_logging(debug: bool, stderr: TextIO) -> None:
    """azlogin's log to ``stderr`` under --debug, secrets masked; otherwise warnings only."""
    # Only azlogin's own logger: botocore's debug log would print the assertion and keys.
    for handler in list(log.handlers):
        log.removeHandler(handler)
    if debug:
        handler = logging.StreamHandler(stderr)
        handler.setFormatter(logging.Formatter("debug: %(message)s"))
        handler.addFilter(SECRETS)
        log.addHandler(handler)
        log.setLevel(logging.DEBUG)
    else:
        log.setLevel(logging.WARNING)
    log.propagate = False
    # Playwright logs errors of its event listeners (its next call raises them anyway);
    # after Ctrl-C those are tracebacks about the driver's closed pipe, printed before
    # azlogin can say "interrupted". They are for --debug only.
    logging.getLogger("playwright").setLevel(logging.NOTSET if debug else logging.CRITICAL)
