"""The credential server's answers and the renewal schedule, without sockets or clocks."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from azlogin.credential_server import Held, answer
from azlogin.errors import AwsError, Interrupted, PromptRequired
from azlogin.grants import Outcome
from azlogin.models import Credentials
from azlogin.refresher import Refresher, renewal_time

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=timezone.utc)
TOKEN = "t0ken"
HOSTS = ("127.0.0.1:8123", "localhost:8123")
GOOD = {"host": "127.0.0.1:8123", "authorization": TOKEN}


def creds(key: str = "AKIA1", minutes: float = 60, now: datetime = NOW) -> Credentials:
    return Credentials(key, "secret", "session", now + timedelta(minutes=minutes))


def test_valid_credentials_are_answered_in_the_sdk_format() -> None:
    got = answer("GET", "/", GOOD, TOKEN, HOSTS, Held(creds()), NOW)
    assert got.status == 200
    assert dict(got.body) == {
        "AccessKeyId": "AKIA1",
        "SecretAccessKey": "secret",
        "Token": "session",
        "Expiration": "2026-12-03T13:00:00Z",
    }


@pytest.mark.parametrize(
    ("method", "headers", "path", "status"),
    [
        ("GET", {"host": "127.0.0.1:8123"}, "/", 403),
        ("GET", {**GOOD, "authorization": "t0ke"}, "/", 403),
        ("GET", {**GOOD, "authorization": f"Bearer {TOKEN}"}, "/", 403),
        ("GET", {**GOOD, "host": "attacker.example:8123"}, "/", 403),
        ("GET", {"authorization": TOKEN}, "/", 403),
        ("POST", GOOD, "/", 405),
        ("GET", GOOD, "/other", 404),
    ],
)
def test_refusals(method: str, headers: dict[str, str], path: str, status: int) -> None:
    got = answer(method, path, headers, TOKEN, HOSTS, Held(creds()), NOW)
    assert got.status == status
    assert "AccessKeyId" not in got.body and TOKEN not in str(got.body)


def test_expired_or_missing_credentials_say_why() -> None:
    expired = answer("GET", "/", GOOD, TOKEN, HOSTS, Held(creds(minutes=-1), "renewing"), NOW)
    assert (expired.status, expired.body["message"]) == (503, "renewing")
    none = answer("GET", "/", GOOD, TOKEN, HOSTS, Held(None), NOW)
    assert none.status == 503


@pytest.mark.parametrize(
    ("life", "renew_after"),
    [
        (timedelta(hours=8), timedelta(hours=7, minutes=40)),  # 20 minutes before
        (timedelta(hours=1), timedelta(minutes=40)),  # a chained role's hour
        (timedelta(minutes=30), timedelta(minutes=15)),  # halfway through a short life
        (timedelta(minutes=-5), timedelta(minutes=-5)),  # already expired: at once
    ],
)
def test_renewal_time(life: timedelta, renew_after: timedelta) -> None:
    assert renewal_time(NOW, NOW + life) == NOW + renew_after


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def outcome(c: Credentials) -> Outcome:
    return Outcome("dev", c, "eu-west-1", False, None, True)


def test_a_failed_renewal_keeps_serving_until_expiry_then_retries_later() -> None:
    clock = Clock()
    said: list[str] = []
    results: list[Outcome | Exception] = [
        outcome(creds("AKIA1", 60)),
        PromptRequired("A password is needed.", "Run without --no-prompt."),
        outcome(creds("AKIA2", 120)),
    ]
    forced: list[bool] = []

    def fetch(force: bool) -> Outcome:
        forced.append(force)
        result = results.pop(0)
        if isinstance(result, Exception):
            raise result
        return result

    refresher = Refresher("dev", fetch, clock, said.append)
    refresher.first()
    assert refresher.due == NOW + timedelta(minutes=40)
    assert refresher.region == "eu-west-1"

    clock.now = refresher.due
    refresher.renew()
    held = refresher.held()
    assert held.credentials is not None and held.credentials.access_key_id == "AKIA1"
    assert "could not be renewed: A password is needed." in held.problem
    assert refresher.due == clock.now + timedelta(seconds=30)
    assert "Could not renew profile 'dev': A password is needed." in said[-1]
    assert "hint: Run without --no-prompt." in said[-1]

    clock.now = refresher.due
    refresher.renew()
    held = refresher.held()
    assert held.credentials is not None and held.credentials.access_key_id == "AKIA2"
    assert said[-1].startswith("Renewed profile 'dev': valid until")
    assert forced == [False, True, True]


def test_retries_back_off_to_ten_minutes() -> None:
    clock = Clock()

    def fetch(force: bool) -> Outcome:
        if not force:
            return outcome(creds())
        raise AwsError("STS is down.")

    refresher = Refresher("dev", fetch, clock, lambda _: None)
    refresher.first()
    gaps = []
    for _ in range(7):
        clock.now = refresher.due
        refresher.renew()
        gaps.append((refresher.due - clock.now).total_seconds())
    assert gaps == [30, 60, 120, 240, 480, 600, 600]


def test_run_renews_when_due_and_stops_when_told() -> None:
    clock = Clock()
    fetched: list[bool] = []

    def fetch(force: bool) -> Outcome:
        fetched.append(force)
        return outcome(creds(f"AKIA{len(fetched)}", now=clock.now))

    refresher = Refresher("dev", fetch, clock, lambda _: None)
    refresher.first()
    waits: list[float] = []

    def wait(seconds: float) -> bool:
        waits.append(seconds)
        clock.now += timedelta(seconds=seconds)
        return len(waits) > 2

    refresher.run(wait)
    assert waits == [2400.0, 2400.0, 2400.0]
    assert fetched == [False, True, True]


def test_ctrl_c_during_a_renewal_is_not_swallowed() -> None:
    def fetch(force: bool) -> Outcome:
        if force:
            raise Interrupted("Cancelled.")
        return outcome(creds())

    refresher = Refresher("dev", fetch, Clock(), lambda _: None)
    refresher.first()
    with pytest.raises(Interrupted):
        refresher.renew()
