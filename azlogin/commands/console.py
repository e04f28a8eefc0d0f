"""``azlogin console``: a federation sign-in link to the AWS console for the profile.

The keys go to the endpoint :func:`azlogin.console_endpoints.choose_endpoint` allows: the
profile's ``azlogin_federation_url`` (read here, from the profile's own section), the
sandbox beside a loopback ``azlogin_acs_url``, or AWS's.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ..partitions import of_region

if TYPE_CHECKING:
    from ..runtime import Runtime

EXAMPLES = """\
examples:
  azlogin console --profile dev                open the console in your browser
  azlogin console --profile dev --print        only print the link (valid 15 minutes)
  azlogin console --profile dev --service s3   land on the S3 console
"""


def configure(parser: argparse.ArgumentParser) -> None:
    from ..options import add_sign_in_options

    add_sign_in_options(parser)
    parser.add_argument("--print", action="store_true", help="print the link, do not open it")
    parser.add_argument("--region", help="console region (default: the profile's)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--service", help="land on this service's console, e.g. s3, ec2")
    where.add_argument("--destination", metavar="URL", help="land on this console URL")


def run(ns: argparse.Namespace, runtime: Runtime) -> int:
    from .. import console, console_endpoints
    from ..run import obtain
    from .login import request_from

    request = request_from(ns)
    configured = _configured_endpoint(runtime, request.profile)
    if configured:
        # Refuse it before signing in.
        console_endpoints.checked_endpoint(configured, console_endpoints.CONFIG_KEY)
    got = obtain(request, runtime)
    region = ns.region or got.region
    partition = of_region(region)
    destination = ns.destination or (
        console.destination_for(ns.service, region, partition) if ns.service else None
    )
    endpoint = console_endpoints.choose_endpoint(
        partition, configured=configured, acs_url=got.signin_base
    )
    link = console.signin_link(
        got.credentials,
        partition=partition,
        chained=got.chained,
        region=region,
        destination=destination,
        endpoint=endpoint,
        verify=request.sign_in.verify_ssl,
    )
    if ns.print:
        runtime.out.write(link + "\n")
        return 0
    import webbrowser

    if not webbrowser.open(link):
        runtime.ui.warn("Could not open a browser; here is the link (valid 15 minutes):")
        runtime.out.write(link + "\n")
    else:
        runtime.ui.info(f"Opened the AWS console for profile '{got.profile}'.")
    return 0


def _configured_endpoint(runtime: Runtime, profile: str) -> str | None:
    from ..awsfiles import read_sections
    from ..console_endpoints import CONFIG_KEY
    from ..profiles import find_section

    section = find_section(read_sections(runtime.config_file), profile) or {}
    return section.get(CONFIG_KEY) or None
