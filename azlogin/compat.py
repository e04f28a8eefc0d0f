"""``aws-azure-login``: the Node tool's command line and environment, run by azlogin.

:func:`translate` is pure: argv and environment in, azlogin's argv and environment out,
with a note for each flag or variable that means nothing here. :func:`main` runs the
result through :func:`azlogin.__main__.main`, so errors and exit statuses are azlogin's
(aws-azure-login exits 0 after many errors; scripts and Granted need to see them).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TextIO

from . import __version__
from .commands import Parser
from .errors import ExitStatus, UsageError

PROG = "aws-azure-login"
MODES = {"cli": "headless", "gui": "gui", "debug": "debug"}

# Flags for Puppeteer's Chromium: accepted so existing scripts run, then dropped.
IGNORED_FLAGS = {
    "no_sandbox": (
        "--no-sandbox",
        "azlogin turns Chromium's sandbox off itself where it cannot start (as root, in a "
        "container)",
    ),
    "enable_chrome_network_service": (
        "--enable-chrome-network-service",
        "the Network Service is Chromium's only network stack since Chrome 79",
    ),
    "enable_chrome_seamless_sso": (
        "--enable-chrome-seamless-sso",
        "azlogin has no Seamless SSO (Kerberos); it signs in with the password and MFA, or "
        "the remembered session",
    ),
    "no_disable_extensions": (
        "--no-disable-extensions",
        "azlogin's browser runs a profile of its own, with no extensions to load",
    ),
    "disable_gpu": ("--disable-gpu", "azlogin always starts Chromium with --disable-gpu"),
}
# aws-azure-login's Chromium profile (for remember-me); azlogin keeps its own sessions.
IGNORED_VARIABLES = ("BROWSER_USER_DATA_DIR", "BROWSER_PROFILE_DIR")

EPILOG = """\
what each flag does here:
  -p, --profile, AWS_PROFILE   the profile (default: $AWS_PROFILE, then 'default')
  -m, --mode cli|gui|debug     azlogin's --mode headless|gui|debug
  -c, --configure              azlogin configure --profile NAME (a short wizard)
  -a, --all-profiles           azlogin --all-profiles (azure profiles expiring soon)
  --credential-process         azlogin credential-process --profile NAME (JSON on stdout)
  -f, --force-refresh, --no-prompt, --no-verify-ssl   as azlogin's
  --no-sandbox, --disable-gpu, --no-disable-extensions, --enable-chrome-network-service,
  --enable-chrome-seamless-sso   accepted and ignored (--debug says why)

environment: aws-azure-login's AZURE_* variables; BROWSER_CHROME_BIN as AZLOGIN_BROWSER;
  DEBUG=aws-azure-login as --debug; the rest as `azlogin --help` lists.

exit status: azlogin's (0 success, 2 usage, 3 configuration, 4 sign-in, 5 AWS, 130
  interrupted), never 0 after an error as aws-azure-login often does.
"""


@dataclass(frozen=True)
class Translation:
    argv: tuple[str, ...]
    env: Mapping[str, str]
    notes: tuple[str, ...]  # for --debug: what was ignored or taken from where, and why


def parser() -> argparse.ArgumentParser:
    p = Parser(
        prog=PROG,
        description="aws-azure-login's command line, run by azlogin.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("-p", "--profile", metavar="NAME", help="profile to sign in (or configure)")
    p.add_argument("-a", "--all-profiles", action="store_true", help="refresh every azure profile")
    p.add_argument("-f", "--force-refresh", action="store_true", help="sign in even if valid")
    p.add_argument("-c", "--configure", action="store_true", help="configure the profile")
    p.add_argument("-m", "--mode", choices=MODES, help="cli (default), gui or debug")
    p.add_argument("--no-prompt", action="store_true", help="ask nothing; use the defaults")
    p.add_argument("--no-verify-ssl", action="store_true", help="do not verify TLS certificates")
    p.add_argument("--credential-process", action="store_true", help="print credential JSON")
    for flag, _ in IGNORED_FLAGS.values():
        p.add_argument(flag, action="store_true", help="ignored")
    p.add_argument("--debug", action="store_true", help="say what azlogin does (never secrets)")
    p.add_argument("--version", action="version", version=f"{PROG} (azlogin {__version__})")
    return p


def debug_wanted(pattern: str) -> bool:
    """Whether the Node ``debug`` module's DEBUG pattern (``a,b*,-c``) names aws-azure-login."""
    names = [n for n in re.split(r"[\s,]+", pattern) if n]

    def matches(name: str) -> bool:
        return re.fullmatch(".*?".join(map(re.escape, name.split("*"))), PROG) is not None

    if any(n.startswith("-") and matches(n[1:]) for n in names):
        return False
    return any(matches(n) for n in names if not n.startswith("-"))


def translate(argv: Sequence[str], env: Mapping[str, str]) -> Translation:
    ns = parser().parse_args(list(argv))
    given = [(flag, why) for key, (flag, why) in IGNORED_FLAGS.items() if getattr(ns, key)]
    notes = [f"{flag} is ignored: {why}." for flag, why in given]
    new_env = dict(env)
    chrome = env.get("BROWSER_CHROME_BIN", "").strip()
    if chrome and env.get("AZLOGIN_BROWSER", "").strip():
        notes.append("BROWSER_CHROME_BIN is ignored: AZLOGIN_BROWSER is set and comes first.")
    elif chrome:
        new_env["AZLOGIN_BROWSER"] = chrome
        notes.append("browser: BROWSER_CHROME_BIN (aws-azure-login's), used as AZLOGIN_BROWSER.")
    notes += [
        f"{name} is ignored: azlogin keeps remembered sessions under AZLOGIN_STATE_DIR."
        for name in IGNORED_VARIABLES
        if env.get(name)
    ]
    debug = ["--debug"] if ns.debug or debug_wanted(env.get("DEBUG", "")) else []
    no_prompt = ["--no-prompt"] if ns.no_prompt else []
    sign_in = [*no_prompt, *debug]
    sign_in += ["--force-refresh"] if ns.force_refresh else []
    sign_in += ["--no-verify-ssl"] if ns.no_verify_ssl else []
    sign_in += [f"--mode={MODES[ns.mode]}"] if ns.mode else []
    profile = [f"--profile={ns.profile}"] if ns.profile is not None else []
    # The order aws-azure-login checks them in: --all-profiles, --configure, then a login.
    if ns.all_profiles:
        dropped = [f for f, on in (("--profile", profile), ("--configure", ns.configure)) if on]
        notes += [
            f"{flag} is ignored with --all-profiles, as in aws-azure-login." for flag in dropped
        ]
        command = ["login", "--all-profiles", *sign_in]
    elif ns.configure:
        command = ["configure", *profile, *no_prompt, *debug]
    elif ns.credential_process:
        command = ["credential-process", *profile, *sign_in]
    else:
        command = ["login", *profile, *sign_in]
    return Translation(tuple(command), new_env, tuple(notes))


def main(
    argv: Sequence[str] | None = None,
    env: Mapping[str, str] | None = None,
    stdin: TextIO | None = None,
    stderr: TextIO | None = None,
    stdout: TextIO | None = None,
) -> int:
    from . import __main__ as azlogin
    from .redact import configure_logging, log

    argv = sys.argv[1:] if argv is None else argv
    env = os.environ if env is None else env
    stderr = stderr or sys.stderr
    try:
        translation = translate(argv, env)
    except UsageError as exc:
        stderr.write(f"{PROG}: error: {exc.message}\nhint: {exc.hint}\n")
        return int(exc.status)
    except SystemExit as exc:  # argparse: --help, --version
        return exc.code if isinstance(exc.code, int) else int(ExitStatus.USAGE)
    # azlogin's main sets up its logger again, the same way; the notes need it now.
    configure_logging("--debug" in translation.argv, stderr)
    for note in translation.notes:
        log.debug("aws-azure-login: %s", note)
    log.debug("aws-azure-login: runs as azlogin %s", " ".join(translation.argv))
    return azlogin.main(translation.argv, translation.env, stdin, stderr, stdout)


def run() -> None:
    sys.exit(main())
