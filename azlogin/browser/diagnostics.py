"""Save what the browser showed when the sign-in got stuck, with every secret taken out.

Redaction happens twice: in the page before the screenshot (field values cleared, and every
field masked in the image), and on the saved HTML text (value attributes, SAMLResponse,
Entra's flow tokens, and every secret azlogin typed). Files are 0600 in a 0700 directory.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .session import private_dir

if TYPE_CHECKING:
    from playwright.sync_api import Page

log = logging.getLogger(__name__)

REDACTED = "[redacted]"

_FIELDS = "input, textarea, select"
_CLEAR_DOM = """() => {
  for (const el of document.querySelectorAll('input, textarea, select')) {
    if (el.type === 'checkbox' || el.type === 'radio') continue;
    el.value = '';
    el.setAttribute('value', '');
  }
  return true;
}"""

_VALUE_ATTR = re.compile(
    r"""(<(?:input|textarea|option)\b[^>]*?\bvalue\s*=\s*)("[^"]*"|'[^']*'|[^\s>]+)""", re.I
)
_TEXTAREA = re.compile(r"(<textarea\b[^>]*>)(.*?)(</textarea>)", re.I | re.S)
_SAML = re.compile(r"(SAMLResponse[\"']?\s*[=:]\s*[\"']?)[A-Za-z0-9+/=%]{16,}")
# Entra's $Config carries its flow token and anti-forgery canaries: session material.
_CONFIG_TOKENS = re.compile(r'("(?:sFT|sCtx|canary|apiCanary|sCanary)"\s*:\s*")[^"]*(")')
# A page may carry its $Config or its hand-off form base64-encoded in script (atob("…")):
# any long quoted run of base64 is treated as session material.
_BLOB = re.compile(r"""(["'])[A-Za-z0-9+/_-]{40,}={0,2}(\1)""")


def redact_html(html: str, secrets: Iterable[str] = ()) -> str:
    """``html`` with form values, assertions, flow tokens and the given secrets removed."""
    html = _VALUE_ATTR.sub(lambda m: f'{m.group(1)}"{REDACTED}"', html)
    html = _TEXTAREA.sub(lambda m: m.group(1) + REDACTED + m.group(3), html)
    html = _SAML.sub(lambda m: m.group(1) + REDACTED, html)
    html = _CONFIG_TOKENS.sub(lambda m: m.group(1) + REDACTED + m.group(2), html)
    html = _BLOB.sub(lambda m: m.group(1) + REDACTED + m.group(2), html)
    return redact_text(html, secrets)


def redact_text(text: str, secrets: Iterable[str]) -> str:
    # Longest first, so a secret containing another is removed whole.
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text


@dataclass(frozen=True)
class Dump:
    html: Path | None
    screenshot: Path | None

    def describe(self) -> str:
        saved = [str(p) for p in (self.screenshot, self.html) if p is not None]
        if not saved:
            return ""
        return (
            "A redacted screenshot and the page's HTML were saved for a bug report: "
            + ", ".join(saved)
        )


def save_dump(
    page: Page, state_dir: Path, label: str, secrets: Iterable[str], now: datetime
) -> Dump:
    """Redact the page and save its screenshot and HTML; never raises (diagnostics are extra)."""
    secrets = list(secrets)
    folder = private_dir(state_dir / "diagnostics")
    stem = folder / f"{now:%Y%m%d-%H%M%S}-{re.sub(r'[^a-z0-9-]+', '-', label.lower())}"
    html_path = png_path = None
    _stop_loading(page)
    try:
        page.wait_for_function(_CLEAR_DOM, timeout=2000)
    except Exception as exc:  # the mask below still hides every field
        log.debug("could not clear the page's fields: %s", type(exc).__name__)
    try:
        shot = page.screenshot(full_page=True, mask=[page.locator(_FIELDS)], timeout=5000)
        png_path = _write(stem.with_suffix(".png"), shot)
    except Exception as exc:
        log.debug("could not take a screenshot: %s", type(exc).__name__)
    try:
        html = redact_html(page.content(), secrets)
        html_path = _write(stem.with_suffix(".html"), html.encode())
    except Exception as exc:
        log.debug("could not save the page: %s", type(exc).__name__)
    return Dump(html_path, png_path)


def _stop_loading(page: Page) -> None:
    """Cancel a pending navigation: until a form POST commits, Chromium runs no script in the
    page and Playwright cannot read or screenshot it, and a stuck sign-in is often just that."""
    try:
        cdp = page.context.new_cdp_session(page)
        cdp.send("Page.stopLoading")
        cdp.detach()
    except Exception as exc:  # not Chromium, or the page is gone: nothing to cancel
        log.debug("could not stop loading: %s", type(exc).__name__)


def _write(path: Path, data: bytes) -> Path:
    for attempt in range(100):
        candidate = path if attempt == 0 else path.with_stem(f"{path.stem}-{attempt}")
        try:
            fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        return candidate
    raise FileExistsError(path)
