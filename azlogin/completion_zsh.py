"""The zsh completion script, rendered from the verbs of :mod:`.completion_spec`."""

from __future__ import annotations

from collections.abc import Sequence

from . import __version__
from .completion_spec import PROFILES, Option, Verb, sh_quote

ZSH = """\
#compdef azlogin
# zsh completion for azlogin {version}, printed by `azlogin completion zsh`.
# Load it from ~/.zshrc, after compinit:  eval "$(azlogin completion zsh)"
# or save it as _azlogin in a directory of your $fpath.

_azlogin_profiles() {{
    local -a names
    names=(${{(f)"$(_call_program profiles {profiles})"}})
    _describe -t profiles 'profile' names
}}

_azlogin() {{
    local -a verbs
    verbs=(
{verb_list}
    )
    local verb=login
    if (( CURRENT == 2 )) && [[ $PREFIX != -* ]]; then
        _describe -t commands 'azlogin command' verbs
        return
    fi
    if (( CURRENT > 2 )) && (( ${{verbs[(I)${{(b)words[2]}}:*]}} )); then
        verb=$words[2]
        shift words
        (( CURRENT-- ))
    fi
    case $verb in
{verb_arms}
    esac
}}

if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
    _azlogin "$@"
else
    compdef _azlogin azlogin
fi
"""


def _zsh_option(option: Option) -> list[str]:
    exclusive = f"({' '.join(option.names)})" if len(option.names) > 1 else ""
    prefix = "*" if option.repeats else exclusive
    help_text = option.help.replace("'", "'\\''")
    action = {
        None: "",
        "profile": ":profile:_azlogin_profiles",
        "choice": f":{option.names[0].lstrip('-')}:({' '.join(option.choices)})",
        "file": ":file:_files",
        "text": f":{option.names[0].lstrip('-')}: ",
    }[option.value]
    specs = []
    for name in option.names:
        takes = "" if option.value is None else ("=" if name.startswith("--") else "+")
        specs.append(f"'{prefix}{name}{takes}[{help_text}]{action}'")
    return specs


def zsh(verbs: Sequence[Verb]) -> str:
    verb_list = "\n".join(f"        {sh_quote(f'{v.name}:{v.help}')}" for v in verbs)
    arms = []
    for verb in verbs:
        specs = [spec for option in verb.options for spec in _zsh_option(option)]
        if verb.positional:
            specs.append(f"'1:{verb.name}:({' '.join(verb.positional)})'")
        if verb.command:
            specs.append("'*::command:_normal'")
        body = " \\\n                ".join(["_arguments -s -S :", *specs])
        arms.append(f"        ({verb.name})\n            {body} ;;")
    return ZSH.format(
        version=__version__, profiles=PROFILES, verb_list=verb_list, verb_arms="\n".join(arms)
    )
