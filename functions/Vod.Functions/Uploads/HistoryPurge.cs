using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Vod.Functions.Uploads;

/// <summary>Purges the histories of finished uploads older than <see cref="VodFunctionsOptions.HistoryRetentionDays"/>, daily.</summary>
public sealed partial class HistoryPurge(IOptions<VodFunctionsOptions> options, ILogger<HistoryPurge> logger)
{
    /// <summary>Runs at 03:17 UTC every day.</summary>
    [Function(nameof(HistoryPurge))]
    public async Task Run([TimerTrigger("0 17 3 * * *")] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
    {
        var cutoff = DateTimeOffset.UtcNow.AddDays(-options.Value.HistoryRetentionDays);
        var result = await client.PurgeAllInstancesAsync(new PurgeInstancesFilter(
            CreatedFrom: DateTimeOffset.MinValue,
            CreatedTo: cutoff,
            Statuses: [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated]), cancellationToken).ConfigureAwait(false);
        LogPurged(logger, result.PurgedInstanceCount, cutoff);
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Purged {Count} finished upload histories created before {Cutoff}")]
    private static partial void LogPurged(ILogger logger, int count, DateTimeOffset cutoff);
}
