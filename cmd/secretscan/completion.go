package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/secretscan/secretscan/analyzer"
)

// The completion scripts ask the binary itself for candidates
// (--generate-bash-completion, urfave/cli's protocol), so they never go stale.
const bashCompletion = `# secretscan completion for bash: source <(secretscan completion bash)
_secretscan_complete() {
  local cur="${COMP_WORDS[COMP_CWORD]}" candidates
  if [[ "${cur}" == -* ]]; then
    candidates=$("${COMP_WORDS[@]:0:COMP_CWORD}" "${cur}" --generate-bash-completion 2>/dev/null)
  else
    candidates=$("${COMP_WORDS[@]:0:COMP_CWORD}" --generate-bash-completion 2>/dev/null)
  fi
  COMPREPLY=($(compgen -W "${candidates}" -- "${cur}"))
  if [[ ${#COMPREPLY[@]} -eq 0 ]]; then
    COMPREPLY=($(compgen -f -- "${cur}"))
  fi
}
complete -o default -F _secretscan_complete secretscan kubectl-secretscan
`

const zshCompletion = `# secretscan completion for zsh: source <(secretscan completion zsh)
autoload -U +X bashcompinit && bashcompinit
` + bashCompletion

func completionCommand() *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print a shell completion script (bash or zsh)",
		ArgsUsage: "bash|zsh",
		Description: `Examples:
  source <(secretscan completion bash)                  # this shell
  secretscan completion bash > /etc/bash_completion.d/secretscan
  echo 'source <(secretscan completion zsh)' >> ~/.zshrc`,
		OnUsageError: usageErrorHandler,
		BashComplete: func(c *cli.Context) {
			if c.NArg() == 0 {
				fmt.Fprintln(c.App.Writer, "bash\nzsh")
			}
		},
		Action: func(c *cli.Context) error {
			switch c.Args().First() {
			case "bash":
				fmt.Fprint(c.App.Writer, bashCompletion)
			case "zsh":
				fmt.Fprint(c.App.Writer, zshCompletion)
			default:
				return usagef("completion needs a shell: bash or zsh")
			}
			return nil
		},
	}
}

// completeValues answers a completion request: after a flag whose values are
// known (-o, --fail-on, --only), those values; otherwise the command's flags
// as urfave/cli gives them.
func completeValues(values map[string][]string) cli.BashCompleteFunc {
	return func(c *cli.Context) {
		args := os.Args // where urfave/cli's own completion reads the line too
		if n := len(args); n >= 2 && args[n-1] == "--generate-bash-completion" {
			if candidates, ok := values[args[n-2]]; ok {
				for _, v := range candidates {
					fmt.Fprintln(c.App.Writer, v)
				}
				return
			}
			if !strings.HasPrefix(args[n-2], "-") {
				return // a file name comes next: the shell completes those
			}
		}
		cli.DefaultCompleteWithFlags(c.Command)(c)
	}
}

// findingIDs lists the registry's IDs, for completing explain and --only.
func findingIDs() []string {
	ids := make([]string, len(analyzer.Definitions))
	for i, d := range analyzer.Definitions {
		ids[i] = string(d.ID)
	}
	return ids
}
