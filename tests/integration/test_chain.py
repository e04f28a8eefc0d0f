"""Chained profiles through real boto3 against the sandbox STS on 127.0.0.1.

The source credentials come from a real AssumeRoleWithSAML for Developer; each hop is a
SigV4-signed AssumeRole the sandbox verifies (trust, ExternalId, the one-hour cap), and
GetCallerIdentity with the result shows who we became.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any, cast

import boto3
import pytest

from azlogin import chain, sts
from azlogin.awsfiles import read_sections
from azlogin.errors import AwsError
from azlogin.models import Credentials, Role
from azlogin.sandbox.assertion import SigningKey, generate_signing_key
from azlogin.sandbox.aws_wsgi import sts_wsgi_app
from azlogin.sandbox.scenario import RoleSpec, Scenario, default_scenario
from azlogin.sandbox.sts import StsService

from ..sandbox.aws_support import ACS_URL, Clock, Swappable, saml_for, serving

DEV = "arn:aws:iam::111111111111:role/Developer"
PROVIDER = "arn:aws:iam::111111111111:saml-provider/AzureAD"
DEPLOYER = "arn:aws:iam::333333333333:role/Deployer"
AUDITOR = "arn:aws:iam::444444444444:role/Auditor"  # added here: trusts Deployer only
EXTERNAL_ID = "sandbox-external-id"


def deploy_hop(**change: Any) -> chain.Hop:
    fields: dict[str, Any] = {
        "profile": "deploy",
        "role_arn": DEPLOYER,
        "external_id": EXTERNAL_ID,
        "session_name": "deploy",
        "duration_seconds": None,
        "region": None,
        "mfa_serial": None,
    }
    return chain.Hop(**{**fields, **change})


def caller_arn(creds: Credentials) -> str:
    client: Any = boto3.client(
        "sts",
        region_name="us-east-1",
        aws_access_key_id=creds.access_key_id,
        aws_secret_access_key=creds.secret_access_key,
        aws_session_token=creds.session_token,
    )
    return str(client.get_caller_identity()["Arn"])


def saml_api() -> sts.StsApi:
    api: Any = sts.client("us-east-1")  # boto3's client has the calls, typed more narrowly
    return cast(sts.StsApi, api)


@pytest.fixture(scope="module")
def key() -> SigningKey:
    return generate_signing_key()


@pytest.fixture(scope="module")
def sts_app() -> Iterator[tuple[str, Swappable]]:
    app = Swappable()
    with serving({"/sts": app}) as base:
        yield base, app


@pytest.fixture
def scenario() -> Scenario:
    scenario = default_scenario()
    scenario.roles.append(RoleSpec(AUDITOR, trusted_role_arns=[DEPLOYER]))
    return scenario


@pytest.fixture
def clock(
    scenario: Scenario,
    key: SigningKey,
    sts_app: tuple[str, Swappable],
    monkeypatch: pytest.MonkeyPatch,
) -> Clock:
    clock = Clock()
    base, app = sts_app
    app.target = sts_wsgi_app(StsService(scenario, key.certificate_pem, ACS_URL, clock))
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", f"{base}/sts")
    for name in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    return clock


@pytest.fixture
def developer(key: SigningKey, scenario: Scenario, clock: Clock) -> Credentials:
    saml = saml_for(key, scenario, "bob@sandbox.example")
    grant = sts.assume_role_with_saml(saml_api(), Role(DEV, PROVIDER), saml, 3600)
    return grant.credentials


def test_assume_role_with_the_external_id_becomes_the_deployer(
    developer: Credentials, clock: Clock
) -> None:
    result = chain.assume_chain(developer, [deploy_hop()], chain.signed_client, None, clock.now)
    assert caller_arn(result.credentials) == (
        "arn:aws:sts::333333333333:assumed-role/Deployer/deploy"
    )
    assert caller_arn(developer).endswith(":assumed-role/Developer/bob@sandbox.example")
    assert result.credentials.expiration == clock.now + timedelta(hours=1)
    assert (result.capped, result.notes, result.chained) == (False, (), True)


def test_default_session_name_is_azlogin_and_the_time(developer: Credentials, clock: Clock) -> None:
    hop = deploy_hop(session_name=None)
    result = chain.assume_chain(developer, [hop], chain.signed_client, None, clock.now)
    assert caller_arn(result.credentials).endswith(
        f"/Deployer/azlogin-{int(clock.now.timestamp())}"
    )


@pytest.mark.parametrize("external_id", ["wrong-id", None], ids=["wrong", "missing"])
def test_wrong_or_missing_external_id_is_access_denied_with_a_hint(
    developer: Credentials, clock: Clock, external_id: str | None
) -> None:
    hop = deploy_hop(external_id=external_id)
    with pytest.raises(AwsError) as info:
        chain.assume_chain(developer, [hop], chain.signed_client, None, clock.now)
    assert info.value.code == "AccessDenied"
    assert DEPLOYER in info.value.message
    assert "profile deploy" in info.value.message
    assert "trust policy" in info.value.hint
    assert "external_id" in info.value.hint
    assert developer.session_token not in str(info.value)


def test_duration_over_an_hour_is_capped_and_said(developer: Credentials, clock: Clock) -> None:
    hop = deploy_hop(duration_seconds=8 * 3600)
    result = chain.assume_chain(developer, [hop], chain.signed_client, None, clock.now)
    assert result.capped
    assert "one hour" in result.notes[0]
    assert "[profile deploy]" in result.notes[0]
    assert result.credentials.expiration == clock.now + timedelta(hours=1)


def test_expired_source_credentials_say_sign_in_again(developer: Credentials, clock: Clock) -> None:
    clock.advance(hours=2)
    with pytest.raises(AwsError) as info:
        chain.assume_chain(developer, [deploy_hop()], chain.signed_client, None, clock.now)
    assert info.value.code == "ExpiredToken"
    assert "sign in again" in info.value.hint


def test_two_hops_from_a_real_config_file(
    developer: Credentials, clock: Clock, tmp_path: Path
) -> None:
    config = tmp_path / "config"
    config.write_text(
        "[profile dev]\n"
        "azure_tenant_id = 11111111-2222-3333-4444-555555555555\n"
        "azure_app_id_uri = https://signin.aws.amazon.com/saml#sandbox\n"
        "\n"
        "[profile deploy]\n"
        f"role_arn = {DEPLOYER}\n"
        "source_profile = dev\n"
        f"external_id = {EXTERNAL_ID}\n"
        "\n"
        "[profile audit]\n"
        f"role_arn = {AUDITOR}\n"
        "source_profile = deploy\n"
        "role_session_name = auditing\n"
        "duration_seconds = 7200\n"
        "region = eu-west-1\n",
        encoding="utf-8",
    )
    root, hops = chain.resolve_chain(
        "audit", read_sections(config), lambda s: "azure_tenant_id" in s, config
    )
    assert (root, [h.profile for h in hops]) == ("dev", ["deploy", "audit"])
    result = chain.assume_chain(developer, hops, chain.signed_client, None, clock.now)
    assert caller_arn(result.credentials) == (
        "arn:aws:sts::444444444444:assumed-role/Auditor/auditing"
    )
    assert result.capped
    assert result.chained


def test_unreachable_sts_is_a_network_error(
    developer: Credentials, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9/sts")
    with pytest.raises(AwsError, match="Could not connect") as info:
        chain.assume_chain(developer, [deploy_hop()], chain.signed_client, None, clock.now)
    assert "network" in info.value.hint
