"""The fish completion script, rendered from the verbs of :mod:`.completion_spec`."""

from __future__ import annotations

from collections.abc import Sequence

from . import __version__
from .completion_spec import PROFILES, Option, Verb

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


def _fish_q(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


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
