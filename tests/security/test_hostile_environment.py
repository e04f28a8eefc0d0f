"""What a hostile or careless environment hands azlogin: profile names that would inject
sections, headers botocore reads differently, temp files a killed run left behind, files
of the wrong mode or owner, and time limits that are no numbers. Each ends in one line of
cause and one hint, with the files as they were, or in a write botocore reads as meant."""

from __future__ import annotations

import configparser
import io
import os
import stat
from pathlib import Path

import pytest

from azlogin import awsfiles, plan
from azlogin.__main__ import main
from azlogin.commands.login import login
from azlogin.errors import ExitStatus
from azlogin.runtime import Runtime

from ..fakes import FakeSts, FixedAssertion, ScriptedUI
from ..unit.samlfixtures import response

TENANT = "11111111-2222-3333-4444-555555555555"
P = "arn:aws:iam::111111111111:saml-provider/AzureAD"
DEV = "arn:aws:iam::111111111111:role/Developer"
PROFILE = (
    f"azure_tenant_id = {TENANT}\nazure_app_id_uri = https://signin.aws.amazon.com/saml\n"
    f"azure_default_username = alice@example.com\nazure_default_role_arn = {DEV}\n"
)
HAND_WRITTEN = "# mine\n[default]\naws_access_key_id = AKIAKEEP\naws_secret_access_key = keep\n"
INJECTION = "evil]\naws_access_key_id = AKIAINJECTED\n[default"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "config").write_text(f"[profile dev]\n{PROFILE}\n[profile bob]\n{PROFILE}")
    (tmp_path / "credentials").write_text(HAND_WRITTEN)
    return {
        "AWS_CONFIG_FILE": str(tmp_path / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
        "AZLOGIN_STATE_DIR": str(tmp_path / "state"),
        "HOME": str(tmp_path),
    }


def cli(argv: list[str], env: dict[str, str]) -> tuple[int, list[str]]:
    err = io.StringIO()
    code = main(argv, env, io.StringIO(), err, io.StringIO())
    return code, err.getvalue().splitlines()


def snapshot(env: dict[str, str]) -> tuple[bytes, bytes]:
    return (
        Path(env["AWS_CONFIG_FILE"]).read_bytes(),
        Path(env["AWS_SHARED_CREDENTIALS_FILE"]).read_bytes(),
    )


def runtime(env: dict[str, str], ui: ScriptedUI | None = None) -> tuple[Runtime, FakeSts]:
    sts = FakeSts()
    provider = FixedAssertion(response([f"{DEV},{P}"]))
    made = Runtime(
        env=env,
        ui=ui or ScriptedUI(interactive=False),
        provider=lambda: provider,
        sts_api=lambda *a: sts,
    )
    return made, sts


def botocore_credentials(path: Path) -> dict[str, dict[str, str]]:
    parser = configparser.RawConfigParser()
    parser.read([path])
    return {name: dict(parser.items(name)) for name in parser.sections()}


@pytest.mark.parametrize(
    ("argv", "extra", "status"),
    [
        (["--profile", INJECTION], {}, ExitStatus.USAGE),
        (["env", "--profile", "dev\r"], {}, ExitStatus.USAGE),
        (["credential-process", "--profile", " dev"], {}, ExitStatus.USAGE),
        ([], {"AWS_PROFILE": INJECTION}, ExitStatus.CONFIG),
        (["--profile", "DEFAULT"], {}, ExitStatus.USAGE),
    ],
)
def test_profile_names_that_would_inject_sections_are_refused(
    env: dict[str, str], argv: list[str], extra: dict[str, str], status: int
) -> None:
    before = snapshot(env)
    code, lines = cli([*argv, "--no-prompt"], {**env, **extra})
    assert code == status
    assert len(lines) == 2 and lines[0].startswith("azlogin: error: "), lines
    assert lines[1].startswith("hint: ")
    assert INJECTION not in "\n".join(lines)  # the name is shown escaped, on one line
    assert snapshot(env) == before


def test_a_header_botocore_reads_with_spaces_is_not_taken_for_the_profile(
    env: dict[str, str],
) -> None:
    creds = Path(env["AWS_SHARED_CREDENTIALS_FILE"])
    # [ bob ] is the profile " bob " to botocore: bob has no keys, whatever azlogin thought.
    later = "2099-01-01T00:00:00Z"
    creds.write_text(
        f"{HAND_WRITTEN}[ bob ]\naws_access_key_id = AKIASPACED\n"
        f"aws_secret_access_key = s\naws_expiration = {later}\n"
    )
    rt, sts = runtime(env)
    assert login(plan.Request("bob"), rt) == 0
    assert len(sts.calls) == 1  # signed in: " bob "'s keys are not bob's
    seen = botocore_credentials(creds)
    assert seen["bob"]["aws_access_key_id"] == "ASIAFAKE"
    assert seen[" bob "]["aws_access_key_id"] == "AKIASPACED"


@pytest.mark.parametrize("name", [".credentials.a1b2c3d4.tmp", ".credentials.zz_9zz_9.tmp"])
def test_temp_copies_a_killed_run_left_are_removed_on_the_next_write(
    env: dict[str, str], name: str
) -> None:
    directory = Path(env["AWS_SHARED_CREDENTIALS_FILE"]).parent
    stale = directory / name
    stale.write_text("[dev]\naws_secret_access_key = LEFT-BEHIND-SECRET\n")
    others = [directory / ".credentials.short.tmp", directory / ".config.a1b2c3d4.tmp"]
    for other in others:
        other.write_text("not ours to delete")
    rt, _ = runtime(env)
    assert login(plan.Request("dev"), rt) == 0
    assert not stale.exists()
    assert all(other.exists() for other in others)


@pytest.mark.parametrize(
    ("mode", "said"),
    [
        (0o644, "was readable by others (0644); it is now 0600"),
        (0o400, "was read-only (0400); replaced with a 0600 copy"),
    ],
)
def test_a_credentials_file_of_another_mode_is_replaced_and_said_so(
    env: dict[str, str], mode: int, said: str
) -> None:
    creds = Path(env["AWS_SHARED_CREDENTIALS_FILE"])
    creds.chmod(mode)
    ui = ScriptedUI(interactive=False)
    rt, _ = runtime(env, ui)
    assert login(plan.Request("dev"), rt) == 0
    assert stat.S_IMODE(creds.stat().st_mode) == 0o600
    assert [line for line in ui.said if "credentials" in line and "was " in line] == [
        f"{awsfiles.display(creds)} {said}."
    ]


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can run as root with a user's HOME")
def test_root_with_a_users_home_leaves_no_root_owned_files(tmp_path: Path) -> None:
    user_home = tmp_path / "alice"
    (user_home / ".aws").mkdir(parents=True)
    (user_home / ".aws" / "config").write_text(f"[profile dev]\n{PROFILE}")
    for path in (user_home, user_home / ".aws", user_home / ".aws" / "config"):
        os.chown(path, 1000, 1000)
    env = {
        "AWS_CONFIG_FILE": str(user_home / ".aws" / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(user_home / ".aws" / "sub" / "credentials"),
        "AZLOGIN_STATE_DIR": str(user_home / ".azlogin"),
        "HOME": str(user_home),
    }
    rt, _ = runtime(env)
    assert login(plan.Request("dev"), rt) == 0
    made = list(user_home.rglob("*"))
    assert user_home / ".aws" / "sub" / "credentials" in made
    assert user_home / ".aws" / "sub" / "credentials.lock" in made
    assert {(p.name, p.lstat().st_uid) for p in made if p.lstat().st_uid != 1000} == set()


@pytest.mark.parametrize("flag", ["--timeout", "--mfa-timeout"])
@pytest.mark.parametrize("value", ["nan", "inf", "0", "-5", "soon"])
def test_time_limits_that_are_no_numbers_are_usage_errors(
    env: dict[str, str], flag: str, value: str
) -> None:
    code, lines = cli(["--profile", "dev", flag, value], env)
    assert code == ExitStatus.USAGE
    assert lines == [
        f"azlogin: error: argument {flag}: {value!r} is not a number of seconds above 0, e.g. 300.",
        "hint: See 'azlogin --help'.",
    ]
