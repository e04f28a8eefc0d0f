"""azlogin's STS module through real boto3 over HTTP against the sandbox STS on 127.0.0.1.

The endpoint is set the way users set it (AWS_ENDPOINT_URL_STS); azlogin has no test path.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest

from azlogin import saml, sts, sts_guard
from azlogin.errors import AwsError
from azlogin.models import Role
from azlogin.sandbox.assertion import SigningKey, generate_signing_key
from azlogin.sandbox.aws_wsgi import sts_wsgi_app
from azlogin.sandbox.scenario import Scenario, default_scenario
from azlogin.sandbox.sts import StsService

from ..sandbox.aws_support import ACS_URL, Clock, saml_for, serving
from ..security.hostile_sts import Answer, hostile_sts

DEV = "arn:aws:iam::111111111111:role/Developer"  # MaxSessionDuration 12 h
ADMIN = "arn:aws:iam::111111111111:role/team/platform/Admin"  # 1 h
PROVIDER = "arn:aws:iam::111111111111:saml-provider/AzureAD"
ALICE = "alice@sandbox.example"


@pytest.fixture(scope="module")
def key() -> SigningKey:
    return generate_signing_key()


@pytest.fixture
def world(key: SigningKey, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Scenario, Clock]]:
    scenario, clock = default_scenario(), Clock()
    service = StsService(scenario, key.certificate_pem, ACS_URL, clock)
    with serving({"/sts": sts_wsgi_app(service)}) as base:
        monkeypatch.setenv("AWS_ENDPOINT_URL_STS", f"{base}/sts")
        for name in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
        monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        yield scenario, clock


def assertion_for(key: SigningKey, scenario: Scenario) -> saml.Assertion:
    return saml.parse_assertion(saml_for(key, scenario, ALICE))


def test_signed_assertion_with_mixed_order_roles_is_parsed_and_accepted(
    key: SigningKey, world: tuple[Scenario, Clock]
) -> None:
    scenario, clock = world
    parsed = assertion_for(key, scenario)
    assert Role(DEV, PROVIDER) in parsed.roles
    assert Role(ADMIN, PROVIDER) in parsed.roles
    assert len(parsed.roles) == 3
    grant = sts.assume_role_with_saml(
        sts.client("us-east-1"), Role(DEV, PROVIDER), parsed.raw, 8 * 3600
    )
    assert grant.duration_seconds == 8 * 3600
    assert grant.credentials.access_key_id.startswith("ASIA")
    assert grant.credentials.expiration == clock.now + timedelta(hours=8)


def test_duration_steps_down_to_the_role_maximum(
    key: SigningKey, world: tuple[Scenario, Clock]
) -> None:
    scenario, clock = world
    parsed = assertion_for(key, scenario)
    steps: list[tuple[int, int]] = []
    grant = sts.assume_role_with_saml(
        sts.client("us-east-1"),
        Role(ADMIN, PROVIDER),
        parsed.raw,
        8 * 3600,
        lambda tried, nxt: steps.append((tried, nxt)),
    )
    assert steps == [(28800, 14400), (14400, 7200), (7200, 3600)]
    assert grant.duration_seconds == 3600
    assert grant.credentials.expiration == clock.now + timedelta(hours=1)


def test_role_not_in_the_assertion_is_access_denied(
    key: SigningKey, world: tuple[Scenario, Clock]
) -> None:
    scenario, _ = world
    bob = saml.parse_assertion(saml_for(key, scenario, "bob@sandbox.example"))  # Developer only
    with pytest.raises(AwsError) as info:
        sts.assume_role_with_saml(sts.client("us-east-1"), Role(ADMIN, PROVIDER), bob.raw, 3600)
    assert info.value.code == "AccessDenied"
    assert "trust policy" in info.value.hint
    assert bob.raw not in str(info.value)


def test_tampered_assertion_is_invalid_identity_token(
    key: SigningKey, world: tuple[Scenario, Clock]
) -> None:
    scenario, _ = world
    xml = base64.b64decode(saml_for(key, scenario, ALICE)).replace(b"Developer", b"Developex")
    tampered = base64.b64encode(xml).decode()
    with pytest.raises(AwsError) as info:
        sts.assume_role_with_saml(sts.client("us-east-1"), Role(DEV, PROVIDER), tampered, 3600)
    assert info.value.code == "InvalidIdentityToken"


def test_expired_assertion_points_at_the_clock(
    key: SigningKey, world: tuple[Scenario, Clock]
) -> None:
    scenario, clock = world
    parsed = assertion_for(key, scenario)
    clock.advance(minutes=30)
    with pytest.raises(AwsError) as info:
        sts.assume_role_with_saml(sts.client("us-east-1"), Role(DEV, PROVIDER), parsed.raw, 3600)
    assert info.value.code == "ExpiredTokenException"
    assert "clock" in info.value.hint


def test_unreachable_sts_is_a_network_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9/sts")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    api = sts.client("us-east-1")
    with pytest.raises(AwsError, match="Could not connect") as info:
        sts.assume_role_with_saml(api, Role(DEV, PROVIDER), "eA==", 3600)
    assert "network" in info.value.hint


# --- bounded waits, with real botocore against a fake STS that answers badly or not at all


@pytest.fixture
def bare_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "HTTP_PROXY",
                 "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy",
                 sts_guard.READ_TIMEOUT_VARIABLE):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")


def test_no_retry_once_the_assertion_has_expired(
    bare_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    with hostile_sts() as server:
        monkeypatch.setenv("AWS_ENDPOINT_URL_STS", server.url)
        server.serve(Answer(status=503, body=b"<html>busy</html>", content_type="text/html"))
        past = datetime.now(timezone.utc) - timedelta(seconds=1)
        with pytest.raises(AwsError) as info:
            sts.assume_role_with_saml(
                sts.client("us-east-1"), Role(DEV, PROVIDER), "eA==", 3600, deadline=past
            )
        assert server.requests == 1  # botocore would have tried four times
    assert info.value.code == "AssertionExpired"
    assert "expired" in info.value.message and "waiting for STS" in info.value.message
    assert info.value.__context__ is None


def test_retries_go_on_while_the_assertion_is_valid(
    bare_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    with hostile_sts() as server:
        monkeypatch.setenv("AWS_ENDPOINT_URL_STS", server.url)
        server.serve(Answer(status=503, body=b"<html>busy</html>", content_type="text/html"))
        later = datetime.now(timezone.utc) + timedelta(hours=1)
        with pytest.raises(AwsError, match=r"HTTP 503 Service Unavailable \(4 attempts\)"):
            sts.assume_role_with_saml(
                sts.client("us-east-1"), Role(DEV, PROVIDER), "eA==", 3600, deadline=later
            )
        assert server.requests == sts_guard.TOTAL_ATTEMPTS


def test_a_silent_sts_is_announced_and_then_a_clean_error(
    bare_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """STS holds the request; the notice comes after WAIT_NOTICE_SECONDS (3 s) and, to end
    the test, lets the server drop every connection unanswered."""
    with hostile_sts() as server:
        monkeypatch.setenv("AWS_ENDPOINT_URL_STS", server.url)
        server.serve(Answer(act="hang"))
        said: list[str] = []

        def on_wait(line: str) -> None:
            said.append(line)
            server.release.set()

        with pytest.raises(AwsError) as info:
            sts.assume_role_with_saml(
                sts.client("us-east-1"), Role(DEV, PROVIDER), "eA==", 3600, on_wait=on_wait
            )
    assert said == [f"Waiting for STS (127.0.0.1:{server.port})…"]
    assert "Connection was closed" in info.value.message
    assert "\n" not in info.value.message and "Traceback" not in info.value.message
