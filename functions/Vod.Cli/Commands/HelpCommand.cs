using System.CommandLine;

namespace Vod.Cli.Commands;

/// <summary><c>vod help [command]</c>: the same text as <c>vod [command] --help</c>, for those who type it this way.</summary>
internal static class HelpCommand
{
    public static Command Create(RootCommand root)
    {
        var topic = new Argument<string?>("command") { Description = "the command to explain (default: all of them)", Arity = ArgumentArity.ZeroOrOne, HelpName = "command" };
        topic.Validators.Add(result =>
        {
            var name = result.Tokens.Count > 0 ? result.Tokens[0].Value : null;
            if (name is not null && !root.Subcommands.Any(c => c.Name == name))
            {
                result.AddError($"'{name}' is not a vod command; commands: {string.Join(", ", root.Subcommands.Select(c => c.Name))}.");
            }
        });
        var command = new Command("help", "Shows help for vod or one of its commands.") { topic };
        command.SetAction(parse =>
        {
            string[] line = parse.GetValue(topic) is { } name ? [name, "--help"] : ["--help"];
            return root.Parse(line).Invoke();
        });
        return command;
    }
}
