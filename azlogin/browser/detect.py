"""Read what the sign-in page shows right now, in one script run inside the page.

Entra's sign-in is a single-page app: views are hidden (``.moveOffScreen``) rather than
unloaded, so a page kind is decided by which known element ids are *visible*, with
``$Config.pgid`` as a second signal. No English text is ever read to decide anything.

The same script serves as the predicate of ``page.wait_for_function``: it returns
``null`` until a page we know (different from the one we acted on) is showing, so the
flow waits on the browser's own polling and never sleeps.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .capture import MARKER_ID

# Where a page shows an error, in order of preference.
ERROR_SELECTORS = (
    "#usernameError",
    "#passwordError",
    "#idSpan_SAOTCC_Error_OTC",
    "#service_exception_message",
    "#idDiv_SAASDS_Description",
    "#idDiv_SAASTO_Description",
    "#idDiv_RemoteNGC_Error",
    ".alert-error",
    "#errorText",  # AD FS
)
# The number to type in Authenticator (number matching, passwordless phone sign-in).
NUMBER_SELECTORS = ("#idRichContext_DisplaySign", "#idRemoteNGC_DisplaySign")

# Hosts that belong to the Microsoft sign-in itself; anything else is another IdP.
MICROSOFT_HOST_SUFFIXES = (
    "microsoftonline.com",
    "microsoftonline.us",
    "microsoftonline.cn",
    "login.live.com",
    "microsoftazuread-sso.com",
    "msauth.net",
    "msftauth.net",
)

STATE_JS = """(arg) => {
  const shown = (el) => {
    if (!el || !el.isConnected || el.closest('.moveOffScreen')) return false;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') return false;
    return Array.from(el.getClientRects()).some((r) => r.width > 0 && r.height > 0);
  };
  const firstShown = (sels) => {
    for (const sel of sels) {
      for (const el of document.querySelectorAll(sel)) if (shown(el)) return el;
    }
    return null;
  };
  const text = (el) => (el ? (el.innerText || el.textContent || '').trim().slice(0, 500) : '');
  const host = location.host.toLowerCase();
  const homeHost = (h) =>
    arg.home.includes(h) || arg.suffixes.some((s) => h === s || h.endsWith('.' + s));
  const captured = !!document.getElementById(arg.marker);
  const foreign = !captured && location.protocol !== 'about:' && !homeHost(host);
  const cfg = (window.$Config && typeof window.$Config === 'object') ? window.$Config : {};
  const pgid = String(cfg.pgid || '');
  let kind = null;
  for (const row of arg.rows) {
    if (row.pgids.includes(pgid) || firstShown(row.visible) ||
        row.present.some((s) => document.querySelector(s))) { kind = row.name; break; }
  }
  const errorEl = firstShown(arg.errors);
  const error = text(errorEl);
  const fresh = !!errorEl && errorEl.getAttribute('data-azlogin-seen') !== error;
  if (!window.__azloginDoc) window.__azloginDoc = Math.random().toString(36).slice(2);
  const number = text(firstShown(arg.numbers));
  const sig = [kind, pgid, window.__azloginDoc, number].join('|');
  const codeIn = (s) => { const m = /AADSTS(\\d{5,7})/.exec(s || ''); return m ? m[1] : ''; };
  // $Config keeps an old iErrorCode after the error is gone: trust it only on error pages.
  const ending = arg.endings.includes(kind);
  const code = codeIn(error) || (error || ending ? String(cfg.iErrorCode || '') : '') ||
    (ending ? codeIn(cfg.strServiceExceptionMessage) || codeIn(document.body.innerText) : '');
  const state = { kind, pgid, sig, error, code, number, captured, foreign, href: location.href };
  if (arg.mode === 'now') return state;
  if (captured) return state;
  // A company IdP's page no row knows ends the walk, once it has loaded; one a row knows
  // (AD FS) is walked like Entra's.
  if (foreign && !kind) return document.readyState === 'loading' ? null : state;
  if (!kind || (sig === arg.prev && !fresh)) return null;
  // Remember the error we report, so only a new one counts as the page moving on.
  if (errorEl) errorEl.setAttribute('data-azlogin-seen', error);
  return state;
}"""


@dataclass(frozen=True)
class Detector:
    """How a page kind shows itself: any selector visible, a ``$Config.pgid``, or an element
    present even when hidden (the hand-off form has no visible box)."""

    visible: tuple[str, ...] = ()
    pgids: tuple[str, ...] = ()
    present: tuple[str, ...] = ()


@dataclass(frozen=True)
class PageState:
    kind: str | None
    pgid: str = ""
    sig: str = ""
    error: str = ""
    code: str = ""
    number: str = ""
    captured: bool = False
    foreign: bool = False
    href: str = ""

    @classmethod
    def from_js(cls, value: Mapping[str, Any]) -> PageState:
        return cls(
            kind=value.get("kind") or None,
            pgid=str(value.get("pgid") or ""),
            sig=str(value.get("sig") or ""),
            error=str(value.get("error") or ""),
            code=str(value.get("code") or ""),
            number=str(value.get("number") or ""),
            captured=bool(value.get("captured")),
            foreign=bool(value.get("foreign")),
            href=str(value.get("href") or ""),
        )


def script_arg(
    rows: Sequence[tuple[str, Detector]],
    *,
    endings: Sequence[str],
    home_hosts: Sequence[str],
    prev: str | None,
    now: bool,
) -> dict[str, Any]:
    """The argument of :data:`STATE_JS`: the detector table and what counts as a change."""
    return {
        "rows": [
            {
                "name": name,
                "visible": list(d.visible),
                "pgids": list(d.pgids),
                "present": list(d.present),
            }
            for name, d in rows
        ],
        "endings": list(endings),
        "home": [h.lower() for h in home_hosts],
        "suffixes": list(MICROSOFT_HOST_SUFFIXES),
        "errors": list(ERROR_SELECTORS),
        "numbers": list(NUMBER_SELECTORS),
        "marker": MARKER_ID,
        "prev": prev,
        "mode": "now" if now else "next",
    }
