"""Remember what the person chose, so that the next ``--no-prompt`` run needs no input."""

from __future__ import annotations

from . import awsfiles, profiles
from .models import Role
from .plan import Files, Request, SignIn
from .runtime import Runtime


def remember_defaults(
    runtime: Runtime,
    files: Files,
    signed_in: SignIn,
    username: str | None,
    role: Role,
    request: Request,
) -> None:
    """Save the username, role and (when given with --duration) duration as defaults.

    The profile's section is the one its plan read: planning is over by now.
    """
    profile, section = signed_in.profile, signed_in.section
    if section is None:
        return  # an environment-only profile has no section to remember in
    wanted = {
        "azure_default_username": username,
        "azure_default_role_arn": role.role_arn,
        "azure_default_duration_hours": f"{profile.duration_hours:g}"
        if request.duration_hours is not None
        else None,
    }
    changes = {
        key: value
        for key, value in wanted.items()
        if value is not None and profiles.unescape(section.get(key, "")) != value
    }
    if not changes:
        return
    header = profiles.section_header(files.config, profile.name)
    awsfiles.update_section(files.config_path, header, changes, notify=runtime.ui.info)
    names = ", ".join(k.removeprefix("azure_default_").replace("_", " ") for k in changes)
    runtime.ui.info(
        f"Saved {names} as defaults of profile '{profile.name}' in "
        f"{awsfiles.display(files.config_path)}."
    )
