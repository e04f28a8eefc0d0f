"""The words both sign-in paths say at the registration nag and at the account states."""

from __future__ import annotations

import pytest

from azlogin.browser import interrupts


@pytest.mark.parametrize(
    ("config_value", "link_text", "days"),
    [
        (14, "", 14),
        ("3", "", 3),
        (None, "Skip for now (9 days until this is required)", 9),
        (None, "Ignorer pour l'instant (9 jours)", 9),  # digits, whatever the language
        (True, "2 days", 2),  # a boolean is no number of days
        (None, "Ask later", None),
    ],
)
def test_days_left_from_config_else_the_skip_link(
    config_value: object, link_text: str, days: int | None
) -> None:
    assert interrupts.days_left(config_value, link_text) == days


def test_the_nag_line_names_the_days_and_where_to_register() -> None:
    assert "required in 14 days: register at https://aka.ms/mfasetup" in (
        interrupts.nag_skipped(14)
    )
    assert "required in 1 day:" in interrupts.nag_skipped(1)
    assert "required soon:" in interrupts.nag_skipped(None)
    assert "\n" not in interrupts.nag_skipped(14)


def test_the_stops_carry_their_code_and_self_service_hint() -> None:
    required = interrupts.registration_required()
    assert (required.code, "https://aka.ms/mfasetup" in required.hint) == ("50079", True)
    expired = interrupts.password_expired()
    assert (expired.code, "https://aka.ms/sspr" in expired.hint) == ("50055", True)
