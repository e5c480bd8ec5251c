import { UsageError } from "../errors.js";
import { metaDefs, optionDefs, type OptionDef } from "../cli/option-defs.js";
import type { RunDeps } from "../pipeline/run.js";

const all: readonly OptionDef[] = [...optionDefs, ...metaDefs];
const subcommands = ["report", "ledger", "reconcile", "verify", "replay", "completion"];
const words = (d: OptionDef): string[] => [`--${d.name}`, ...(d.short ? [`-${d.short}`] : [])];

function bash(): string {
  const cases = all
    .filter((d) => d.arg)
    .map((d) => {
      const c = d.complete;
      const reply = c === "file" ? "compgen -f -- \"$cur\"" : c === "dir" ? "compgen -d -- \"$cur\"" : c ? `compgen -W "${c.join(" ")}" -- "$cur"` : "";
      return `    ${words(d).join("|")}) ${reply ? `COMPREPLY=($(${reply}))` : "COMPREPLY=()"}; return ;;`;
    });
  return `# carbon-track completion for bash: eval "$(carbon-track completion bash)"
_carbon_track() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  case "$prev" in
${cases.join("\n")}
    completion) COMPREPLY=($(compgen -W "bash zsh fish" -- "$cur")); return ;;
  esac
  if [ "$COMP_CWORD" -eq 1 ] && [[ "$cur" != -* ]]; then COMPREPLY=($(compgen -W "${subcommands.join(" ")}" -- "$cur")); return; fi
  COMPREPLY=($(compgen -W "${all.flatMap(words).join(" ")}" -- "$cur"))
}
complete -F _carbon_track carbon-track
`;
}

/** zsh's _arguments specs: '--name[help]:placeholder:action'. */
function zsh(): string {
  const esc = (s: string) => s.replace(/[[\]:'\\]/g, (c) => (c === "'" ? "'\\''" : `\\${c}`));
  const specs = all.map((d) => {
    const c = d.complete;
    const action = c === "file" ? "_files" : c === "dir" ? "_files -/" : c ? `(${c.join(" ")})` : " ";
    const value = d.arg ? `:${esc(d.arg.replace(/[<>]/g, ""))}:${action}` : "";
    const names = d.short ? `'(-${d.short} --${d.name})'{-${d.short},--${d.name}}'` : `'--${d.name}`;
    return `    ${names}[${esc(d.help.join(" "))}]${value}'`;
  });
  return `#compdef carbon-track
# carbon-track completion for zsh: carbon-track completion zsh > "\${fpath[1]}/_carbon-track"
_arguments -s \\
${specs.join(" \\\n")} \\
    '1:days or command:(${subcommands.join(" ")})'
`;
}

function fish(): string {
  const q = (s: string) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
  const lines = all.map((d) => {
    const c = d.complete;
    const parts = ["complete -c carbon-track", `-l ${d.name}`];
    if (d.short) parts.push(`-s ${d.short}`);
    if (d.arg) parts.push(c === "file" || c === "dir" ? "-r -F" : c ? `-x -a ${q(c.join(" "))}` : "-x");
    parts.push(`-d ${q(d.help.join(" "))}`);
    return parts.join(" ");
  });
  return `# carbon-track completion for fish: carbon-track completion fish > ~/.config/fish/completions/carbon-track.fish
complete -c carbon-track -f
complete -c carbon-track -n __fish_use_subcommand -a ${q(subcommands.join(" "))}
complete -c carbon-track -n '__fish_seen_subcommand_from completion' -a 'bash zsh fish'
${lines.join("\n")}
`;
}

const shells: Record<string, () => string> = { bash, zsh, fish };

/** `carbon-track completion bash|zsh|fish`: the script on stdout, made from the same table as --help. */
export function completion(deps: Pick<RunDeps, "argv" | "stdout">): number {
  const [shell, extra] = deps.argv;
  if (shell === undefined || !Object.hasOwn(shells, shell) || extra !== undefined) {
    throw new UsageError(`completion: give one shell, bash, zsh or fish (e.g. carbon-track completion bash)`);
  }
  deps.stdout.write(shells[shell]!());
  return 0;
}

