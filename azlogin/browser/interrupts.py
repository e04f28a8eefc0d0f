"""Pure: what azlogin says at the interrupts it gets through or stops at (the registration
nag, MFA registration, an expired password), worded once for the browser and the HTTP path.

Entra's "Let's keep your account secure" nag (AADSTS50203) can be postponed for a number
of days the page carries (``$Config.iRemainingDays`` where present, always in the skip
link's text); after that it becomes the registration wizard, which a CLI cannot do.
"""

from __future__ import annotations

import re

from ..errors import SignInError
from . import aadsts

NAG_CODE = "50203"  # registration can still be postponed
MFA_SETUP = "https://aka.ms/mfasetup"
SSPR = "https://aka.ms/sspr"
SKIP_LINK_ID = "idA_SkipMfaRegistration"  # "Skip for now (N days until this is required)"
_DIGITS = re.compile(r"\d+")


def days_left(config_value: object, link_text: str = "") -> int | None:
    """The days before registration is required: ``$Config``'s number, else the first
    number in the skip link's text (digits, whatever the language); None when neither."""
    if isinstance(config_value, int) and not isinstance(config_value, bool) and config_value >= 0:
        return config_value
    if isinstance(config_value, str) and config_value.strip().isdigit():
        return int(config_value)
    match = _DIGITS.search(link_text)
    return int(match.group(0)) if match else None


def nag_skipped(days: int | None) -> str:
    """The one line said after "Ask later"."""
    when = "soon" if days is None else f"in {days} day{'' if days == 1 else 's'}"
    return (
        f"Skipped Entra's request to set up multi-factor authentication; it becomes required "
        f"{when}: register at {MFA_SETUP} in a normal browser."
    )


def registration_required() -> SignInError:
    """The nag can no longer be skipped: stop before the registration wizard."""
    return aadsts.failure("50079", "")


def password_expired() -> SignInError:
    return aadsts.failure("50055", "")
