"""Whose the files azlogin creates are: the owner of the directory they are created in.

Under ``sudo azlogin`` (root, with the user's HOME) every directory and file azlogin made
in that home would be root's, and the user's next run could not write them. So, when we
run as root, a new path takes the owner and group of its parent directory unless that
parent is root's too. Symlinks are never followed: a link planted in a user's directory
must not let root give some other file away.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

__all__ = ["adopt_owner", "make_private_dir"]

log = logging.getLogger(__name__)


def adopt_owner(path: Path) -> None:
    """Give ``path`` (not what it links to) the owner and group of ``path.parent``, when
    running as root and that parent is not root's; otherwise do nothing."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return
    try:
        parent = os.stat(path.parent)
        if parent.st_uid == 0:
            return
        mine = os.lstat(path)
        if (mine.st_uid, mine.st_gid) != (parent.st_uid, parent.st_gid):
            os.chown(path, parent.st_uid, parent.st_gid, follow_symlinks=False)
    except OSError as exc:
        # Root cannot chown on a root-squashed NFS home; the file is then not root's anyway.
        log.debug("could not give %s its directory's owner: %s", path, exc.strerror)


def make_private_dir(path: Path) -> Path:
    """Create ``path`` and its missing parents as 0700 directories, each adopting its
    parent's owner; directories that already exist are left as they are."""
    missing = [d for d in (path, *path.parents) if not os.path.lexists(d)]
    for directory in reversed(missing):
        try:
            directory.mkdir(mode=0o700)
        except FileExistsError:  # made by someone else meanwhile: not ours to change
            continue
        adopt_owner(directory)
    return path
