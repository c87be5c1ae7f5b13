using System.CommandLine;

namespace Vod.Cli.Commands;

/// <summary>
/// <c>vod completion bash|zsh</c>: a script that asks <c>vod</c> itself for completions (System.CommandLine's
/// <c>[suggest]</c> directive), so commands, options and their accepted values complete in the shell.
/// </summary>
internal static class CompletionCommand
{
    public static Command Create()
    {
        var shell = new Argument<string>("shell") { Description = "bash or zsh" };
        shell.CompletionSources.Add("bash", "zsh");
        shell.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0 && result.Tokens[0].Value is not ("bash" or "zsh") and var other)
            {
                result.AddError($"vod completion takes bash or zsh, not '{other}'.");
            }
        });
        var command = new Command("completion", "Prints a shell completion script: eval \"$(vod completion bash)\" in ~/.bashrc.") { shell };
        command.SetAction(parse =>
        {
            // The shell hands over the whole line and the cursor position; vod answers one completion per line.
            Console.WriteLine(parse.GetRequiredValue(shell) == "zsh"
                ? """
                  _vod_complete() {
                    local -a items
                    items=("${(@f)$(vod "[suggest:$CURSOR]" "$BUFFER" 2>/dev/null)}")
                    compadd -- $items
                  }
                  compdef _vod_complete vod
                  """
                : """
                  _vod_complete() {
                    local IFS=$'\n'
                    COMPREPLY=($(vod "[suggest:$COMP_POINT]" "$COMP_LINE" 2>/dev/null | grep -- "^${COMP_WORDS[COMP_CWORD]}"))
                  }
                  complete -o default -F _vod_complete vod
                  """);
            return ExitCodes.Success;
        });
        return command;
    }
}
