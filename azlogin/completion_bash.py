"""The bash completion script, rendered from the verbs of :mod:`.completion_spec`."""

from __future__ import annotations

from collections.abc import Sequence

from . import __version__
from .completion_spec import PROFILES, Verb, sh_quote

BASH = """\
# bash completion for azlogin {version}, printed by `azlogin completion bash`.
# Load it from ~/.bashrc:  eval "$(azlogin completion bash)"
# or save it once:  azlogin completion bash > ~/.local/share/bash-completion/completions/azlogin

_azlogin_words() {{
    COMPREPLY=($(compgen -W "$1" -- "$cur"))
}}

_azlogin_profiles() {{
    local IFS=$'\\n'
    COMPREPLY=($(compgen -W "$({profiles})" -- "$cur"))
}}

_azlogin() {{
    local cur=${{COMP_WORDS[COMP_CWORD]}} prev= verb=login i
    COMPREPLY=()
    ((COMP_CWORD > 0)) && prev=${{COMP_WORDS[COMP_CWORD-1]}}
    # bash splits --option=value into three words: --option, =, value
    if [[ $cur == = ]]; then
        cur=
    elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then
        prev=${{COMP_WORDS[COMP_CWORD-2]}}
    fi
    if ((COMP_CWORD > 1)); then
        case ${{COMP_WORDS[1]}} in
            {verb_pattern}) verb=${{COMP_WORDS[1]}} ;;
        esac
    fi
    for ((i = 2; i < COMP_CWORD; i++)); do
        [[ ${{COMP_WORDS[i]}} == -- ]] || continue
        [[ {command_test} ]] || continue
        # after --: the command's own completion (bash-completion), else commands, then files
        if declare -F _command_offset >/dev/null; then
            _command_offset $((i + 1))
        elif ((i + 1 == COMP_CWORD)); then
            COMPREPLY=($(compgen -c -- "$cur"))
        else
            COMPREPLY=($(compgen -f -- "$cur"))
        fi
        return 0
    done
    case $verb:$prev in
{value_arms}
    esac
    if ((COMP_CWORD == 1)) && [[ $cur != -* ]]; then
        _azlogin_words {verb_names}
        return 0
    fi
    case $verb in
{flag_arms}
    esac
}}

complete -F _azlogin azlogin
"""


def bash(verbs: Sequence[Verb]) -> str:
    arms: dict[str, list[str]] = {}  # body -> "verb:--option" patterns
    for verb in verbs:
        for option in verb.options:
            if option.value is None:
                continue
            body = {
                "profile": "_azlogin_profiles",
                "choice": f"_azlogin_words {sh_quote(' '.join(option.choices))}",
                "file": 'COMPREPLY=($(compgen -f -- "$cur"))',
                "text": ":",  # a value of the user's own: nothing to offer
            }[option.value or "text"]
            arms.setdefault(body, []).extend(f"{verb.name}:{name}" for name in option.names)
    value_arms = "\n".join(
        f"        {'|'.join(patterns)})\n            {body}\n            return 0 ;;"
        for body, patterns in arms.items()
    )
    flag_arms = []
    for verb in verbs:
        flags = " ".join(name for option in verb.options for name in option.names)
        positional = ""
        if verb.positional:
            choices = sh_quote(" ".join(verb.positional))
            positional = (
                f"[[ $cur != -* ]] && {{ _azlogin_words {choices}; return 0; }}\n" + " " * 12
            )
        flag_arms.append(
            f"        {verb.name})\n            {positional}_azlogin_words {sh_quote(flags)} ;;"
        )
    commands = [verb.name for verb in verbs if verb.command]
    command_test = " || ".join(f"$verb == {name}" for name in commands) or "-z x"
    return BASH.format(
        version=__version__,
        profiles=PROFILES,
        verb_pattern="|".join(verb.name for verb in verbs),
        verb_names=sh_quote(" ".join(verb.name for verb in verbs)),
        command_test=command_test,
        value_arms=value_arms,
        flag_arms="\n".join(flag_arms),
    )
