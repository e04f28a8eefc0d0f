"""``azlogin console``: a federation sign-in link to the AWS console for the profile."""

from __future__ import annotations

import argparse

from ..app import World, obtain
from ..partitions import of_region
from ..stores import FileStore

EXAMPLES = """\
examples:
  azlogin console --profile dev                open the console in your browser
  azlogin console --profile dev --print        only print the link (valid 15 minutes)
  azlogin console --profile dev --service s3   land on the S3 console
"""


def configure(parser: argparse.ArgumentParser) -> None:
    from ..cli import add_sign_in_options

    add_sign_in_options(parser)
    parser.add_argument("--print", action="store_true", help="print the link, do not open it")
    parser.add_argument("--region", help="console region (default: the profile's)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--service", help="land on this service's console, e.g. s3, ec2")
    where.add_argument("--destination", metavar="URL", help="land on this console URL")


def run(ns: argparse.Namespace, world: World) -> int:
    from .. import console
    from .login import request_from

    request = request_from(ns)
    got = obtain(request, world, FileStore(world.credentials_file, world.ui.info))
    region = ns.region or got.region
    partition = of_region(region)
    destination = ns.destination or (
        console.destination_for(ns.service, region, partition) if ns.service else None
    )
    link = console.signin_link(
        got.credentials,
        partition=partition,
        chained=got.chained,
        region=region,
        destination=destination,
        base_url=got.signin_base,  # federation lives beside the profile's ACS
        verify=request.sign_in.verify_ssl,
    )
    if ns.print:
        world.out.write(link + "\n")
        return 0
    import webbrowser

    if not webbrowser.open(link):
        world.ui.warn("Could not open a browser; here is the link (valid 15 minutes):")
        world.out.write(link + "\n")
    else:
        world.ui.info(f"Opened the AWS console for profile '{got.profile}'.")
    return 0
