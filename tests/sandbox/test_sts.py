"""The sandbox STS, exercised through real botocore over HTTP on 127.0.0.1."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from lxml import etree

from azlogin.sandbox.assertion import (
    ASSERTION_NS,
    DSIG_NS,
    NAMEID_EMAIL,
    SigningKey,
    generate_signing_key,
)
from azlogin.sandbox.aws_wsgi import sts_wsgi_app
from azlogin.sandbox.scenario import PROVIDER, RoleSpec, Scenario, default_scenario
from azlogin.sandbox.sts import CHAINED_TEXT, MAX_SESSION_TEXT, StsService

from .aws_support import ACS_URL, NOW, Clock, Swappable, decode, encode, saml_for, serving

DEV, PROD, SHARED = "111111111111", "222222222222", "333333333333"
DEVELOPER = f"arn:aws:iam::{DEV}:role/Developer"
ADMIN = f"arn:aws:iam::{DEV}:role/team/platform/Admin"
READONLY = f"arn:aws:iam::{PROD}:role/ReadOnly"
DEPLOYER = f"arn:aws:iam::{SHARED}:role/Deployer"
DEV_IDP = PROVIDER.format(account=DEV)
PROD_IDP = PROVIDER.format(account=PROD)
ALICE = "alice@sandbox.example"
BOB = "bob@sandbox.example"
ISSUER = "https://sts.windows.net/11111111-2222-3333-4444-555555555555/"


@pytest.fixture(scope="module")
def key() -> SigningKey:
    return generate_signing_key()


@pytest.fixture(scope="module")
def mount() -> Swappable:
    return Swappable()


@pytest.fixture(scope="module")
def base_url(mount: Swappable) -> Iterator[str]:
    # Mounted under /sts like the full sandbox server, so SigV4 covers a prefixed path.
    with serving({"/sts": mount}) as url:
        yield url


@pytest.fixture
def scenario() -> Scenario:
    return default_scenario()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def sts(
    scenario: Scenario, key: SigningKey, clock: Clock, mount: Swappable, sleeps: list[float]
) -> StsService:
    service = StsService(scenario, key.certificate_pem, ACS_URL, clock, sleep=sleeps.append)
    mount.target = sts_wsgi_app(service)
    return service


class Aws:
    """boto3 STS clients pointed at the sandbox by AWS_ENDPOINT_URL_STS, as azlogin's are."""

    def __init__(self) -> None:
        self.clients: list[Any] = []

    def client(self, creds: dict[str, Any] | None = None) -> Any:
        session = boto3.session.Session(region_name="us-east-1")
        extra = {}
        if creds is not None:
            extra = {
                "aws_access_key_id": creds["AccessKeyId"],
                "aws_secret_access_key": creds["SecretAccessKey"],
                "aws_session_token": creds["SessionToken"],
            }
        # One attempt: a retry would consume queued faults and hide what the STS answered.
        config = Config(retries={"mode": "standard", "total_max_attempts": 1})
        client = session.client("sts", config=config, **extra)
        self.clients.append(client)
        return client

    def saml(self, assertion: str, role: str, provider: str, **extra: Any) -> Any:
        return self.client().assume_role_with_saml(
            RoleArn=role, PrincipalArn=provider, SAMLAssertion=assertion, **extra
        )


@pytest.fixture
def aws(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, base_url: str, sts: StsService
) -> Iterator[Aws]:
    for name in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_ENDPOINT_URL",
        "AWS_ROLE_ARN",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", f"{base_url}/sts")
    helper = Aws()
    yield helper
    for client in helper.clients:
        client.close()


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str, int]:
    response: Any = excinfo.value.response
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
    )


# --- AssumeRoleWithSAML: success -------------------------------------------------------


def test_every_role_in_a_mixed_order_assertion_can_be_assumed(
    aws: Aws, sts: StsService, key: SigningKey, scenario: Scenario
) -> None:
    assertion = saml_for(key, scenario, ALICE)
    values = etree.fromstring(decode(assertion)).xpath(
        "//a:Attribute[@Name='https://aws.amazon.com/SAML/Attributes/Role']/a:AttributeValue/text()",
        namespaces={"a": ASSERTION_NS},
    )
    assert [v.split(",")[0].split(":")[5].split("/")[0] for v in values] == [
        "role",
        "saml-provider",
        "role",
    ]

    for role, provider in ((DEVELOPER, DEV_IDP), (ADMIN, DEV_IDP), (READONLY, PROD_IDP)):
        answer = aws.saml(assertion, role, provider)
        creds = answer["Credentials"]
        assert re.fullmatch(r"ASIA[A-Z2-7]{16}", creds["AccessKeyId"])
        assert creds["Expiration"] == NOW + timedelta(hours=1)
        account = role.split(":")[4]
        name = role.rsplit("/", 1)[-1]
        assert answer["AssumedRoleUser"]["Arn"] == (
            f"arn:aws:sts::{account}:assumed-role/{name}/{ALICE}"
        )
        assert answer["AssumedRoleUser"]["AssumedRoleId"].endswith(f":{ALICE}")
        assert answer["Subject"] == ALICE
        assert answer["SubjectType"] == NAMEID_EMAIL
        assert answer["Issuer"] == ISSUER
        assert answer["Audience"] == ACS_URL
        qualifier = hashlib.sha1(
            f"{ISSUER}{account}AzureAD".encode(), usedforsecurity=False
        ).digest()
        assert answer["NameQualifier"] == base64.b64encode(qualifier).decode()
        issued = sts.session_for(creds["AccessKeyId"])
        assert issued is not None
        assert issued.role_arn == role
        assert issued.secret_access_key == creds["SecretAccessKey"]
        assert issued.session_token == creds["SessionToken"]
        assert not issued.chained


def test_duration_up_to_the_roles_maximum_is_granted(
    aws: Aws, key: SigningKey, scenario: Scenario
) -> None:
    answer = aws.saml(saml_for(key, scenario, BOB), DEVELOPER, DEV_IDP, DurationSeconds=43200)
    assert answer["Credentials"]["Expiration"] == NOW + timedelta(hours=12)


def test_replaying_an_assertion_is_allowed_until_it_expires(
    aws: Aws, key: SigningKey, scenario: Scenario, clock: Clock
) -> None:
    assertion = saml_for(key, scenario, BOB)
    first = aws.saml(assertion, DEVELOPER, DEV_IDP)
    clock.advance(seconds=299)
    second = aws.saml(assertion, DEVELOPER, DEV_IDP)
    assert first["Credentials"]["AccessKeyId"] != second["Credentials"]["AccessKeyId"]
    clock.advance(seconds=1)
    with pytest.raises(ClientError) as excinfo:
        aws.saml(assertion, DEVELOPER, DEV_IDP)
    assert error_of(excinfo)[0] == "ExpiredTokenException"


def test_session_not_on_or_after_caps_the_session(
    aws: Aws, key: SigningKey, scenario: Scenario
) -> None:
    capped = saml_for(key, scenario, BOB, session_not_on_or_after=NOW + timedelta(minutes=30))
    answer = aws.saml(capped, DEVELOPER, DEV_IDP, DurationSeconds=7200)
    assert answer["Credentials"]["Expiration"] == NOW + timedelta(minutes=30)

    later = saml_for(key, scenario, BOB, session_not_on_or_after=NOW + timedelta(hours=8))
    answer = aws.saml(later, DEVELOPER, DEV_IDP, DurationSeconds=7200)
    assert answer["Credentials"]["Expiration"] == NOW + timedelta(hours=2)


# --- AssumeRoleWithSAML: rejections ----------------------------------------------------


def test_role_changed_inside_the_signed_assertion_is_rejected(
    aws: Aws, key: SigningKey, scenario: Scenario
) -> None:
    assertion = saml_for(key, scenario, BOB)  # bob may only be Developer
    with pytest.raises(ClientError) as untouched:
        aws.saml(assertion, READONLY, PROD_IDP)
    assert error_of(untouched)[0] == "AccessDenied"

    xml = decode(assertion)
    granted = f"{DEVELOPER},{DEV_IDP}".encode()
    assert granted in xml
    tampered = encode(xml.replace(granted, f"{READONLY},{PROD_IDP}".encode()))
    with pytest.raises(ClientError) as excinfo:
        aws.saml(tampered, READONLY, PROD_IDP)
    code, message, status = error_of(excinfo)
    assert (code, status) == ("InvalidIdentityToken", 400)
    assert "signature" in message.lower()


def test_unsigned_assertion_is_rejected(aws: Aws, key: SigningKey, scenario: Scenario) -> None:
    root = etree.fromstring(decode(saml_for(key, scenario, BOB)))
    signature = root.find(f".//{{{DSIG_NS}}}Signature")
    assert signature is not None
    signature.getparent().remove(signature)
    with pytest.raises(ClientError) as excinfo:
        aws.saml(encode(etree.tostring(root)), DEVELOPER, DEV_IDP)
    assert error_of(excinfo)[0] == "InvalidIdentityToken"


def test_assertion_signed_by_another_key_is_rejected(aws: Aws, scenario: Scenario) -> None:
    forged = saml_for(generate_signing_key("attacker"), scenario, BOB)
    with pytest.raises(ClientError) as excinfo:
        aws.saml(forged, DEVELOPER, DEV_IDP)
    assert error_of(excinfo)[0] == "InvalidIdentityToken"


def test_an_extra_unsigned_assertion_cannot_ride_along(
    aws: Aws, key: SigningKey, scenario: Scenario
) -> None:
    root = etree.fromstring(decode(saml_for(key, scenario, BOB)))
    signed = root.find(f"{{{ASSERTION_NS}}}Assertion")
    assert signed is not None
    forged = etree.fromstring(etree.tostring(signed).replace(b"role/Developer", b"role/Impostor"))
    forged.set("ID", "_forged")
    signed.addprevious(forged)
    with pytest.raises(ClientError) as excinfo:
        aws.saml(encode(etree.tostring(root)), f"arn:aws:iam::{DEV}:role/Impostor", DEV_IDP)
    assert error_of(excinfo)[0] == "InvalidIdentityToken"


def test_assertion_with_a_dtd_is_refused_unparsed(aws: Aws) -> None:
    evil = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">&x;</samlp:Response>'
    )
    with pytest.raises(ClientError) as excinfo:
        aws.saml(encode(evil), DEVELOPER, DEV_IDP)
    assert error_of(excinfo)[0] == "InvalidIdentityToken"


@pytest.mark.parametrize("garbage", ["not base64 at all!", encode(b"<not-xml")])
def test_garbage_assertion_is_invalid_identity_token(aws: Aws, garbage: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        aws.saml(garbage, DEVELOPER, DEV_IDP)
    assert error_of(excinfo)[0] == "InvalidIdentityToken"


def test_oversized_assertion_fails_validation(aws: Aws) -> None:
    with pytest.raises(ClientError) as excinfo:
        aws.saml("A" * 100_004, DEVELOPER, DEV_IDP)
    code, message, _ = error_of(excinfo)
    assert code == "ValidationError"
    assert "100000" in message


def test_expired_assertion_is_expired_token(
    aws: Aws, key: SigningKey, scenario: Scenario, clock: Clock
) -> None:
    assertion = saml_for(key, scenario, BOB, lifetime_seconds=300)
    clock.advance(minutes=10)
    with pytest.raises(ClientError) as excinfo:
        aws.saml(assertion, DEVELOPER, DEV_IDP)
    assert error_of(excinfo)[:3:2] == ("ExpiredTokenException", 400)


def test_assertion_from_the_future_is_rejected(
    aws: Aws, key: SigningKey, scenario: Scenario
) -> None:
    early = saml_for(key, scenario, BOB, now=NOW + timedelta(minutes=5))
    with pytest.raises(ClientError) as excinfo:
        aws.saml(early, DEVELOPER, DEV_IDP)
    assert error_of(excinfo)[0] == "InvalidIdentityToken"


@pytest.mark.parametrize(
    "override",
    [
        {"app_id_uri": "https://signin.aws.amazon.com/saml#someone-else"},
        {"acs_url": "https://evil.example/saml"},
        {"tenant_id": "99999999-0000-0000-0000-000000000000"},
    ],
    ids=["audience", "recipient", "issuer"],
)
def test_assertion_for_someone_else_is_rejected(
    aws: Aws, key: SigningKey, scenario: Scenario, override: dict[str, str]
) -> None:
    with pytest.raises(ClientError) as excinfo:
        aws.saml(saml_for(key, scenario, BOB, **override), DEVELOPER, DEV_IDP)
    assert error_of(excinfo)[0] == "InvalidIdentityToken"


def test_role_missing_from_the_assertion_is_access_denied(
    aws: Aws, key: SigningKey, scenario: Scenario
) -> None:
    with pytest.raises(ClientError) as excinfo:
        aws.saml(saml_for(key, scenario, BOB), ADMIN, DEV_IDP)
    assert error_of(excinfo) == (
        "AccessDenied",
        "Not authorized to perform sts:AssumeRoleWithSAML",
        403,
    )


@pytest.mark.parametrize(
    ("granted", "role", "provider"),
    [
        # In the assertion, but no such role in the account.
        (
            RoleSpec(f"arn:aws:iam::{DEV}:role/Ghost", DEV_IDP),
            f"arn:aws:iam::{DEV}:role/Ghost",
            DEV_IDP,
        ),
        # The role exists but does not trust this provider.
        (
            RoleSpec(DEVELOPER, f"arn:aws:iam::{DEV}:saml-provider/Other"),
            DEVELOPER,
            f"arn:aws:iam::{DEV}:saml-provider/Other",
        ),
        # A pair from the assertion, with the caller naming another provider.
        (RoleSpec(DEVELOPER, DEV_IDP), DEVELOPER, PROD_IDP),
    ],
    ids=["unknown-role", "untrusted-provider", "provider-not-in-assertion"],
)
def test_untrusted_role_and_provider_pairs_are_access_denied(
    aws: Aws, key: SigningKey, scenario: Scenario, granted: RoleSpec, role: str, provider: str
) -> None:
    assertion = saml_for(key, scenario, BOB, roles=[granted])
    with pytest.raises(ClientError) as excinfo:
        aws.saml(assertion, role, provider)
    assert error_of(excinfo)[0] == "AccessDenied"


def test_duration_above_max_session_duration_is_validation_error(
    aws: Aws, key: SigningKey, scenario: Scenario
) -> None:
    with pytest.raises(ClientError) as excinfo:
        aws.saml(saml_for(key, scenario, ALICE), ADMIN, DEV_IDP, DurationSeconds=7200)
    assert error_of(excinfo) == ("ValidationError", MAX_SESSION_TEXT, 400)
    assert MAX_SESSION_TEXT == (
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
    )


@pytest.mark.parametrize(("seconds", "bound"), [("899", "900"), ("43201", "43200")])
def test_duration_outside_sts_limits_is_validation_error(
    sts: StsService, key: SigningKey, scenario: Scenario, seconds: str, bound: str
) -> None:
    # botocore refuses these before sending, so ask the service directly.
    status, body = sts.handle(
        {
            "Action": "AssumeRoleWithSAML",
            "Version": "2011-06-15",
            "RoleArn": DEVELOPER,
            "PrincipalArn": DEV_IDP,
            "SAMLAssertion": saml_for(key, scenario, BOB),
            "DurationSeconds": seconds,
        }
    )
    error = etree.fromstring(body.encode())
    ns = {"s": "https://sts.amazonaws.com/doc/2011-06-15/"}
    assert status == 400
    assert error.findtext("s:Error/s:Code", namespaces=ns) == "ValidationError"
    assert bound in (error.findtext("s:Error/s:Message", namespaces=ns) or "")
    assert error.findtext("s:RequestId", namespaces=ns)


# --- signed calls: GetCallerIdentity and AssumeRole ------------------------------------


@pytest.fixture
def developer(aws: Aws, key: SigningKey, scenario: Scenario) -> dict[str, Any]:
    creds: dict[str, Any] = aws.saml(saml_for(key, scenario, ALICE), DEVELOPER, DEV_IDP)[
        "Credentials"
    ]
    return creds


def test_get_caller_identity_with_issued_keys(aws: Aws, developer: dict[str, Any]) -> None:
    identity = aws.client(developer).get_caller_identity()
    assert identity["Arn"] == f"arn:aws:sts::{DEV}:assumed-role/Developer/{ALICE}"
    assert identity["Account"] == DEV
    assert re.fullmatch(rf"AROA[A-Z2-7]{{17}}:{re.escape(ALICE)}", identity["UserId"])


@pytest.mark.parametrize(
    ("spoil", "code"),
    [
        ({"AccessKeyId": "ASIAAAAAAAAAAAAAAAAA"}, "InvalidClientTokenId"),
        ({"SecretAccessKey": "x" * 40}, "SignatureDoesNotMatch"),
        ({"SessionToken": "quoted"}, "InvalidClientTokenId"),
    ],
    ids=["unknown-key", "wrong-secret", "quoted-token"],
)
def test_get_caller_identity_rejects_bad_keys(
    aws: Aws, developer: dict[str, Any], spoil: dict[str, str], code: str
) -> None:
    creds = dict(developer)
    for name, value in spoil.items():
        # "quoted" mimics a credentials file that kept the quotes around the token.
        creds[name] = f'"{creds[name]}"' if value == "quoted" else value
    with pytest.raises(ClientError) as excinfo:
        aws.client(creds).get_caller_identity()
    assert error_of(excinfo)[::2] == (code, 403)


def test_get_caller_identity_with_expired_keys(
    aws: Aws, developer: dict[str, Any], clock: Clock
) -> None:
    clock.advance(hours=1)
    with pytest.raises(ClientError) as excinfo:
        aws.client(developer).get_caller_identity()
    assert error_of(excinfo)[0] == "ExpiredToken"


def test_unsigned_get_caller_identity_is_refused(sts: StsService) -> None:
    status, body = sts.handle({"Action": "GetCallerIdentity", "Version": "2011-06-15"})
    assert status == 403
    assert b"MissingAuthenticationToken" in body.encode()


def test_assume_role_with_the_external_id_chains_for_an_hour(
    aws: Aws, sts: StsService, developer: dict[str, Any]
) -> None:
    answer = aws.client(developer).assume_role(
        RoleArn=DEPLOYER, RoleSessionName="deploy", ExternalId="sandbox-external-id"
    )
    creds = answer["Credentials"]
    assert creds["Expiration"] == NOW + timedelta(hours=1)
    assert answer["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{SHARED}:assumed-role/Deployer/deploy"
    issued = sts.session_for(creds["AccessKeyId"])
    assert issued is not None
    assert issued.chained
    identity = aws.client(creds).get_caller_identity()
    assert identity["Arn"] == f"arn:aws:sts::{SHARED}:assumed-role/Deployer/deploy"


@pytest.mark.parametrize("external_id", [None, "guess"], ids=["missing", "wrong"])
def test_assume_role_without_the_right_external_id_is_denied(
    aws: Aws, developer: dict[str, Any], external_id: str | None
) -> None:
    extra = {} if external_id is None else {"ExternalId": external_id}
    with pytest.raises(ClientError) as excinfo:
        aws.client(developer).assume_role(RoleArn=DEPLOYER, RoleSessionName="deploy", **extra)
    code, message, status = error_of(excinfo)
    assert (code, status) == ("AccessDenied", 403)
    assert message == (
        f"User: arn:aws:sts::{DEV}:assumed-role/Developer/{ALICE} is not authorized to "
        f"perform: sts:AssumeRole on resource: {DEPLOYER}"
    )


def test_chained_assume_role_longer_than_an_hour_is_validation_error(
    aws: Aws, developer: dict[str, Any]
) -> None:
    with pytest.raises(ClientError) as excinfo:
        aws.client(developer).assume_role(
            RoleArn=DEPLOYER,
            RoleSessionName="deploy",
            ExternalId="sandbox-external-id",
            DurationSeconds=3601,
        )
    assert error_of(excinfo) == ("ValidationError", CHAINED_TEXT, 400)


def test_assume_role_from_an_untrusted_role_is_denied(
    aws: Aws, key: SigningKey, scenario: Scenario
) -> None:
    readonly = aws.saml(saml_for(key, scenario, ALICE), READONLY, PROD_IDP)["Credentials"]
    with pytest.raises(ClientError) as excinfo:
        aws.client(readonly).assume_role(
            RoleArn=DEPLOYER, RoleSessionName="deploy", ExternalId="sandbox-external-id"
        )
    assert error_of(excinfo)[0] == "AccessDenied"


# --- faults and protocol --------------------------------------------------------------


def test_queued_faults_are_answered_in_order_then_service_resumes(
    aws: Aws, key: SigningKey, scenario: Scenario
) -> None:
    scenario.faults.sts_errors = ["Throttling", "InternalFailure", "ServiceUnavailable"]
    assertion = saml_for(key, scenario, BOB)
    seen = []
    for _ in range(3):
        with pytest.raises(ClientError) as excinfo:
            aws.saml(assertion, DEVELOPER, DEV_IDP)
        seen.append(error_of(excinfo)[::2])
    assert seen == [("Throttling", 400), ("InternalFailure", 500), ("ServiceUnavailable", 503)]
    assert scenario.faults.sts_errors == []
    assert aws.saml(assertion, DEVELOPER, DEV_IDP)["Credentials"]["AccessKeyId"]


def test_delay_fault_waits_before_answering(
    aws: Aws, key: SigningKey, scenario: Scenario, sleeps: list[float]
) -> None:
    scenario.faults.sts_delay_seconds = 2.5
    aws.saml(saml_for(key, scenario, BOB), DEVELOPER, DEV_IDP)
    assert sleeps == [2.5]


def test_unknown_action_is_invalid_action(sts: StsService) -> None:
    status, body = sts.handle({"Action": "GetSessionToken", "Version": "2011-06-15"})
    assert status == 400
    assert "<Code>InvalidAction</Code>" in body
