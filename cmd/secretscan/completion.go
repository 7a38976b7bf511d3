package main

import (
	"fmt"

	"github.com/urfave/cli/v2"
)

// The completion scripts ask the binary itself for candidates
// (--generate-bash-completion, urfave/cli's protocol), so they never go stale.
const bashCompletion = `# secretscan completion for bash: source <(secretscan completion bash)
_secretscan_complete() {
  local cur="${COMP_WORDS[COMP_CWORD]}" candidates
  candidates=$("${COMP_WORDS[@]:0:COMP_CWORD}" --generate-bash-completion 2>/dev/null)
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
