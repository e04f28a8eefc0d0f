"""RFC 6238 time-based one-time codes, for AZLOGIN_TOTP_SECRET.

Our own ten lines rather than pyotp: pyotp ≥ 2.10 refuses secrets under 112 bits, and the
16-character (80-bit) secrets Entra ID hands out are exactly that size.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import struct
import time

from .errors import ConfigError


def code(secret: str, at: float | None = None, digits: int = 6, period: int = 30) -> str:
    cleaned = secret.replace(" ", "").replace("-", "").upper()
    try:
        key = base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))
    except (binascii.Error, ValueError):
        raise ConfigError(
            "AZLOGIN_TOTP_SECRET is not a base32 secret.",
            "Use the secret shown when the authenticator app was registered.",
        ) from None
    counter = int((time.time() if at is None else at) // period)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)
