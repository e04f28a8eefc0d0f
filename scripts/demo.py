"""The README's demo: start the sandbox, sign in with the real azlogin CLI, prove the keys.

Everything happens in a temporary directory: your ~/.aws is never read or written.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import boto3

from azlogin.sandbox import Sandbox

USER = "alice@sandbox.example"  # password + TOTP MFA, several roles
PASSWORD = "Passw0rd!"
TOTP_SECRET = "JBSWY3DPEHPK3PXP"  # the sandbox user's "authenticator app"


def step(text: str) -> None:
    print(f"\n\033[1m▶ {text}\033[0m", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--interactive", action="store_true", help="type the password and pick the role yourself"
    )
    args = parser.parse_args()
    interactive = args.interactive and sys.stdin.isatty()

    with tempfile.TemporaryDirectory(prefix="azlogin-demo-") as tmp, Sandbox().start() as sandbox:
        home = Path(tmp)
        aws = home / ".aws"
        aws.mkdir(mode=0o700)
        config = aws / "config"
        config.write_text(sandbox.config_snippet("sandbox"))  # user: alice
        step(f"Sandbox tenant running at {sandbox.base_url}; throwaway AWS config in {aws}")
        print(config.read_text())

        env = {
            **os.environ,
            "AWS_CONFIG_FILE": str(config),
            "AWS_SHARED_CREDENTIALS_FILE": str(aws / "credentials"),
            "AZLOGIN_STATE_DIR": str(home / ".azlogin"),
            # The sandbox user's authenticator app: azlogin computes the TOTP code.
            "AZLOGIN_TOTP_SECRET": TOTP_SECRET,
        }
        for key in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            env.pop(key, None)
        env.pop("AWS_SESSION_TOKEN", None)
        command = [sys.executable, "-m", "azlogin", "--profile", "sandbox"]
        if interactive:
            print(f"Sign in as {USER} with password {PASSWORD}; then pick a role.")
        else:
            env["AZURE_DEFAULT_PASSWORD"] = PASSWORD
            command += ["--no-prompt", "--role", "Developer"]
        step("$ " + " ".join(["azlogin", *command[3:]]))
        result = subprocess.run(command, env=env, stdin=None if interactive else subprocess.DEVNULL)
        if result.returncode != 0:
            print(f"azlogin exited with {result.returncode}", file=sys.stderr)
            return result.returncode

        step("The credentials file azlogin wrote (secrets elided here)")
        for line in (aws / "credentials").read_text().splitlines():
            key = line.split("=", 1)[0].strip()
            hidden = key in ("aws_secret_access_key", "aws_session_token")
            print(f"{key} = …" if hidden else line)

        step("GetCallerIdentity through boto3 with profile 'sandbox'")
        os.environ.update({k: env[k] for k in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE")})
        identity = boto3.session.Session(profile_name="sandbox").client("sts").get_caller_identity()
        print(f"Account {identity['Account']}\nArn     {identity['Arn']}")

        step("Running azlogin again: the credentials are still valid, so it returns at once")
        subprocess.run(command, env=env, stdin=subprocess.DEVNULL, check=True)
    print("\nDemo complete; the temporary directory is gone.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
