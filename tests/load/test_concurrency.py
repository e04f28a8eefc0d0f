"""Many azlogin processes against one credentials file, and ``--all-profiles`` at scale.

What runs, and why it fits in about two minutes on two cores:

* 50 profiles over 5 identities (10 profiles each), ``azure_default_remember_me = true``.
  Each identity signs in once with its password (5 processes at once), which leaves a
  remembered browser session. Then 50 ``azlogin --force-refresh`` processes are started
  at the same moment, without a password: every one must sign in through its identity's
  remembered session, get its own role from STS and write its own section of the one
  credentials file. Chromium allows one process per profile directory, so the 10 runs
  of an identity take turns with its session (at most 5 browsers at once, one per
  identity) while all 50 processes, their STS calls and their file writes overlap. A
  browser costs about 2 s of CPU, so 55 sign-ins are most of the time.
* ``--all-profiles`` over 24 profiles of 3 identities (password + TOTP, password only,
  push): one sign-in per identity, 24 AssumeRoleWithSAML calls, all written.

Afterwards botocore must read every profile, each profile's keys must be its own
(GetCallerIdentity answers with that profile's role and user), and the hand-written
part of the file must be unchanged byte for byte.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import boto3

from azlogin.sandbox import Sandbox

from ..e2e.conftest import PASSWORD, TOTP_SECRET, Home
from ..faults.support import credentials_complete
from .conftest import IDENTITIES, SAML_ROLES, load_user

PROFILES = 50
WAIT = 600.0  # bounds a hung run; the whole file takes a fraction of it

HAND_WRITTEN = """\
# ~/.aws/credentials, partly by hand: everything here but azlogin's keys must survive
[default]
aws_access_key_id = AKIAHANDWRITTEN
aws_secret_access_key = hand/written+secret

; a profile azlogin refreshes, with notes of its own
[load-07]
# note kept inside the section
aws_access_key_id=ASIASTALE
aws_secret_access_key = stale/secret
region_note = stays   # not a comment for botocore
aws_session_token = STALETOKEN
  continued-stale-token

[static-tools]
aws_access_key_id = AKIATOOLS
aws_secret_access_key = tools

# trailing comment of the hand-written part
"""
AZLOGIN_KEY = re.compile(
    r"(aws_access_key_id|aws_secret_access_key|aws_session_token|aws_expiration)\s*="
)


def profile_name(index: int) -> str:
    return f"load-{index:02d}"


def expected_arn(role_arn: str, username: str) -> str:
    account = role_arn.split(":")[4]
    return f"arn:aws:sts::{account}:assumed-role/{role_arn.rsplit('/', 1)[1]}/{username}"


def outside_azlogin_keys(text: str, refreshed: set[str]) -> list[str]:
    """The lines azlogin must keep: all but the credential keys (and their continuation
    lines) of the sections it refreshed."""
    kept, section, dropping = [], "", False
    for line in text.splitlines(keepends=True):
        header = re.match(r"\[([^\]]+)\]", line)
        if header:
            section = header.group(1).strip()
        if dropping and line[:1] in (" ", "\t") and line.strip():
            continue
        dropping = section in refreshed and bool(AZLOGIN_KEY.match(line))
        if not dropping:
            kept.append(line)
    return kept


def assert_hand_written_part_kept(home: Home, refreshed: set[str]) -> None:
    before = outside_azlogin_keys(HAND_WRITTEN, refreshed)
    after = outside_azlogin_keys(home.credentials.read_text(), refreshed)
    assert after[: len(before)] == before
    added = [line.strip() for line in after[len(before) :] if line.strip()]
    new_sections = refreshed - {"load-07"}
    assert sorted(added) == sorted(f"[{name}]" for name in new_sections)


def assert_keys_are_each_profiles_own(expected: dict[str, str]) -> None:
    for name, arn in expected.items():  # boto3 reads the same files botocore-style
        sts = boto3.session.Session(profile_name=name).client("sts")
        assert sts.get_caller_identity()["Arn"] == arn, name


def azlogin(home: Home, log: Path, *argv: str, **env: str) -> subprocess.Popen[bytes]:
    with log.open("wb") as err:  # the child keeps its own descriptor
        return subprocess.Popen(
            [sys.executable, "-m", "azlogin", *argv],
            env={**home.env, **env},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )


def finish(runs: dict[str, tuple[subprocess.Popen[bytes], Path]]) -> dict[str, str]:
    """Wait for every process; all must succeed. Returns each one's stderr."""
    out = {}
    for name, (proc, log) in runs.items():
        proc.wait(timeout=WAIT)
        out[name] = log.read_text()
        assert proc.returncode == 0, f"{name}: {out[name]}"
    return out


def test_fifty_processes_refresh_fifty_profiles_of_one_credentials_file(
    home: Home, tmp_path: Path
) -> None:
    sandbox: Sandbox = home.sandbox
    expected = {}
    for i in range(PROFILES):
        user, role = load_user(i % IDENTITIES), SAML_ROLES[i % len(SAML_ROLES)]
        home.profile(
            user,
            profile_name(i),
            azure_default_role_arn=role,
            azure_default_duration_hours="1",  # every role allows 1 h: no step-down calls
            azure_default_remember_me="true",
        )
        expected[profile_name(i)] = expected_arn(role, user)
    home.credentials.write_text(HAND_WRITTEN)
    logs = tmp_path / "logs"
    logs.mkdir()

    # Each identity signs in once with its password; its browser session is remembered.
    first = {
        profile_name(i): (
            azlogin(
                home, logs / f"first-{i}", "-p", profile_name(i), AZURE_DEFAULT_PASSWORD=PASSWORD
            ),
            logs / f"first-{i}",
        )
        for i in range(IDENTITIES)
    }
    finish(first)
    assert sandbox.sign_ins_by_user == {load_user(i): 1 for i in range(IDENTITIES)}

    # All 50 at once, no password: only the remembered sessions can sign them in.
    runs = {
        profile_name(i): (
            azlogin(home, logs / f"run-{i}", "-p", profile_name(i), "--force-refresh"),
            logs / f"run-{i}",
        )
        for i in range(PROFILES)
    }
    said = finish(runs)

    for name, err in said.items():
        assert f"Wrote profile '{name}'" in err, err
        assert "Traceback" not in err, err
    per_identity = PROFILES // IDENTITIES
    assert sandbox.sign_ins_by_user == {load_user(i): 1 + per_identity for i in range(IDENTITIES)}
    assert Counter(sandbox.request_log)[("POST", "/sts")] == IDENTITIES + PROFILES
    assert sorted(home.credentials.parent.glob(".*.tmp")) == []
    assert home.credentials.stat().st_mode & 0o777 == 0o600
    assert_hand_written_part_kept(home, set(expected))
    assert_keys_are_each_profiles_own(expected)
    assert set(credentials_complete(home)) == {"default", "static-tools", *expected}


def test_all_profiles_signs_in_once_per_identity_and_writes_every_profile(home: Home) -> None:
    sandbox: Sandbox = home.sandbox
    identities = {  # username: the roles it is granted in the default scenario
        "alice@sandbox.example": SAML_ROLES,  # password + TOTP
        "bob@sandbox.example": SAML_ROLES[:1],  # password only
        "carol@sandbox.example": SAML_ROLES,  # push, approved by the simulated phone
    }
    expected = {}
    for n in range(24):
        user = list(identities)[n % len(identities)]
        role = identities[user][n % len(identities[user])]
        name = f"many-{n:02d}"
        home.profile(user, name, azure_default_role_arn=role, azure_default_duration_hours="1")
        expected[name] = expected_arn(role, user)
    home.credentials.write_text(HAND_WRITTEN)

    done = subprocess.run(
        [sys.executable, "-m", "azlogin", "--all-profiles", "--no-prompt"],
        env={**home.env, "AZURE_DEFAULT_PASSWORD": PASSWORD, "AZLOGIN_TOTP_SECRET": TOTP_SECRET},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=WAIT,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert sandbox.sign_ins_by_user == dict.fromkeys(identities, 1)
    assert Counter(sandbox.request_log)[("POST", "/sts")] == len(expected)
    rows = [line for line in done.stderr.splitlines() if line.startswith("many-")]
    assert len(rows) == len(expected) and all(row.endswith("refreshed") for row in rows), rows
    assert set(credentials_complete(home)) == {"default", "load-07", "static-tools", *expected}
    assert_hand_written_part_kept(home, set(expected))
    assert_keys_are_each_profiles_own(expected)
