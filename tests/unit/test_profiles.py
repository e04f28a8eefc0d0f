from __future__ import annotations

from pathlib import Path

import pytest

from azlogin import profiles
from azlogin.errors import ConfigError
from azlogin.settings import SETTINGS

TENANT = "11111111-2222-3333-4444-555555555555"
CONFIG = f"""\
[default]
azure_tenant_id = {TENANT}
azure_app_id_uri = https://signin.aws.amazon.com/saml

[profile dev-profile]
azure_tenant_id = {TENANT}
azure_app_id_uri = https://signin.aws.amazon.com/saml\\#2
azure_default_username = alice@example.com
azure_default_role_arn = arn:aws:iam::111111111111:role/Developer
azure_default_duration_hours = 4
azure_default_remember_me = true
region = eu-west-1

[profile gov]
azure_tenant_id = contoso.onmicrosoft.us
azure_app_id_uri = https://signin.amazonaws-us-gov.com/saml#3
region = us-gov-west-1
azlogin_authority_host = login.microsoftonline.us

[profile broken-duration]
azure_tenant_id = {TENANT}
azure_app_id_uri = x
azure_default_duration_hours = 13

[profile no-app]
azure_tenant_id = {TENANT}
"""


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "config"
    path.write_text(CONFIG)
    return path


def test_reads_aws_azure_login_keys(config: Path) -> None:
    p = profiles.load_profile("dev-profile", {}, config)
    assert p.tenant_id == TENANT
    assert p.app_id_uri == "https://signin.aws.amazon.com/saml#2"  # \# unescaped
    assert p.username == "alice@example.com"
    assert p.role_arn == "arn:aws:iam::111111111111:role/Developer"
    assert p.duration_hours == 4
    assert p.remember_me is True
    assert p.region == "eu-west-1"
    assert p.acs_url == "https://signin.aws.amazon.com/saml"
    assert p.authority_url == "https://login.microsoftonline.com"
    assert p.sources["username"].endswith("[profile dev-profile] azure_default_username")


def test_hash_in_value_is_part_of_it(config: Path) -> None:
    assert profiles.load_profile("gov", {}, config).app_id_uri.endswith("saml#3")


def test_partition_and_sovereign_authority(config: Path) -> None:
    p = profiles.load_profile("gov", {}, config)
    assert p.acs_url == "https://signin.amazonaws-us-gov.com/saml"
    assert p.authority_url == "https://login.microsoftonline.us"


def test_defaults(config: Path) -> None:
    p = profiles.load_profile("default", {}, config)
    assert p.duration_hours == 8 and p.remember_me is False and p.username is None
    assert p.sources["duration_hours"] == "default"


def test_precedence_flag_over_env_over_file(config: Path) -> None:
    env = {
        "AZURE_DEFAULT_ROLE_ARN": "arn:aws:iam::1:role/FromEnv",
        "azure_default_duration_hours": "2",
        "AZURE_DEFAULT_USERNAME": "env@example.com",
    }
    p = profiles.load_profile("dev-profile", env, config, role="FromFlag", duration_hours=1.5)
    assert (p.role_arn, p.sources["role_arn"]) == ("FromFlag", "flag --role")
    assert (p.duration_hours, p.sources["duration_hours"]) == (1.5, "flag --duration")
    assert (p.username, p.sources["username"]) == ("env@example.com", "env AZURE_DEFAULT_USERNAME")
    p = profiles.load_profile("dev-profile", env, config)
    assert (p.duration_hours, p.sources["duration_hours"]) == (
        2,
        "env azure_default_duration_hours",
    )


def test_environment_only_profile(tmp_path: Path) -> None:
    env = {"AZURE_TENANT_ID": TENANT, "AZURE_APP_ID_URI": "https://signin.aws.amazon.com/saml"}
    p = profiles.load_profile("ci", env, tmp_path / "missing")
    assert p.tenant_id == TENANT


def test_unknown_profile_suggests_close_names(config: Path) -> None:
    with pytest.raises(ConfigError, match="Profile 'dev-profil' is not in") as info:
        profiles.load_profile("dev-profil", {}, config)
    assert "dev-profile" in info.value.hint


def test_missing_app_id_names_key_profile_and_file(config: Path) -> None:
    with pytest.raises(ConfigError) as info:
        profiles.load_profile("no-app", {}, config)
    assert "no-app" in info.value.message and "azure_app_id_uri" in info.value.message
    assert str(config) in info.value.message or "config" in info.value.message


def test_bad_duration_names_where_it_came_from(config: Path) -> None:
    with pytest.raises(
        ConfigError, match=r"broken-duration.*azure_default_duration_hours.*not a number of hours"
    ):
        profiles.load_profile("broken-duration", {}, config)


def test_bad_tenant_and_bool(tmp_path: Path) -> None:
    path = tmp_path / "config"
    path.write_text("[profile x]\nazure_tenant_id = not a tenant\nazure_app_id_uri = a\n")
    with pytest.raises(ConfigError, match="neither a GUID nor a domain"):
        profiles.load_profile("x", {}, path)
    path.write_text(
        f"[profile x]\nazure_tenant_id = {TENANT}\nazure_app_id_uri = a\n"
        "azure_default_remember_me = perhaps\n"
    )
    with pytest.raises(ConfigError, match="not true or false"):
        profiles.load_profile("x", {}, path)


def test_malformed_config_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "config"
    path.write_text("[profile x]\nthis line is junk\n")
    with pytest.raises(ConfigError, match="line 2"):
        profiles.load_profile("x", {}, path)


def test_debug_description_lists_every_setting(config: Path) -> None:
    lines = profiles.describe_sources(profiles.load_profile("dev-profile", {}, config))
    assert any(line.startswith("azure_default_role_arn = arn:aws:iam") for line in lines)
    assert any("region = eu-west-1 (config" in line for line in lines)


def test_config_example_uses_every_key_azlogin_reads() -> None:
    example = Path(__file__).resolve().parents[2] / "config.example.ini"
    p = profiles.load_profile("dev-profile", {}, example)
    assert p.app_id_uri == "https://signin.aws.amazon.com/saml#2"
    keys = {s.key for s in SETTINGS}
    text = example.read_text()
    assert all(f"\n{key} = " in text for key in keys)
    assert all(not source.startswith("default") for source in p.sources.values())


def test_mfa_method_words_resolve_to_entras_names(tmp_path: Path) -> None:
    path = tmp_path / "config"
    base = f"[profile x]\nazure_tenant_id = {TENANT}\nazure_app_id_uri = a\n"
    path.write_text(base + "azlogin_mfa_method = Push\n")
    assert profiles.load_profile("x", {}, path).mfa_method == "PhoneAppNotification"
    path.write_text(base + "azlogin_mfa_method = pigeon\n")
    with pytest.raises(ConfigError, match="not an MFA method Entra names"):
        profiles.load_profile("x", {}, path)
