"""``azlogin list`` and ``azlogin configure`` through ``main(argv)``, on real files.

The wizard is driven by keystrokes through a prompt_toolkit pipe: either handed to the
TerminalUI inside ``world.ui`` (the seam configure.run uses), or, through ``main``, as the
current prompt_toolkit session with a stdin that claims to be a terminal.
"""

from __future__ import annotations

import argparse
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.input.base import PipeInput
from prompt_toolkit.output import DummyOutput

from azlogin import cli
from azlogin.__main__ import main
from azlogin.commands import configure, list_
from azlogin.errors import ExitStatus
from azlogin.runtime import Runtime as World
from azlogin.terminal import TerminalUI
from azlogin.ui import EnvAnswers

TENANT = "11111111-2222-3333-4444-555555555555"
SECRET, TOKEN = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY", "FwoGZXIvYXdzEXAMPLETOKEN"
ENTER, CLEAR = "\r", "\x15"  # Ctrl-U empties the line before the cursor
CONFIG = f"""\
# work profiles -- keep this comment
[default]
region = eu-west-1

[profile dev]
azure_tenant_id={TENANT}
azure_app_id_uri = https://signin.aws.amazon.com/saml\\#dev
; the role most people want
azure_default_role_arn = arn:aws:iam::111111111111:role/Developer
azure_default_duration_hours = 8

[profile deploy]
role_arn = arn:aws:iam::333333333333:role/Deployer
source_profile = dev
external_id = abc

[profile static]
output = json

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
"""


def creds_section(name: str, expires: datetime | None) -> str:
    text = f"[{name}]\naws_access_key_id = ASIAEXAMPLE{name.upper()}\n"
    text += f"aws_secret_access_key = {SECRET}\naws_session_token = {TOKEN}\n"
    if expires is not None:
        text += f"aws_expiration = {expires:%Y-%m-%dT%H:%M:%SZ}\n"
    return text


@dataclass
class Files:
    config: Path
    credentials: Path

    @property
    def env(self) -> dict[str, str]:
        return {
            "AWS_CONFIG_FILE": str(self.config),
            "AWS_SHARED_CREDENTIALS_FILE": str(self.credentials),
        }


@pytest.fixture
def files(tmp_path: Path) -> Files:
    (tmp_path / ".aws").mkdir(mode=0o700)
    found = Files(tmp_path / ".aws" / "config", tmp_path / ".aws" / "credentials")
    found.config.write_text(CONFIG)
    return found


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def run(files: Files, *argv: str, stdin: io.StringIO | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), files.env, stdin or io.StringIO(), err, out)
    return code, out.getvalue(), err.getvalue()


# --- list -------------------------------------------------------------------------------


def test_list_json_names_every_profile_its_kind_and_credentials(files: Files) -> None:
    now = datetime.now(timezone.utc)
    files.credentials.write_text(
        creds_section("dev", now + timedelta(hours=7))
        + creds_section("deploy", now - timedelta(minutes=5))
        + creds_section("default", None)
    )
    code, out, err = run(files, "list", "--json")
    assert code == 0, err
    rows = {row["profile"]: row for row in json.loads(out)}
    assert list(rows) == ["default", "dev", "deploy", "static"]
    dev, deploy = rows["dev"], rows["deploy"]
    assert (dev["kind"], dev["tenant_id"], dev["source_profile"]) == ("azure", TENANT, None)
    assert dev["role_arn"] == "arn:aws:iam::111111111111:role/Developer"
    assert dev["credentials"] == "valid" and 0 < dev["remaining_seconds"] <= 7 * 3600
    assert (deploy["kind"], deploy["source_profile"], deploy["tenant_id"]) == (
        "chained",
        "dev",
        None,
    )
    assert deploy["role_arn"] == "arn:aws:iam::333333333333:role/Deployer"
    assert (deploy["credentials"], deploy["remaining_seconds"]) == ("expired", 0)
    assert rows["static"]["kind"] == "other" and rows["static"]["credentials"] == "none"
    assert rows["default"]["credentials"] == "static"  # long-term keys, no expiry
    assert SECRET not in out and TOKEN not in out and "ASIAEXAMPLE" not in out


def test_list_plain_text_is_aligned_and_secret_free(files: Files) -> None:
    files.credentials.write_text(creds_section("dev", datetime(2000, 1, 1, tzinfo=timezone.utc)))
    code, out, _ = run(files, "list")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["PROFILE", "KIND", "TENANT", "/", "SOURCE", "ROLE", "CREDENTIALS"]
    assert [line.split()[:2] for line in lines[1:]] == [
        ["default", "other"],
        ["dev", "azure"],
        ["deploy", "chained"],
        ["static", "other"],
    ]
    column = lines[0].index("CREDENTIALS")
    assert [line[column:] for line in lines[1:]] == ["none", "expired", "none", "none"]
    assert SECRET not in out and TOKEN not in out


def test_list_on_a_terminal_is_a_table(files: Files, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "160")  # rich folds long cells to the terminal's width
    out, err = Terminal(), io.StringIO()
    assert main(["list"], files.env, io.StringIO(), err, out) == 0
    text = out.getvalue()
    assert "PROFILE" in text and "deploy" in text and TENANT in text
    assert "\x1b[" in text  # styled for the terminal


def test_list_formats_the_time_left(files: Files) -> None:
    now = datetime(2030, 1, 1, 12, tzinfo=timezone.utc)
    files.credentials.write_text(creds_section("dev", now + timedelta(hours=7, minutes=12)))
    out = io.StringIO()
    world = World(
        env=files.env,
        ui=EnvAnswers(TerminalUI(io.StringIO()), {}),
        provider=lambda: pytest.fail("list never signs in"),
        sts_api=lambda *a: pytest.fail("list never calls STS"),
        clock=lambda: now,
        out=out,
    )
    assert list_.run(argparse.Namespace(json=False), world) == 0
    dev = next(line for line in out.getvalue().splitlines() if line.startswith("dev "))
    assert dev.endswith("  valid 7 h 12 min")


def test_list_without_a_config_says_how_to_add_one(tmp_path: Path) -> None:
    empty = Files(tmp_path / "config", tmp_path / "credentials")
    code, out, err = run(empty, "list")
    assert (code, out) == (0, "")
    assert "azlogin configure --profile NAME" in err
    assert run(empty, "list", "--json")[1] == "[]\n"


# --- configure by flags -------------------------------------------------------------------


def test_configure_flags_add_a_profile_keeping_every_other_byte(files: Files) -> None:
    code, _, err = run(
        files,
        "configure",
        "--profile",
        "sandbox",
        "--tenant-id",
        "sandbox.example",
        "--app-id-uri",
        "https://signin.aws.amazon.com/saml#sandbox",
        "--remember-me",
        "--duration-hours",
        "1.50",
    )
    assert code == 0, err
    added = (
        "\n[profile sandbox]\n"
        "azure_tenant_id = sandbox.example\n"
        "azure_app_id_uri = https://signin.aws.amazon.com/saml#sandbox\n"
        "azure_default_duration_hours = 1.5\n"
        "azure_default_remember_me = true\n"
    )
    assert files.config.read_text() == CONFIG + added
    assert "Added [profile sandbox]" in err and "azure_default_remember_me = true" in err


def test_configure_flags_change_only_their_keys(files: Files) -> None:
    code, _, err = run(
        files,
        "configure",
        "-p",
        "dev",
        "--duration-hours",
        "4",
        "--region",
        "eu-central-1",
        "--role-arn",
        "",
    )
    assert code == 0, err
    expected = (
        CONFIG.replace("azure_default_duration_hours = 8\n", "azure_default_duration_hours = 4\n")
        .replace(
            "; the role most people want\n"
            "azure_default_role_arn = arn:aws:iam::111111111111:role/Developer\n",
            "; the role most people want\n",
        )
        .replace(
            "azure_default_duration_hours = 4\n",
            "azure_default_duration_hours = 4\nregion = eu-central-1\n",
        )
    )
    assert files.config.read_text() == expected
    assert "azure_default_duration_hours = 4 (was 8)" in err
    assert "azure_default_role_arn removed" in err
    assert "region = eu-central-1" in err


def test_configure_with_nothing_new_writes_nothing(files: Files) -> None:
    before = files.config.stat().st_mtime_ns
    code, _, err = run(files, "configure", "-p", "dev", "--tenant-id", TENANT)
    assert code == 0
    assert "nothing changed" in err
    assert files.config.stat().st_mtime_ns == before


@pytest.mark.parametrize(
    ("flags", "wrong"),
    [
        (["--tenant-id", "not a tenant"], "--tenant-id 'not a tenant' is neither a GUID"),
        (["--app-id-uri", "signin.aws.amazon.com"], "is not an https:// or urn: URI"),
        (["--duration-hours", "13"], "not a number of hours from 0.25 to 12"),
        (["--role-arn", "Developer"], "not an IAM role ARN"),
        (["--region", "Europe"], "not an AWS region name"),
    ],
)
def test_configure_rejects_bad_flags_with_a_hint(
    files: Files, flags: list[str], wrong: str
) -> None:
    code, _, err = run(files, "configure", "-p", "dev", *flags)
    assert code == ExitStatus.USAGE
    assert wrong in err and "\nhint: " in err
    assert files.config.read_text() == CONFIG


def test_a_new_profile_needs_tenant_and_app_without_prompts(files: Files) -> None:
    code, _, err = run(files, "configure", "-p", "new", "--region", "eu-west-1", "--no-prompt")
    assert code == ExitStatus.USAGE
    assert "Profile 'new' needs --tenant-id and --app-id-uri" in err
    assert files.config.read_text() == CONFIG


# --- the wizard ---------------------------------------------------------------------------


@pytest.fixture
def pipe() -> Iterator[PipeInput]:
    with create_pipe_input() as pipe_input:
        yield pipe_input


def wizard_world(files: Files, pipe: PipeInput) -> tuple[World, io.StringIO]:
    said = io.StringIO()
    terminal = TerminalUI(said, pt_input=pipe, pt_output=DummyOutput())
    world = World(
        env=files.env,
        ui=EnvAnswers(terminal, {}),
        provider=lambda: pytest.fail("configure never signs in"),
        sts_api=lambda *a: pytest.fail("configure never calls STS"),
        out=io.StringIO(),
    )
    return world, said


def parsed(*argv: str) -> argparse.Namespace:
    invocation = cli.parse(["configure", *argv], {})
    assert invocation.ns is not None
    return invocation.ns


def test_wizard_offers_current_values_and_rejects_a_bad_tenant(
    files: Files, pipe: PipeInput
) -> None:
    world, said = wizard_world(files, pipe)
    keys = [
        CLEAR + "contoso" + ENTER,  # tenant: neither a GUID nor a domain, so the prompt stays
        CLEAR + "contoso.onmicrosoft.com" + ENTER,
        ENTER,  # app id URI: kept, and its line too (\# and all)
        "alice@contoso.com" + ENTER,  # username: new
        ENTER,  # role ARN: kept
        CLEAR + "2.5" + ENTER,  # duration
        "y",  # remember me: a yes/no answers at once
        ENTER,  # region: still none
    ]
    pipe.send_text("".join(keys))
    assert configure.run(parsed("--profile", "dev"), world) == 0
    text = files.config.read_text()
    assert "azure_tenant_id=contoso.onmicrosoft.com\n" in text
    assert "azure_app_id_uri = https://signin.aws.amazon.com/saml\\#dev\n" in text
    expected = CONFIG.replace(
        f"azure_tenant_id={TENANT}", "azure_tenant_id=contoso.onmicrosoft.com"
    )
    expected = expected.replace(
        "azure_default_duration_hours = 8\n",
        "azure_default_duration_hours = 2.5\n"
        "azure_default_username = alice@contoso.com\n"
        "azure_default_remember_me = true\n",
    )
    assert text == expected
    assert f"azure_tenant_id = contoso.onmicrosoft.com (was {TENANT})" in said.getvalue()


def test_wizard_flags_skip_their_questions(files: Files, pipe: PipeInput) -> None:
    world, _ = wizard_world(files, pipe)
    keys = [
        "https://signin.aws.amazon.com/saml#2" + ENTER,  # app id URI (tenant and region: flags)
        ENTER * 3,  # username, role, duration: none
        "n",  # remember me
    ]
    pipe.send_text("".join(keys))
    ns = parsed("--profile", "fresh", "--tenant-id", TENANT, "--region", "us-east-1")
    assert configure.run(ns, world) == 0
    assert files.config.read_text() == CONFIG + (
        "\n[profile fresh]\n"
        f"azure_tenant_id = {TENANT}\n"
        "azure_app_id_uri = https://signin.aws.amazon.com/saml#2\n"
        "region = us-east-1\n"
    )


def test_wizard_through_main_in_a_terminal(files: Files, pipe: PipeInput) -> None:
    pipe.send_text(ENTER * 5 + "y" + CLEAR + "ap-southeast-2" + ENTER)
    err = io.StringIO()
    with create_app_session(input=pipe, output=DummyOutput()):
        code = main(["configure", "-p", "dev"], files.env, Terminal(), err, io.StringIO())
    assert code == 0, err.getvalue()
    assert files.config.read_text() == CONFIG.replace(
        "azure_default_duration_hours = 8\n",
        "azure_default_duration_hours = 8\n"
        "azure_default_remember_me = true\n"
        "region = ap-southeast-2\n",
    )


def test_wizard_input_ending_early_changes_nothing(files: Files, pipe: PipeInput) -> None:
    pipe.send_text(CLEAR + "contoso.onmicrosoft.com" + ENTER)
    pipe.close()  # the terminal goes away after the first answer
    err = io.StringIO()
    with create_app_session(input=pipe, output=DummyOutput()):
        code = main(["configure", "-p", "dev"], files.env, Terminal(), err, io.StringIO())
    assert code == ExitStatus.INTERRUPTED
    assert "no file was changed" in err.getvalue()
    assert files.config.read_text() == CONFIG
