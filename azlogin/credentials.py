"""The profile's section of ~/.aws/credentials: when it expires, and writing new keys."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path

from . import awsfiles
from .models import Credentials

# aws-azure-login's rule: refresh when fewer than 11 minutes remain.
REFRESH_MARGIN = timedelta(minutes=11)
KEYS = ("aws_access_key_id", "aws_secret_access_key", "aws_session_token", "aws_expiration")


def format_time(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def hours_text(seconds: float) -> str:
    """ "8 h", "7 h 59 min", "45 min": what a person reads at a glance."""
    hours, minutes = divmod(max(0, round(seconds / 60)), 60)
    if not hours:
        return f"{minutes} min"
    return f"{hours} h" if not minutes else f"{hours} h {minutes} min"


def parse_time(text: str) -> datetime | None:
    value = text.strip().replace("Z", "+00:00")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def still_valid(expires: datetime | None, now: datetime) -> bool:
    return expires is not None and expires - now > REFRESH_MARGIN


def values(credentials: Credentials) -> dict[str, str | None]:
    """The keys of a credentials-file section, as aws-azure-login writes them."""
    return {
        "aws_access_key_id": credentials.access_key_id,
        "aws_secret_access_key": credentials.secret_access_key,
        "aws_session_token": credentials.session_token,
        "aws_expiration": format_time(credentials.expiration),
    }


def write(
    path: Path,
    profiles: Mapping[str, Credentials],
    notify: Callable[[str], None] | None = None,
    known: awsfiles.Snapshot | None = None,
) -> None:
    """Write each profile's section of the credentials file, in one locked update."""
    changes = {name: values(creds) for name, creds in profiles.items()}
    awsfiles.update_sections(path, changes, notify=notify, known=known)
