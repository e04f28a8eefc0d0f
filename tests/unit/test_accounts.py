"""Account names: both chooser formats, the config key, the private cache, the merge order."""

from __future__ import annotations

import base64
import json
import stat
from pathlib import Path

import pytest

from azlogin import accounts
from azlogin.accounts import AliasLookup, aliases_from_config, parse_chooser_page
from azlogin.errors import ConfigError
from azlogin.sandbox.signin_pages import Account, legacy_chooser, nextjs_chooser

DEV, PROD, LONE = "111111111111", "222222222222", "444444444444"
ACCOUNTS = [
    Account(DEV, "team-dev", (f"arn:aws:iam::{DEV}:role/Developer",)),
    Account(LONE, None, (f"arn:aws:iam::{LONE}:role/Auditor",)),  # no alias: AWS shows the id
    Account(PROD, "Prod (EU) & co", (f"arn:aws:iam::{PROD}:role/ReadOnly",)),
]
NAMED = {DEV: "team-dev", PROD: "Prod (EU) & co"}


def meta_page(data: object) -> str:
    encoded = base64.b64encode(json.dumps(data).encode()).decode()
    return f'<html><head><meta name="data" content="{encoded}"></head><body></body></html>'


def test_legacy_page_names_accounts_and_skips_those_without_alias() -> None:
    assert parse_chooser_page(legacy_chooser(ACCOUNTS, "c2FtbA==", "", "/saml")) == NAMED


def test_json_page_names_accounts_and_skips_those_without_alias() -> None:
    assert parse_chooser_page(nextjs_chooser(ACCOUNTS, "c2FtbA==", "")) == NAMED


def test_json_page_in_the_shape_aws_serves() -> None:
    # As on signin.aws.amazon.com (and gimme-aws-creds' fixture): unpadded base64 is seen too.
    data = {
        "invalid_accounts": {},
        "RelayState": "",
        "roles_accounts": {
            f"sales ({DEV})": [f"arn:aws:iam::{DEV}:role/a"],
            PROD: [f"arn:aws:iam::{PROD}:role/b"],
        },
        "SAMLResponse": "PD94bWw+",
    }
    encoded = base64.b64encode(json.dumps(data).encode()).decode().rstrip("=")
    page = f'<!DOCTYPE html><html><head>\n<meta name="data"\n content="{encoded}">\n</head></html>'
    assert parse_chooser_page(page) == {DEV: "sales"}


@pytest.mark.parametrize(
    "page",
    [
        "",
        "not html at all \x00\x01",
        '<?xml version="1.0" encoding="utf-8"?><html/>',
        '<meta name="data" content="!!not base64!!">',
        '<meta name="data" content="bm90IGpzb24=">',  # "not json"
        meta_page(["a list"]),
        meta_page({"roles_accounts": ["a list"]}),
        meta_page({"roles_accounts": {"no id here": []}}),
        '<div class="saml-account-name">Account: 12345 (not an id)</div>',
        "<html><body><h1>Error</h1></body></html>",
    ],
)
def test_anything_unexpected_gives_no_names(page: str) -> None:
    assert parse_chooser_page(page) == {}


def test_config_value_pairs() -> None:
    value = f"{DEV}=dev, {PROD} = prod eu ,\n  {LONE}=x,"
    assert aliases_from_config(value) == {DEV: "dev", PROD: "prod eu", LONE: "x"}
    assert aliases_from_config("  ") == {}


@pytest.mark.parametrize("value", ["dev", f"{DEV}=", "12345=dev", f"{DEV}=a=b", f"={DEV}"])
def test_config_value_errors_name_the_key(value: str) -> None:
    with pytest.raises(ConfigError) as info:
        aliases_from_config(value)
    assert accounts.CONFIG_KEY in info.value.message
    assert "111111111111=dev" in info.value.hint


def test_cache_file_is_per_authority_and_tenant(tmp_path: Path) -> None:
    one = accounts.cache_file(tmp_path, "https://login.microsoftonline.com", "T1")
    assert one == accounts.cache_file(tmp_path, "https://LOGIN.microsoftonline.com", "t1")
    assert one != accounts.cache_file(tmp_path, "https://login.microsoftonline.com", "t2")
    assert one != accounts.cache_file(tmp_path, "https://login.microsoftonline.us", "t1")
    assert one.parent == tmp_path / "accounts" and len(one.stem) == 16


def test_cache_round_trip_is_private(tmp_path: Path) -> None:
    path = accounts.cache_file(tmp_path / "state", "https://authority", "tenant")
    accounts.write_cache(path, NAMED)
    assert accounts.read_cache(path) == NAMED
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    for directory in (tmp_path / "state", tmp_path / "state" / "accounts"):
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp file left


@pytest.mark.parametrize(
    "text", ["", "{", "[]", '{"accounts": []}', '{"accounts": {"12": "x", "111111111111": 5}}']
)
def test_unreadable_cache_is_empty(tmp_path: Path, text: str) -> None:
    path = tmp_path / "cache.json"
    path.write_text(text)
    assert accounts.read_cache(path) == {}
    assert accounts.read_cache(tmp_path / "missing.json") == {}


def test_known_accounts_need_no_request_and_configured_names_win(tmp_path: Path) -> None:
    path = tmp_path / "accounts" / "cache.json"
    accounts.write_cache(path, NAMED)
    lookup = AliasLookup(
        acs_url="http://127.0.0.1:9/never-asked",
        saml_response="c2FtbA==",
        cache_file=path,
        configured={PROD: "production", LONE: "audit"},
        account_ids={DEV, PROD, LONE},
    ).start()
    assert lookup.join(0)  # nothing was started: finished at once
    assert lookup.result() == {DEV: "team-dev", PROD: "production", LONE: "audit"}


def test_result_before_start_gives_the_configured_names(tmp_path: Path) -> None:
    lookup = AliasLookup(
        acs_url="file:///etc/passwd",
        saml_response="c2FtbA==",
        cache_file=tmp_path / "c.json",
        configured={DEV: "dev"},
    )
    assert lookup.result() == {DEV: "dev"}


def test_a_non_http_acs_url_is_not_fetched(tmp_path: Path) -> None:
    lookup = AliasLookup(
        acs_url="file:///etc/passwd",
        saml_response="c2FtbA==",
        cache_file=tmp_path / "c.json",
        configured={},
    ).start()
    assert lookup.join(10)
    assert lookup.result() == {}
    assert not (tmp_path / "c.json").exists()
