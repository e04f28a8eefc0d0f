# Prints the candidates zsh's completion system offers for each command line given: a
# line "==LINE" and then one candidate per line.
# usage: zsh -f zsh_capture.zsh source|fpath SCRIPT-OR-DIR 'azlogin --mo' 'azlogin e' ...
#
# An interactive zsh runs in a pseudo-terminal (zsh/zpty); compadd is wrapped to print
# each match it is given between markers, and TAB runs the real completion widget.
zmodload zsh/zpty || exit 3
mode=$1 target=$2
shift 2
zpty z zsh -f -i
zpty -w z 'PROMPT= ; RPROMPT= ; unsetopt zle_bracketed_paste 2>/dev/null'
if [[ $mode == fpath ]]; then
  zpty -w z "fpath=(${(q)target} \$fpath); autoload -Uz compinit && compinit -u -D"
else
  zpty -w z "autoload -Uz compinit && compinit -u -D; source ${(q)target}"
fi
zpty -w z "zstyle ':completion:*' list-grouped false; zstyle ':completion:*' insert-tab false"
zpty -w z 'compadd () {
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return $?; fi
  typeset -a __hits; builtin compadd -A __hits "$@"
  local h; for h in $__hits; do print -r -- "<<$h>>"; done
}'
zpty -w z "__capture() { zle complete-word; print -r -- '<<END>>'; }; zle -N __capture"
zpty -w z "bindkey -e; bindkey '^I' __capture"  # emacs keys whatever EDITOR says
zpty -w z "print -r -- '<<READY''>>'"
local out
while zpty -r z out; do [[ $out == *'<<READY>>'* ]] && break; done
for line; do
  print -r -- "==$line"
  zpty -w -n z "$line"$'\t'
  while zpty -r z out; do
    [[ $out == *'<<END>>'* ]] && break
    [[ $out =~ '<<(.*)>>' ]] && print -r -- "$match[1]"
  done
  zpty -w -n z $'\C-u'  # clear the line for the next one
done
zpty -d z
