"""Resolving source_profile chains, and the AssumeRole calls made for each hop (fake STS)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from azlogin.chain import ChainResult, Hop, assume_chain, resolve_chain
from azlogin.errors import ConfigError, PromptRequired
from azlogin.models import Credentials

CONFIG = Path("/home/user/.aws/config")
NOW = datetime(2030, 1, 1, 12, 0, tzinfo=timezone.utc)
AZURE = {"azure_tenant_id": "t", "azure_app_id_uri": "https://signin.aws.amazon.com/saml"}
DEPLOYER = "arn:aws:iam::333333333333:role/Deployer"
AUDITOR = "arn:aws:iam::444444444444:role/Auditor"


def is_azure(section: dict[str, str]) -> bool:
    return "azure_tenant_id" in section


def resolve(
    profile: str,
    sections: Mapping[str, dict[str, str]],
    credentials: Mapping[str, dict[str, str]] | None = None,
) -> tuple[str, list[Hop]]:
    return resolve_chain(profile, sections, is_azure, CONFIG, credentials)


TWO_HOPS = {
    "profile dev": AZURE,
    "profile deploy": {
        "role_arn": DEPLOYER,
        "source_profile": "dev",
        "external_id": "ext-1",
        "role_session_name": "ci",
        "region": "eu-west-1",
    },
    "profile audit": {
        "role_arn": AUDITOR,
        "source_profile": "deploy",
        "duration_seconds": "7200",
        "mfa_serial": "arn:aws:iam::111111111111:mfa/alice",
    },
}


def test_two_hops_from_the_azure_root_outward() -> None:
    root, hops = resolve("audit", TWO_HOPS)
    assert root == "dev"
    assert hops == [
        Hop("deploy", DEPLOYER, "ext-1", "ci", None, "eu-west-1", None),
        Hop("audit", AUDITOR, None, None, 7200, None, "arn:aws:iam::111111111111:mfa/alice"),
    ]


def test_an_azure_profile_is_its_own_root_even_with_role_arn() -> None:
    assert resolve("dev", TWO_HOPS) == ("dev", [])
    sections = {"profile x": {**AZURE, "role_arn": DEPLOYER, "source_profile": "y"}}
    assert resolve("x", sections) == ("x", [])


def test_default_profile_as_source() -> None:
    sections = {"default": AZURE, "profile p": {"role_arn": DEPLOYER, "source_profile": "default"}}
    root, hops = resolve("p", sections)
    assert (root, [h.profile for h in hops]) == ("default", ["p"])


def test_static_keys_in_the_credentials_file_make_a_root() -> None:
    sections = {"profile deploy": {"role_arn": DEPLOYER, "source_profile": "build"}}
    credentials = {"build": {"aws_access_key_id": "AKIA…", "aws_secret_access_key": "s"}}
    assert resolve("deploy", sections, credentials)[0] == "build"


def test_a_source_with_static_keys_is_used_as_is_even_with_role_arn() -> None:
    """botocore's rule, which makes ``source_profile`` naming the profile itself work."""
    sections = {
        "profile self": {
            "role_arn": DEPLOYER,
            "source_profile": "self",
            "aws_access_key_id": "AKIA…",
            "aws_secret_access_key": "s",
        }
    }
    root, hops = resolve("self", sections)
    assert (root, [h.role_arn for h in hops]) == ("self", [DEPLOYER])


def test_a_source_without_role_arn_is_a_root_for_the_aws_cli() -> None:
    sections = {
        "profile sso": {"sso_session": "corp"},
        "profile p": {"role_arn": DEPLOYER, "source_profile": "sso"},
    }
    assert resolve("p", sections)[0] == "sso"


def test_cycle_is_named() -> None:
    sections = {
        "profile a": {"role_arn": DEPLOYER, "source_profile": "b"},
        "profile b": {"role_arn": AUDITOR, "source_profile": "a"},
    }
    with pytest.raises(ConfigError) as info:
        resolve("a", sections)
    assert "a -> b -> a" in info.value.message
    assert str(CONFIG) in info.value.message or "~/.aws/config" in info.value.message


def test_self_reference_without_keys_is_a_cycle() -> None:
    sections = {"profile a": {"role_arn": DEPLOYER, "source_profile": "a"}}
    with pytest.raises(ConfigError, match="a -> a"):
        resolve("a", sections)


def test_missing_source_names_profile_key_and_file() -> None:
    sections = {"profile deploy": {"role_arn": DEPLOYER, "source_profile": "gone"}}
    with pytest.raises(ConfigError) as info:
        resolve("deploy", sections)
    message = info.value.message
    assert "[profile deploy]" in message
    assert "source_profile = gone" in message
    assert "config" in message
    assert "[profile gone]" in info.value.hint


def test_missing_requested_profile() -> None:
    with pytest.raises(ConfigError, match="no profile 'nope'"):
        resolve("nope", TWO_HOPS)


def test_credential_source_is_out_of_scope_with_a_hint() -> None:
    sections = {"profile ec2": {"role_arn": DEPLOYER, "credential_source": "Ec2InstanceMetadata"}}
    with pytest.raises(ConfigError, match="credential_source") as info:
        resolve("ec2", sections)
    assert "source_profile" in info.value.hint


def test_role_arn_needs_a_source_profile() -> None:
    with pytest.raises(ConfigError, match="no source_profile"):
        resolve("p", {"profile p": {"role_arn": DEPLOYER}})


@pytest.mark.parametrize("text", ["1h", "600", "50000"])
def test_bad_duration_seconds(text: str) -> None:
    sections = {
        "profile dev": AZURE,
        "profile p": {"role_arn": DEPLOYER, "source_profile": "dev", "duration_seconds": text},
    }
    with pytest.raises(ConfigError, match="duration_seconds"):
        resolve("p", sections)


# --- assume_chain with a recording STS --------------------------------------------------


def creds(name: str) -> Credentials:
    return Credentials(f"ASIA{name}", f"secret-{name}", f"token-{name}", NOW + timedelta(hours=1))


class RecordingSts:
    def __init__(
        self,
        calls: list[tuple[str, str | None, dict[str, Any]]],
        caller: Credentials,
        region: str | None,
    ) -> None:
        self.calls, self.caller, self.region = calls, caller, region

    def assume_role_with_saml(self, **kwargs: Any) -> Mapping[str, Any]:
        raise AssertionError("not used")

    def assume_role(self, **kwargs: Any) -> Mapping[str, Any]:
        self.calls.append((self.caller.access_key_id, self.region, kwargs))
        issued = creds(kwargs["RoleArn"].rsplit("/", 1)[-1])
        raw = {
            "AccessKeyId": issued.access_key_id,
            "SecretAccessKey": issued.secret_access_key,
            "SessionToken": issued.session_token,
            "Expiration": issued.expiration,
        }
        return {"Credentials": raw}


def run(
    hops: list[Hop], ask_mfa: Any = None, *, source_is_role: bool = True
) -> tuple[ChainResult, list[tuple[str, str | None, dict[str, Any]]]]:
    calls: list[tuple[str, str | None, dict[str, Any]]] = []
    result = assume_chain(
        creds("Root"),
        hops,
        lambda c, region: RecordingSts(calls, c, region),
        ask_mfa,
        NOW,
        source_is_role=source_is_role,
    )
    return result, calls


def test_each_hop_signs_with_the_previous_credentials() -> None:
    result, calls = run(resolve("audit", TWO_HOPS)[1], ask_mfa=lambda serial: " 123456 ")
    assert [(c[0], c[1]) for c in calls] == [("ASIARoot", "eu-west-1"), ("ASIADeployer", None)]
    assert calls[0][2] == {
        "RoleArn": DEPLOYER,
        "RoleSessionName": "ci",
        "ExternalId": "ext-1",
    }
    assert calls[1][2] == {
        "RoleArn": AUDITOR,
        "RoleSessionName": f"azlogin-{int(NOW.timestamp())}",
        "DurationSeconds": 3600,
        "SerialNumber": "arn:aws:iam::111111111111:mfa/alice",
        "TokenCode": "123456",
    }
    assert result.credentials.access_key_id == "ASIAAuditor"
    assert result.capped
    assert result.chained
    assert "7200" in result.notes[0]
    assert "one hour" in result.notes[0]


def test_mfa_without_a_way_to_ask_is_a_clear_error() -> None:
    hop = Hop("audit", AUDITOR, None, None, None, None, "arn:aws:iam::1:mfa/a")
    with pytest.raises(PromptRequired, match=r"\[profile audit\].*MFA"):
        run([hop])


def test_first_hop_from_iam_user_keys_is_not_chained_nor_capped() -> None:
    hop = Hop("deploy", DEPLOYER, None, None, 7200, None, None)
    result, calls = run([hop], source_is_role=False)
    assert calls[0][2]["DurationSeconds"] == 7200
    assert (result.capped, result.chained, result.notes) == (False, False, ())
    second = Hop("audit", AUDITOR, None, None, 7200, None, None)
    result, calls = run([hop, second], source_is_role=False)
    assert [c[2]["DurationSeconds"] for c in calls] == [7200, 3600]
    assert (result.capped, result.chained) == (True, True)


def test_no_hops_returns_the_source() -> None:
    result, calls = run([])
    assert calls == []
    assert result.credentials == creds("Root")
    assert not result.chained


def test_partition_default_region_when_the_hop_names_none() -> None:
    hop = Hop("gov", "arn:aws-us-gov:iam::1:role/R", None, None, None, None, None)
    assert run([hop])[1][0][1] == "us-gov-west-1"
