using Spectre.Console;
using Vod.Upload;
using Vod.Upload.Engine;

namespace Vod.Cli.Output;

/// <summary>Runs an upload under the display its output mode calls for.</summary>
internal static class ProgressDisplay
{
    /// <summary>
    /// Runs <paramref name="upload"/> with a <see cref="ProgressReporter"/>; on a terminal inside a Spectre.Console live
    /// display (phase, bar, percentage, bytes, speed, ETA), whose summary is printed once the display has ended.
    /// </summary>
    public static async Task<UploadResult> RunAsync(OutputMode mode, Func<IUploadObserver, Task<UploadResult>> upload)
    {
        if (mode != OutputMode.Terminal)
        {
            return await upload(new ProgressReporter(Console.Out, mode));
        }

        ProgressReporter? reporter = null;
        var result = await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new ProgressBarColumn(), new PercentageColumn(), new TaskDescriptionColumn { Alignment = Justify.Left }, new SpinnerColumn())
            .StartAsync(context =>
            {
                reporter = new ProgressReporter(Console.Out, mode, context);
                return upload(reporter);
            });
        foreach (var line in reporter!.Summary)
        {
            Console.WriteLine(line);
        }

        return result;
    }
}
