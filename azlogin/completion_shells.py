"""The bash, zsh and fish completion scripts, rendered from :func:`azlogin.completion.verbs`
(which :class:`Verb` and :class:`Option` describe).

Each script completes the verb, the verb's flags, the values of flags with choices,
files for ``--scenario``, the command after ``exec … --``, and profile names for
``--profile``/``--profiles`` by running ``azlogin completion --profiles`` at TAB time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from . import __version__


@dataclass(frozen=True)
class Option:
    names: tuple[str, ...]  # e.g. ("--profile", "-p")
    help: str
    value: str | None = None  # None (a flag), "profile", "choice", "file" or "text"
    choices: tuple[str, ...] = ()
    repeats: bool = False


@dataclass(frozen=True)
class Verb:
    name: str
    help: str
    options: tuple[Option, ...]
    positional: tuple[str, ...] = ()  # the choices of its one positional argument, if any
    command: bool = False  # takes a command after ``--`` (exec)


PROFILES = "command azlogin completion --profiles 2>/dev/null"


def _sq(text: str) -> str:
    """Single-quoted for bash and zsh."""
    return "'" + text.replace("'", "'\\''") + "'"


def _fish_q(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


# --- bash ---------------------------------------------------------------------------------

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
                "choice": f"_azlogin_words {_sq(' '.join(option.choices))}",
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
            choices = _sq(" ".join(verb.positional))
            positional = (
                f"[[ $cur != -* ]] && {{ _azlogin_words {choices}; return 0; }}\n" + " " * 12
            )
        flag_arms.append(
            f"        {verb.name})\n            {positional}_azlogin_words {_sq(flags)} ;;"
        )
    commands = [verb.name for verb in verbs if verb.command]
    command_test = " || ".join(f"$verb == {name}" for name in commands) or "-z x"
    return BASH.format(
        version=__version__,
        profiles=PROFILES,
        verb_pattern="|".join(verb.name for verb in verbs),
        verb_names=_sq(" ".join(verb.name for verb in verbs)),
        command_test=command_test,
        value_arms=value_arms,
        flag_arms="\n".join(flag_arms),
    )


# --- zsh ----------------------------------------------------------------------------------

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
    verb_list = "\n".join(f"        {_sq(f'{v.name}:{v.help}')}" for v in verbs)
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


# --- fish ---------------------------------------------------------------------------------

FISH = """\
# fish completion for azlogin {version}, printed by `azlogin completion fish`.
# Load it from ~/.config/fish/config.fish:  azlogin completion fish | source
# or save it once:  azlogin completion fish > ~/.config/fish/completions/azlogin.fish

function __azlogin_verb --description 'the verb on the command line: login when none'
    set -l words (commandline -opc)
    if set -q words[2]; and contains -- $words[2] {verb_names}
        if contains -- $words[2] {command_verbs}; and contains -- -- $words[3..-1]
            echo command  # after `exec … --`: the command's own completion
        else
            echo $words[2]
        end
    else
        echo login
    end
end

function __azlogin_is
    test (__azlogin_verb) = $argv[1]
end

function __azlogin_needs_verb
    test (count (commandline -opc)) -eq 1
end

function __azlogin_command --description 'complete the command after exec … --'
    set -l words (commandline -opc) (commandline -ct)
    set -l at (contains -i -- -- $words)
    complete -C (string join -- ' ' (string escape -- $words[(math $at + 1)..-1]))
end

complete -c azlogin -f
complete -c azlogin -n '__azlogin_is command' -x -a '(__azlogin_command)'
{lines}
"""


def _fish_option(verb: str, option: Option) -> str:
    parts = [f"complete -c azlogin -n '__azlogin_is {verb}'"]
    for name in option.names:
        parts.append(f"-l {name[2:]}" if name.startswith("--") else f"-s {name[1:]}")
    parts.append(
        {
            None: "",
            "profile": f"-x -a {_fish_q('(' + PROFILES + ')')}",
            "choice": f"-x -a {_fish_q(' '.join(option.choices))}",
            "file": "-r -F",
            "text": "-x",
        }[option.value]
    )
    parts.append(f"-d {_fish_q(option.help)}")
    return " ".join(p for p in parts if p)


def fish(verbs: Sequence[Verb]) -> str:
    lines = [
        f"complete -c azlogin -n __azlogin_needs_verb -a {v.name} -d {_fish_q(v.help)}"
        for v in verbs
    ]
    for verb in verbs:
        lines += [_fish_option(verb.name, option) for option in verb.options]
        if verb.positional:
            choices = _fish_q(" ".join(verb.positional))
            lines.append(f"complete -c azlogin -n '__azlogin_is {verb.name}' -a {choices}")
    command_verbs = " ".join(v.name for v in verbs if v.command) or "-"
    return FISH.format(
        version=__version__,
        verb_names=" ".join(v.name for v in verbs),
        command_verbs=command_verbs,
        lines="\n".join(lines),
    )


RENDERERS: dict[str, Callable[[Sequence[Verb]], str]] = {"bash": bash, "zsh": zsh, "fish": fish}
