"""Pure: what Entra's AADSTS error codes mean to the person signing in, and what to do."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import SignInError


@dataclass(frozen=True)
class AadstsCode:
    code: str  # digits only, e.g. "50126"
    meaning: str
    hint: str


_GUI = "Try `--mode gui` to finish the sign-in in a visible browser window."
_COMPLIANT = (
    "Your organisation only allows managed browsers or devices: run with `--mode gui` and "
    "AZLOGIN_BROWSER=chrome (or msedge) to use the installed, signed-in Chrome or Edge."
)

_TABLE: dict[str, tuple[str, str]] = {
    "50034": ("user not found in this directory", "Check the username (azure_default_username)."),
    "50126": ("wrong username or password", "Check the username and password and try again."),
    "50053": (
        "account locked after too many failed sign-ins",
        "Wait for the lock to expire, or unlock it by resetting your password at "
        "https://aka.ms/sspr (or ask your administrator).",
    ),
    "50057": (
        "account disabled",
        "Ask your administrator to enable the account (a password reset does not).",
    ),
    "50055": (
        "password expired",
        "Change it at https://aka.ms/sspr (or sign in once in a normal browser), then run "
        "azlogin again.",
    ),
    "50076": ("multi-factor authentication required", _GUI),
    "50079": (
        "multi-factor authentication registration required",
        "Register a sign-in method at https://aka.ms/mfasetup in a normal browser first.",
    ),
    "50074": ("strong authentication required", _GUI),
    "50203": (
        "Entra asks you to register for multi-factor authentication",
        "azlogin skips this while Entra allows it; register at https://aka.ms/mfasetup.",
    ),
    "50105": (
        "your account is not assigned to the AWS application",
        "Ask your administrator to assign you (or your group) to the AWS enterprise app.",
    ),
    "700016": (
        "the application identifier URI was not found in this tenant",
        "Check azure_app_id_uri (it is the app's Identifier, e.g. "
        "https://signin.aws.amazon.com/saml or with #2 appended).",
    ),
    "90002": ("tenant not found", "Check azure_tenant_id (the directory's GUID or domain)."),
    "53000": ("conditional access: the device is not compliant", _COMPLIANT),
    "53003": ("conditional access policy blocked the sign-in", _COMPLIANT),
    "530032": ("blocked by a security policy", _COMPLIANT),
    "50097": ("device authentication required", _COMPLIANT),
    "50158": ("an external security challenge was not satisfied", _GUI),
    "500121": (
        "multi-factor authentication failed (denied or not answered)",
        "Sign in again and approve the request on your phone.",
    ),
    "50058": ("no session to continue silently", "Sign in again."),
    "50059": ("no tenant could be determined for the sign-in", "Check azure_tenant_id."),
}

_CODE = re.compile(r"AADSTS(\d{5,7})")


def lookup(code: str) -> AadstsCode | None:
    """The table entry for ``code`` (with or without the AADSTS prefix)."""
    digits = code.removeprefix("AADSTS").strip()
    entry = _TABLE.get(digits)
    return AadstsCode(digits, *entry) if entry else None


def find_code(text: str) -> str | None:
    """The first AADSTS code mentioned in ``text``, digits only."""
    match = _CODE.search(text)
    return match.group(1) if match else None


def describe(code: str, fallback: str = "") -> tuple[str, str]:
    """(message, hint) for an error page showing ``code``; ``fallback`` is the page's own text."""
    entry = lookup(code)
    if entry is None:
        detail = f": {fallback}" if fallback else ""
        return (
            f"Sign-in failed with AADSTS{code}{detail}",
            "Look the code up at https://login.microsoftonline.com/error?code=" + code,
        )
    return f"Sign-in failed: {entry.meaning} (AADSTS{code}).", entry.hint


def failure(code: str, text: str) -> SignInError:
    """The error for a page that ends the sign-in: named by ``code`` when there is one,
    else by the page's own ``text``. Both sign-in paths word it so."""
    if code:
        message, hint = describe(code, text)
        return SignInError(message, hint, code=code)
    return SignInError(
        f"Sign-in failed: {text or 'the sign-in page showed an error'}.",
        "Sign in once in a normal browser to see the page; --mode gui shows it from azlogin.",
    )
