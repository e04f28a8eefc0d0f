from __future__ import annotations

import pytest

from azlogin.errors import ConfigError
from azlogin.totp import code

# RFC 6238 appendix B: the ASCII secret "12345678901234567890", SHA-1, 8 digits.
RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (59, "94287082"),
        (1111111109, "07081804"),
        (1234567890, "89005924"),
        (2000000000, "69279037"),
    ],
)
def test_rfc_6238_vectors(at: int, expected: str) -> None:
    assert code(RFC_SECRET, at=at, digits=8) == expected


def test_short_entra_secret_with_spaces_and_lowercase() -> None:
    assert code("jbsw y3dp ehpk 3pxp", at=59) == code("JBSWY3DPEHPK3PXP", at=59)
    assert len(code("JBSWY3DPEHPK3PXP")) == 6


def test_bad_secret_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="base32"):
        code("not base32 !!")
