using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;
using System.Runtime.InteropServices;
using Vod.Cli;
using Vod.Cli.Commands;

var root = new RootCommand($"""
    vod — upload media to Alibaba Cloud ApsaraVideo VOD, resumably.
    Credentials: ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET, optional ALIBABA_CLOUD_SECURITY_TOKEN.
    {ExitCodes.Help}
    """)
{
    UploadCommand.Create(image: false),
    UploadCommand.Create(image: true),
    PullCommand.Create(),
    CheckpointsCommand.Create(),
    CancelCommand.Create(),
    InfoCommand.Create(),
    CompletionCommand.Create(),
};
root.Add(HelpCommand.Create(root));

// 'vod' alone explains itself.
root.SetAction(_ => root.Parse(["--help"]).Invoke());

// 'vod --version' prints "vod <version>" without the commit suffix.
var version = typeof(ExitCodes).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "unknown";
root.Options.OfType<VersionOption>().Single().Action = new PrintLine($"vod {version}");

var parse = root.Parse(args);
if (parse.Errors.Count > 0 && parse.Action is ParseErrorAction)
{
    // One line naming what is wrong, and where to look; never the whole help.
    var command = parse.CommandResult.Command;
    var message = $"{parse.Errors[0].Message} Run 'vod{(command == root ? string.Empty : " " + command.Name)} --help'.";
    UsageError.WriteJsonIfAsked(parse, message);
    Console.Error.WriteLine(message);
    return ExitCodes.Usage;
}

using var interrupt = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    interrupt.Cancel();
};
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    interrupt.Cancel();
});

try
{
    // Signals are ours (an upload stops its parts and keeps its checkpoint), and so are exceptions (no stack trace
    // ever reaches the terminal).
    return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null }, interrupt.Token);
}
catch (UsageException ex)
{
    UsageError.WriteJsonIfAsked(parse, ex.Message);
    Console.Error.WriteLine(ex.Message);
    return ExitCodes.Usage;
}
catch (OperationCanceledException) when (interrupt.IsCancellationRequested)
{
    Console.Error.WriteLine("Interrupted.");
    return ExitCodes.Interrupted;
}
catch (Exception ex)
{
    // A defect, or something no command foresaw: one line for the user, the details (stack trace included) in a file.
    var log = CrashLog.Write(ex, args);
    Console.Error.WriteLine($"vod failed unexpectedly: {ex.GetType().Name}: {ex.Message.Split('\n')[0]} (details in {log})");
    return ExitCodes.Unexpected;
}

/// <summary>An action that prints one line: <c>--version</c>.</summary>
internal sealed class PrintLine(string text) : SynchronousCommandLineAction
{
    /// <inheritdoc/>
    public override int Invoke(ParseResult parseResult)
    {
        Console.WriteLine(text);
        return ExitCodes.Success;
    }
}

/// <summary>A usage error under <c>--json</c> is also a <c>failed</c> event on stdout, so a script reading only stdout sees it.</summary>
internal static class UsageError
{
    public static void WriteJsonIfAsked(ParseResult parse, string message)
    {
        // The option may not belong to the command, or may be the very thing that failed to parse: then it was not asked for.
        var json = parse.CommandResult.Command.Options.Contains(CommonOptions.Json)
            && parse.GetResult(CommonOptions.Json) is { } result && !result.Errors.Any() && parse.GetValue(CommonOptions.Json);
        if (json)
        {
            CliContext.WriteJson(new { @event = "failed", code = "Usage", message });
        }
    }
}
