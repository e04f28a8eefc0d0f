"""Console sign-in URLs: hosts per partition, destinations, the login URL's structure."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from urllib.parse import parse_qs, urlsplit

import pytest

from azlogin import console, console_endpoints
from azlogin.errors import ConfigError, UsageError
from azlogin.models import Credentials

CREDS = Credentials(
    "ASIAEXAMPLEEXAMPLE12",
    "wJalr/K7MDENG+bPxRfiCY=",
    "FwoGZXIvYXdzE+/abc==",
    datetime(2030, 1, 1, 13, 0, tzinfo=timezone.utc),
)
PARTITIONS = [
    ("aws", "signin.aws.amazon.com", "console.aws.amazon.com"),
    ("aws-us-gov", "signin.amazonaws-us-gov.com", "console.amazonaws-us-gov.com"),
    ("aws-cn", "signin.amazonaws.cn", "console.amazonaws.cn"),
]


@pytest.mark.parametrize(("partition", "signin", "console_"), PARTITIONS)
def test_hosts_per_partition(partition: str, signin: str, console_: str) -> None:
    assert console_endpoints.signin_host(partition) == signin
    assert console_endpoints.console_host(partition) == console_


def test_unknown_partition_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="aws-iso"):
        console_endpoints.signin_host("aws-iso")


@pytest.mark.parametrize(("partition", "signin", "console_"), PARTITIONS)
def test_login_url_structure(partition: str, signin: str, console_: str) -> None:
    url = console.login_url("tok+en/=", partition, region="us-gov-west-1")
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", signin, "/federation")
    assert parse_qs(parts.query) == {
        "Action": ["login"],
        "Issuer": ["azlogin"],
        "Destination": [f"https://{console_}/console/home?region=us-gov-west-1"],
        "SigninToken": ["tok+en/="],
    }


def test_login_url_with_destination_issuer_and_endpoint() -> None:
    url = console.login_url(
        "t",
        "aws",
        destination="https://console.aws.amazon.com/s3/home?region=eu-west-1#/buckets",
        issuer="https://intranet.example/aws",
        endpoint="http://127.0.0.1:8080/federation/",
    )
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("http", "127.0.0.1:8080", "/federation")
    query = parse_qs(parts.query)
    assert query["Destination"] == [
        "https://console.aws.amazon.com/s3/home?region=eu-west-1#/buckets"
    ]
    assert query["Issuer"] == ["https://intranet.example/aws"]


@pytest.mark.parametrize(
    ("service", "region", "partition", "expected"),
    [
        (None, "eu-west-1", "aws", "https://console.aws.amazon.com/console/home?region=eu-west-1"),
        (None, None, "aws", "https://console.aws.amazon.com/console/home"),
        ("s3", "eu-west-1", "aws", "https://console.aws.amazon.com/s3/home?region=eu-west-1"),
        ("ec2", "cn-north-1", "aws-cn", "https://console.amazonaws.cn/ec2/home?region=cn-north-1"),
        (
            "cloudformation",
            None,
            "aws-us-gov",
            "https://console.amazonaws-us-gov.com/cloudformation/home",
        ),
    ],
)
def test_destination_for(
    service: str | None, region: str | None, partition: str, expected: str
) -> None:
    assert console.destination_for(service, region, partition) == expected


@pytest.mark.parametrize("service", ["S3", "../iam", "s3/home?x", ""])
def test_destination_refuses_what_is_not_a_service_name(service: str) -> None:
    with pytest.raises(UsageError):
        console.destination_for(service, None, "aws")


def test_login_url_refuses_non_http_destinations_and_endpoints() -> None:
    with pytest.raises(UsageError):
        console.login_url("t", "aws", destination="javascript:alert(1)")
    with pytest.raises(ConfigError):
        console.login_url("t", "aws", endpoint="file:///etc")
    with pytest.raises(ConfigError, match="plain http"):  # the token is a secret too
        console.login_url("t", "aws", endpoint="http://federation.corp.example/federation")


def test_session_json_holds_the_three_values() -> None:
    assert json.loads(console.build_session_json(CREDS)) == {
        "sessionId": "ASIAEXAMPLEEXAMPLE12",
        "sessionKey": "wJalr/K7MDENG+bPxRfiCY=",
        "sessionToken": "FwoGZXIvYXdzE+/abc==",
    }


@pytest.mark.parametrize("seconds", [899, 43201])
def test_session_duration_out_of_range_is_refused_before_any_request(seconds: int) -> None:
    with pytest.raises(UsageError, match=str(seconds)):
        console.get_signin_token(
            CREDS, "aws", session_duration=seconds, endpoint="http://127.0.0.1:9/federation"
        )
