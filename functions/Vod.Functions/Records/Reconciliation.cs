using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Vod.Functions.Records;

/// <summary>
/// Every 10 minutes, asks VOD about records still waiting beyond <see cref="VodFunctionsOptions.ReconcileAfterMinutes"/>
/// and records its answer, so a callback VOD dropped after its three attempts costs nothing.
/// </summary>
public sealed partial class Reconciliation(MediaRecordStore records, MediaConfirmations confirmations, IOptions<VodFunctionsOptions> options, TimeProvider time, ILogger<Reconciliation> logger)
{
    /// <summary>The timer.</summary>
    [Function(nameof(Reconciliation))]
    public Task Run([TimerTrigger("0 */10 * * * *")] TimerInfo timer, CancellationToken cancellationToken) => RunOnceAsync(cancellationToken);

    /// <summary>One pass; returns how many records changed status.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow().AddMinutes(-options.Value.ReconcileAfterMinutes);
        var changed = 0;
        foreach (var record in await records.PendingAsync(cutoff, cancellationToken).ConfigureAwait(false))
        {
            var before = record.Status;
            var confirmation = await confirmations.ConfirmAsync(record.PartitionKey, record.RowKey).ConfigureAwait(false);

            // VOD's answer may only confirm a status the record already had ("Uploading" while it still uploads): that
            // is no change, and logging it as one ("Uploading → Uploading") buried the real repairs.
            if (confirmation is { StatusChanged: true, Record: { } after })
            {
                changed++;
                LogChanged(logger, record.PartitionKey, record.RowKey, before, after.Status);
                Hosting.FunctionsTelemetry.Repairs.Add(1, new("vod.media.kind", record.PartitionKey), new("vod.media.status", after.Status));
            }
        }

        return changed;
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Reconciled {Kind} {MediaId}: {Before} → {After}")]
    private static partial void LogChanged(ILogger logger, string kind, string mediaId, string before, string after);
}
