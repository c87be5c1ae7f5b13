using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vod.Upload;
using Vod.Upload.Engine;
using Vod.Upload.Sources;
using Vod.Upload.Pull;
using Azure.Storage.Blobs;

namespace Vod.Functions.Uploads;

/// <summary>
/// Daily clean-up of uploads finished more than <see cref="VodFunctionsOptions.HistoryRetentionDays"/> ago: their
/// checkpoints are removed — aborting the multipart upload a failed run left on OSS, so no parts go on costing money,
/// and deleting the media it left unfinished (unless <see cref="VodFunctionsOptions.KeepMediaOnCancel"/>) —
/// and their orchestration histories are purged; so are the pull records ended uploads left. Uploads still running or
/// stopped are left alone, however old.
/// </summary>
public sealed partial class HistoryPurge(
    UploadEngine engine, IOptions<VodFunctionsOptions> options, TimeProvider time, ILogger<HistoryPurge> logger, PullUploader pull, BlobServiceClient blobs)
{
    /// <summary>Runs at 03:17 UTC every day.</summary>
    [Function(nameof(HistoryPurge))]
    public Task Run([TimerTrigger("0 17 3 * * *")] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        PurgeAsync(client, cancellationToken);

    /// <summary>The clean-up itself; returns the checkpoints removed and the histories purged.</summary>
    public async Task<(int Checkpoints, int Histories)> PurgeAsync(DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var cutoff = time.GetUtcNow().AddDays(-options.Value.HistoryRetentionDays);

        // Checkpoints first: whether one is abandoned is read from its upload's status, which the purge below removes.
        var checkpoints = 0;
        await foreach (var stored in engine.Checkpoints.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (stored.Checkpoint.UpdatedAt >= cutoff
                || stored.Checkpoint.Source is not { Kind: SourceKind.AzureBlob, Container: { } container, BlobName: { } name, ETag: { } etag })
            {
                continue;
            }

            var owner = await client.GetInstanceAsync(UploadIds.For(container, name, etag), cancellationToken).ConfigureAwait(false);
            if (owner?.RuntimeStatus is OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Suspended)
            {
                continue;
            }

            if (await CancelQuietlyAsync(stored.Key, cancellationToken).ConfigureAwait(false))
            {
                checkpoints++;
            }
        }

        // Damaged checkpoints too: what can be read of them says what to abort and delete, so no parts stay on OSS.
        await foreach (var damaged in engine.Checkpoints.ListDamagedAsync(cancellationToken).ConfigureAwait(false))
        {
            if (damaged.UpdatedAt is not { } updated || updated >= cutoff)
            {
                continue; // too new, or its age unknown: left to a cancel by hand
            }

            if (damaged is { Location: { } location, SourceVersion: { } version } && location.IndexOf('/', StringComparison.Ordinal) is > 0 and var slash
                && await client.GetInstanceAsync(UploadIds.For(location[..slash], location[(slash + 1)..], version), cancellationToken).ConfigureAwait(false)
                    is { RuntimeStatus: OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Suspended })
            {
                continue;
            }

            if (await CancelQuietlyAsync(damaged.Key, cancellationToken).ConfigureAwait(false))
            {
                checkpoints++;
            }
        }

        checkpoints += await PurgePullRecordsAsync(client, cutoff, cancellationToken).ConfigureAwait(false);
        var result = await client.PurgeAllInstancesAsync(new PurgeInstancesFilter(
            CreatedFrom: DateTimeOffset.MinValue,
            CreatedTo: cutoff,
            Statuses: [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated]), cancellationToken).ConfigureAwait(false);
        LogPurged(logger, result.PurgedInstanceCount, checkpoints, cutoff);
        return (checkpoints, result.PurgedInstanceCount);
    }

    // Pull records an ended upload left (a clean-up that met a storage error, an instance terminated outside the API, a
    // failure that kept the record so a retry could watch VOD's job and no retry came). A finished upload's record goes
    // alone — its video is the result; an abandoned one is cancelled: its video deleted unless KeepMediaOnCancel.
    private async Task<int> PurgePullRecordsAsync(DurableTaskClient client, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var removed = 0;
        var records = new BlobPullCheckpointStore(blobs.GetBlobContainerClient(options.Value.CheckpointContainer));
        await foreach (var (key, lastModified) in records.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (lastModified >= cutoff)
            {
                continue;
            }

            var owner = await client.GetInstanceAsync(key, cancellationToken).ConfigureAwait(false);
            if (owner?.RuntimeStatus is OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Suspended)
            {
                continue;
            }

            try
            {
                if (owner?.RuntimeStatus == OrchestrationRuntimeStatus.Completed)
                {
                    await pull.CleanUpAsync(key, traceParent: null, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await pull.CancelAsync(key, options.Value.KeepMediaOnCancel, traceParent: null, cancellationToken).ConfigureAwait(false);
                }

                removed++;
            }
            catch (Exception ex) when (ex is UploadException or Azure.RequestFailedException)
            {
                LogNotCancelled(logger, key, ex is UploadException u ? u.Code : "StorageUnavailable");
            }
        }

        return removed;
    }

    // One checkpoint VOD or OSS will not clean up now must not stop the rest of the purge: it is tried again tomorrow.
    private async Task<bool> CancelQuietlyAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            return (await engine.CancelAsync(key, options.Value.KeepMediaOnCancel, cancellationToken).ConfigureAwait(false)).Found;
        }
        catch (Exception ex) when (ex is UploadException or Azure.RequestFailedException)
        {
            LogNotCancelled(logger, key, ex is UploadException u ? u.Code : "StorageUnavailable");
            return false;
        }
    }

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "Checkpoint {CheckpointKey} could not be cleaned up now ({ErrorCode}); the next purge tries again")]
    private static partial void LogNotCancelled(ILogger logger, string checkpointKey, string errorCode);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Purged {Count} finished upload histories and {Checkpoints} checkpoints last changed before {Cutoff}")]
    private static partial void LogPurged(ILogger logger, int count, int checkpoints, DateTimeOffset cutoff);
}
