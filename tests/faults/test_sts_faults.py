"""STS misbehaving: 5xx and throttling (botocore's standard retries, then a clean exit 5),
a closed port, slow answers, and an assertion that is already expired when STS sees it."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from azlogin import sts_guard
from azlogin.errors import ExitStatus
from azlogin.sandbox import Sandbox

from ..e2e.conftest import PASSWORD, TOTP_SECRET, Home
from ..e2e.test_login import caller_arn, run
from .conftest import HeldRequests

BOB_ARN = "arn:aws:sts::111111111111:assumed-role/Developer/bob@sandbox.example"
ATTEMPTS = sts_guard.TOTAL_ATTEMPTS  # sts.client(): botocore standard retries, first try included


def sts_calls(sandbox: Sandbox) -> int:
    return sandbox.request_log.count(("POST", "/sts"))


def error_and_hint(err: str) -> tuple[str, str]:
    """The last two lines of stderr, which must be the error and its hint."""
    lines = err.strip().splitlines()
    assert len(lines) >= 2 and "Traceback" not in err, err
    error, hint = lines[-2:]
    assert error.startswith("azlogin: error: ") and hint.startswith("hint: "), err
    return error, hint


def test_transient_5xx_and_throttling_are_retried_until_sts_answers(
    home: Home, sandbox: Sandbox
) -> None:
    sandbox.update_faults(sts_errors=["ServiceUnavailable", "Throttling", "InternalFailure"])
    profile = home.profile("bob@sandbox.example")
    code, err = run(home, "--profile", profile, AZURE_DEFAULT_PASSWORD=PASSWORD)
    assert code == 0, err
    assert sts_calls(sandbox) == 4  # three refusals, then the answer
    assert sandbox.scenario.faults.sts_errors == []
    assert caller_arn(profile) == BOB_ARN


@pytest.mark.parametrize(
    ("fault", "says", "hint"),
    [
        ("Throttling", "Throttling: Rate exceeded", "AWS is throttling requests"),
        ("ServiceUnavailable", "ServiceUnavailable: Service is unavailable.", "temporary failure"),
    ],
)
def test_persistent_sts_failure_is_a_clean_aws_error_after_the_retries(
    home: Home, sandbox: Sandbox, fault: str, says: str, hint: str
) -> None:
    sandbox.update_faults(sts_errors=[fault] * (ATTEMPTS + 1))
    profile = home.profile("bob@sandbox.example")
    code, err = run(home, "--profile", profile, AZURE_DEFAULT_PASSWORD=PASSWORD)
    assert code == ExitStatus.AWS, err
    error, hint_line = error_and_hint(err)
    assert error == (
        "azlogin: error: STS AssumeRoleWithSAML for arn:aws:iam::111111111111:role/Developer "
        f"failed: {says} ({ATTEMPTS} attempts)"
    )
    assert hint in hint_line
    assert sts_calls(sandbox) == ATTEMPTS
    assert sandbox.scenario.faults.sts_errors == [fault]  # it stopped after the last retry
    assert not home.credentials.exists()


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A 127.0.0.1 port that refuses connections: bound (so nobody else takes it), not listening."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


def test_sts_endpoint_refusing_connections_is_a_network_error(
    home: Home, sandbox: Sandbox, closed_port: int
) -> None:
    profile = home.profile("bob@sandbox.example")
    code, err = run(
        home,
        "--profile",
        profile,
        AZURE_DEFAULT_PASSWORD=PASSWORD,
        AWS_ENDPOINT_URL_STS=f"http://127.0.0.1:{closed_port}",
    )
    assert code == ExitStatus.AWS, err
    error, hint = error_and_hint(err)
    assert f'Could not connect to the endpoint URL: "http://127.0.0.1:{closed_port}/"' in error
    assert "Check the network" in hint
    assert sandbox.sign_ins_by_user == {"bob@sandbox.example": 1}  # the sign-in itself worked
    assert sts_calls(sandbox) == 0
    assert not home.credentials.exists()


def test_slow_pages_and_a_slow_sts_still_succeed(
    home: Home, sandbox: Sandbox, held: HeldRequests
) -> None:
    sandbox.update_faults(page_delay_seconds=0.3, sts_delay_seconds=1.0)
    profile = home.profile(
        "alice@sandbox.example", azure_default_role_arn="arn:aws:iam::111111111111:role/Developer"
    )
    code, err = run(
        home,
        "--profile",
        profile,
        AZURE_DEFAULT_PASSWORD=PASSWORD,
        AZLOGIN_TOTP_SECRET=TOTP_SECRET,
    )
    assert code == 0, err
    assert held.held.is_set()  # the delays did happen
    assert caller_arn(profile).startswith("arn:aws:sts::111111111111:assumed-role/Developer/alice")


def test_an_assertion_expired_on_arrival_is_the_clock_error(home: Home, sandbox: Sandbox) -> None:
    # NotOnOrAfter = the moment of issue: what STS sees from a clock running ahead of Entra's.
    sandbox.update_faults(assertion_lifetime_seconds=0)
    profile = home.profile("bob@sandbox.example")
    code, err = run(home, "--profile", profile, AZURE_DEFAULT_PASSWORD=PASSWORD)
    assert code == ExitStatus.AWS, err
    error, hint = error_and_hint(err)
    assert "ExpiredTokenException" in error
    assert "clock" in hint
    assert sts_calls(sandbox) == 1  # an expired assertion is not retried
    assert not home.credentials.exists()
