"""The STS module's own rules, without a network: which answers and credentials are refused,
the read timeout setting, the deadline and the "waiting" notice (fakes in botocore's place)."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from botocore.exceptions import ClientError

from azlogin import sts, sts_answers, sts_errors, sts_guard
from azlogin.errors import AwsError, ConfigError, ExitStatus
from azlogin.models import Role

NOW = datetime(2030, 1, 1, 12, 0, tzinfo=timezone.utc)
ROLE = Role("arn:aws:iam::111111111111:role/Developer", "arn:aws:iam::1:saml-provider/A")
KEY, SECRET, TOKEN = "ASIAEXAMPLEEXAMPLE12", "cnry-secret/Key+9", "cnry-Token//Zz=="
GOOD = {
    "AccessKeyId": KEY,
    "SecretAccessKey": SECRET,
    "SessionToken": TOKEN,
    "Expiration": NOW + timedelta(hours=1),
}


# --- checked_credentials ----------------------------------------------------------------


def test_genuine_credentials_pass_in_utc() -> None:
    paris = timezone(timedelta(hours=1))
    creds = sts_answers.checked_credentials(
        {**GOOD, "Expiration": datetime(2030, 1, 1, 14, tzinfo=paris)}, NOW
    )
    assert (creds.access_key_id, creds.secret_access_key, creds.session_token) == GOOD_VALUES
    assert creds.expiration == datetime(2030, 1, 1, 13, tzinfo=timezone.utc)
    assert creds.expiration.tzinfo == timezone.utc


GOOD_VALUES = (KEY, SECRET, TOKEN)


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (None, "no credentials"),
        ({"AccessKeyId": None}, "with no AccessKeyId"),
        ({"SecretAccessKey": ""}, "with no SecretAccessKey"),
        ({"SessionToken": 42}, "with no SessionToken"),
        ({"SessionToken": TOKEN + "\n[default]\naws_access_key_id = X"}, "line breaks"),
        ({"SecretAccessKey": SECRET + " "}, "spaces"),
        ({"SecretAccessKey": SECRET + "\x00"}, "line breaks"),
        ({"SessionToken": TOKEN + "é"}, "non-ASCII"),
        ({"SessionToken": "T" * (sts_answers.MAX_VALUE_CHARS + 1)}, "of 16385 characters"),
        ({"AccessKeyId": "asia-key/1"}, "not an access key id"),
        ({"AccessKeyId": "A" * 129}, "not an access key id"),
        ({"Expiration": None}, "valid Expiration"),
        ({"Expiration": "2031-01-01T00:00:00Z"}, "valid Expiration"),
        ({"Expiration": datetime(2031, 1, 1)}, "valid Expiration"),  # no time zone
        ({"Expiration": NOW - timedelta(seconds=1)}, "already expired"),
        ({"Expiration": NOW}, "already expired"),
        ({"Expiration": NOW + timedelta(seconds=59)}, "expiring within a minute"),
    ],
)
def test_credentials_that_cannot_be_genuine_are_refused(
    change: dict[str, Any] | None, says: str
) -> None:
    raw = None if change is None else {**GOOD, **change}
    with pytest.raises(AwsError) as caught:
        sts_answers.checked_credentials(raw, NOW, action="AssumeRole", role_arn="arn:x")
    error = caught.value
    assert says in error.message
    assert error.message.startswith("STS AssumeRole for arn:x returned ")
    assert error.status == ExitStatus.AWS and error.hint
    assert "\n" not in error.message
    for value in (SECRET, TOKEN, "aws_access_key_id = X", "T" * 40):
        assert value not in error.message and value not in error.hint


def test_a_minute_and_a_second_is_enough() -> None:
    raw = {**GOOD, "Expiration": NOW + timedelta(seconds=61)}
    assert sts_answers.checked_credentials(raw, NOW).expiration == NOW + timedelta(seconds=61)


def test_the_past_points_at_the_clock() -> None:
    with pytest.raises(AwsError) as caught:
        sts_answers.checked_credentials({**GOOD, "Expiration": NOW - timedelta(hours=2)}, NOW)
    assert "2030-01-01T10:00:00Z" in caught.value.message
    assert "clock" in caught.value.hint


# --- answer_problem ---------------------------------------------------------------------

OK_XML = (
    b'<AssumeRoleWithSAMLResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
    b"<AssumeRoleWithSAMLResult><Credentials/></AssumeRoleWithSAMLResult>"
    b"</AssumeRoleWithSAMLResponse>"
)
ERROR_XML = b"<ErrorResponse><Error><Code>AccessDenied</Code></Error></ErrorResponse>"


@pytest.mark.parametrize(
    ("body", "status", "problem"),
    [
        (OK_XML, 200, None),
        (b"\xef\xbb\xbf  " + OK_XML, 200, None),  # a BOM and blanks: still STS's
        (ERROR_XML, 403, None),
        (OK_XML.replace(b"WithSAML", b""), 200, "not an STS answer"),  # AssumeRole's answer
        (ERROR_XML, 200, "not an STS answer"),
        (OK_XML, 400, "not an STS answer"),
        (b"", 200, "an empty body"),
        (b" \r\n", 200, "an empty body"),
        (b"OK", 200, "text that is not XML"),
        (b"{}", 200, "text that is not XML"),
        (b"<!doctype HTML><html></html>", 200, "an HTML page"),
        (b"<?xml version='1.0'?><!-- x --><!DOCTYPE html><html/>", 200, "an HTML page"),
        (b"<HTML><body/></HTML>", 200, "an HTML page"),
        (b"<r/>", 302, "a redirect"),
        (b"<!DOCTYPE r [<!ENTITY e 'x'>]>" + OK_XML, 200, "DTD"),
        (b'<!DOCTYPE r SYSTEM "http://127.0.0.1:9/x.dtd">' + OK_XML, 200, "DTD"),
        (OK_XML[:-20], 200, "malformed or cut-short XML"),
        (OK_XML.replace(b"<Credentials/>", b"<a>" * 40 + b"</a>" * 40), 200, "nested too deeply"),
        (OK_XML.replace(b"<Credentials/>", b"<C>\xff</C>"), 200, "not UTF-8"),
        (
            b" " * (sts_answers.MAX_ANSWER_BYTES + 1),
            200,
            "1024 KiB (azlogin reads at most 1024 KiB)",
        ),
    ],
)
def test_answer_problem(body: bytes, status: int, problem: str | None) -> None:
    found = sts_answers.answer_problem(body, status, "AssumeRoleWithSAML")
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found


def test_an_entity_declared_without_a_doctype_keyword_is_still_refused() -> None:
    # "<!ENTITY" outside a DOCTYPE is not XML; inside one it is refused by name.
    assert "DTD" in str(
        sts_answers.answer_problem(b"<!ENTITY x 'y'>" + OK_XML, 200, "AssumeRoleWithSAML")
    )


# --- AZLOGIN_STS_READ_TIMEOUT -----------------------------------------------------------


@pytest.mark.parametrize(("text", "seconds"), [("", 20.0), (" ", 20.0), ("0.5", 0.5), ("600", 600)])
def test_read_timeout(text: str, seconds: float) -> None:
    assert sts_guard.read_timeout({sts_guard.READ_TIMEOUT_VARIABLE: text}) == seconds
    assert sts_guard.read_timeout({}) == sts_guard.READ_TIMEOUT


@pytest.mark.parametrize("text", ["0", "-1", "nan", "inf", "-inf", "1e400", "601", "ten", "1s"])
def test_read_timeout_must_be_finite_and_positive(text: str) -> None:
    with pytest.raises(ConfigError, match=sts_guard.READ_TIMEOUT_VARIABLE):
        sts_guard.read_timeout({sts_guard.READ_TIMEOUT_VARIABLE: text})


def test_botocore_config_bounds_every_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(sts_guard.READ_TIMEOUT_VARIABLE, "7")
    config = sts_guard.botocore_config(unsigned=True)
    assert (config.connect_timeout, config.read_timeout) == (sts_guard.CONNECT_TIMEOUT, 7.0)
    assert config.retries == {"mode": "standard", "total_max_attempts": sts_guard.TOTAL_ATTEMPTS}
    worst = (
        sts_guard.TOTAL_ATTEMPTS * (sts_guard.CONNECT_TIMEOUT + sts_guard.READ_TIMEOUT) + 1 + 2 + 4
    )
    assert worst < 150  # half an assertion's usual five minutes


# --- translate --------------------------------------------------------------------------


def client_error(code: str, message: str) -> ClientError:
    return ClientError(
        {"Error": {"Code": code, "Message": message}, "ResponseMetadata": {}},
        "AssumeRoleWithSAML",
    )


def test_an_echoed_assertion_is_masked_before_the_message_is_shortened() -> None:
    assertion = "PHNhbWxw" + "Q" * 5000
    error = sts_errors.translate(
        client_error("InvalidIdentityToken", f"bad token {assertion}\nreally"),
        "AssumeRoleWithSAML",
        "arn:r",
        hide=(assertion,),
    )
    assert assertion[:20] not in error.message
    assert error.message == (
        "STS AssumeRoleWithSAML for arn:r failed: InvalidIdentityToken: bad token ‹redacted› really"
    )


def test_a_long_message_is_one_shortened_line() -> None:
    error = sts_errors.translate(client_error("AccessDenied", "x\n" * 1000), "AssumeRole", "arn:r")
    assert "\n" not in error.message and len(error.message) < 400


def test_a_code_that_is_no_code_is_unknown() -> None:
    error = sts_errors.translate(client_error("<b>Hi</b>\nthere", "m"), "AssumeRole", "arn:r")
    assert error.code == "Unknown" and "<b>" not in error.message


def test_a_bare_http_error_names_the_status_and_the_proxy() -> None:
    error = sts_errors.translate(client_error("503", "Service Unavailable"), "AssumeRole", "arn:r")
    assert error.message == "STS AssumeRole for arn:r failed: HTTP 503 Service Unavailable"
    assert "HTTPS_PROXY" in error.hint


# --- assume_role_with_saml: deadline and the waiting notice ------------------------------

TOO_LONG = ClientError(
    {
        "Error": {
            "Code": "ValidationError",
            "Message": "The requested DurationSeconds exceeds the MaxSessionDuration set.",
        }
    },
    "AssumeRoleWithSAML",
)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


class SteppingSts:
    """Refuses every duration as too long; each call moves ``clock`` a minute on."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.calls: list[int] = []

    def assume_role_with_saml(self, **kwargs: Any) -> Mapping[str, Any]:
        self.calls.append(kwargs["DurationSeconds"])
        self.clock.now += timedelta(minutes=1)
        raise TOO_LONG

    def assume_role(self, **kwargs: Any) -> Mapping[str, Any]:
        raise AssertionError("not used")


def test_no_shorter_duration_is_tried_once_the_assertion_has_expired() -> None:
    clock = Clock()
    api = SteppingSts(clock)
    steps: list[tuple[int, int]] = []
    with pytest.raises(AwsError) as caught:
        sts.assume_role_with_saml(
            api,
            ROLE,
            "PHNhbWxw",
            43200,
            lambda a, b: steps.append((a, b)),
            deadline=NOW + timedelta(minutes=2, seconds=30),
            now=clock,
        )
    assert api.calls == [43200, 28800, 14400]  # the third call began before the deadline
    assert steps == [(43200, 28800), (28800, 14400), (14400, 7200)]
    error = caught.value
    assert error.code == "AssertionExpired" and error.status == ExitStatus.AWS
    assert error.message.startswith("The SAML assertion expired (at 12:02:30Z) while waiting")
    assert "AssumeRoleWithSAML for arn:aws:iam::111111111111:role/Developer" in error.message
    assert "HTTPS_PROXY" in error.hint


def test_without_a_deadline_every_duration_is_tried() -> None:
    api = SteppingSts(Clock())
    with pytest.raises(AwsError, match="ValidationError"):
        sts.assume_role_with_saml(api, ROLE, "PHNhbWxw", 43200)
    assert api.calls == list(sts.STEP_DOWN_SECONDS)


def test_the_first_call_is_made_even_past_the_deadline() -> None:
    # STS judges the assertion with its own clock (and skew allowance), not azlogin's.
    clock = Clock()
    api = SteppingSts(clock)
    with pytest.raises(AwsError, match="expired"):
        sts.assume_role_with_saml(
            api, ROLE, "x", 7200, deadline=NOW - timedelta(hours=1), now=clock
        )
    assert api.calls == [7200]


class AnsweringSts:
    def __init__(self, before: threading.Event | None = None) -> None:
        self.before = before
        self.calls = 0

    def assume_role_with_saml(self, **kwargs: Any) -> Mapping[str, Any]:
        self.calls += 1
        if self.before is not None and self.calls == 1:
            assert self.before.wait(timeout=60), "the waiting notice never came"
        if kwargs["DurationSeconds"] > 3600:
            raise TOO_LONG
        return {
            "Credentials": {**GOOD, "Expiration": datetime.now(timezone.utc) + timedelta(hours=1)}
        }

    def assume_role(self, **kwargs: Any) -> Mapping[str, Any]:
        raise AssertionError("not used")


def test_a_quick_answer_says_nothing_about_waiting() -> None:
    said: list[str] = []
    grant = sts.assume_role_with_saml(AnsweringSts(), ROLE, "x", 3600, on_wait=said.append)
    assert grant.credentials.access_key_id == KEY
    assert said == []  # and never will: the notice's timer is stopped before the return


def test_a_slow_answer_is_announced_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # The fake STS answers only after the notice: no race, whatever the delay is.
    monkeypatch.setattr(sts_guard, "WAIT_NOTICE_SECONDS", 0.01)
    said: list[str] = []
    noticed = threading.Event()

    def on_wait(line: str) -> None:
        said.append(line)
        noticed.set()

    api = AnsweringSts(before=noticed)
    grant = sts.assume_role_with_saml(api, ROLE, "x", 7200, on_wait=on_wait)
    assert grant.duration_seconds == 3600 and api.calls == 2
    assert said == ["Waiting for STS (STS)…"]
