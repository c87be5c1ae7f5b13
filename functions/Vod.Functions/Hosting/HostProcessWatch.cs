using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Vod.Functions.Hosting;

/// <summary>
/// Stops the worker when the Functions host that started it is gone. The host starts this worker as its child; when the
/// host is killed (SIGKILL, OOM) nothing tells the worker, which went on running as an orphan, holding its ports and
/// storage leases, next to the worker of the restarted host. On Linux an orphan is re-parented, so a change of parent
/// process id means the host has died. Elsewhere (no <c>/proc</c>) the watch does nothing.
/// </summary>
public sealed partial class HostProcessWatch(IHostApplicationLifetime lifetime, ILogger<HostProcessWatch> logger) : BackgroundService
{
    private const string StatPath = "/proc/self/stat";

    /// <summary>How often the parent is checked.</summary>
    public static TimeSpan Interval { get; } = TimeSpan.FromSeconds(2);

    /// <summary>The parent process id from <c>/proc/self/stat</c>, or null where there is none.</summary>
    public static int? ParentProcessId()
    {
        if (!File.Exists(StatPath))
        {
            return null;
        }

        // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ')'.
        var stat = File.ReadAllText(StatPath);
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.TryParse(fields[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var ppid) ? ppid : null;
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (ParentProcessId() is not { } host)
        {
            return;
        }

        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            if (ParentProcessId() != host)
            {
                LogHostGone(logger, host);
                lifetime.StopApplication();
                return;
            }
        }
    }

    [LoggerMessage(EventId = 2401, Level = LogLevel.Warning, Message = "The Functions host (process {HostProcessId}) is gone; the worker stops")]
    private static partial void LogHostGone(ILogger logger, int hostProcessId);
}
