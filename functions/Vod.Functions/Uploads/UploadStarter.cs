using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Vod.Upload.Checkpoints;
using Vod.Upload.Engine;

using Vod.Functions.Hosting;

namespace Vod.Functions.Uploads;

/// <summary>
/// The one place an upload orchestration is started — by a blob landing, by the API's start and by its retry — so
/// every start does the same: no second instance for one blob version, and no stop request left over from before.
/// </summary>
public sealed partial class UploadStarter(UploadEngine engine, ILogger<UploadStarter> logger)
{
    /// <summary>The checkpoint key of a job's pinned source.</summary>
    public static string CheckpointKey(UploadJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return UploadCheckpoint.KeyFor(job.Source);
    }

    /// <summary>Starts the upload unless an instance with its id already exists; returns whether it started.</summary>
    public async Task<bool> StartAsync(DurableTaskClient client, UploadJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(job);
        var existing = await client.GetInstanceAsync(job.UploadId, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            LogDuplicate(logger, job.UploadId, job.Source.Location);
            return false;
        }

        // A stop request of an earlier run (stopped, then cancelled) must not stop this one.
        await engine.Checkpoints.ClearStopAsync(CheckpointKey(job), cancellationToken).ConfigureAwait(false);

        // The upload's trace: its root span is a child of what started it (the HTTP request, the blob event); every
        // step, run later by activities on any instance, joins it through the job's traceparent.
        using var span = FunctionsTelemetry.Source.StartActivity("vod.upload", System.Diagnostics.ActivityKind.Producer);
        span?.SetTag("vod.upload.id", job.UploadId);
        span?.SetTag("vod.source", job.Source.Location);
        job = job with { TraceParent = span?.Id };
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(nameof(UploadOrchestration.UploadOrchestrator), job, new StartOrchestrationOptions(job.UploadId), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Two deliveries raced past the check above; the backend refused the second. Anything else is a failure.
            if (await client.GetInstanceAsync(job.UploadId, cancellationToken).ConfigureAwait(false) is null)
            {
                throw;
            }

            LogDuplicate(logger, job.UploadId, job.Source.Location);
            return false;
        }

        LogStarted(logger, job.UploadId, job.Source.Location);
        Upload.Telemetry.UploadTelemetry.Uploads.Add(1, new KeyValuePair<string, object?>("vod.upload.state", "started"));
        return true;
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Upload {UploadId} started for {Source}")]
    private static partial void LogStarted(ILogger logger, string uploadId, string source);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Upload {UploadId} of {Source} already exists; duplicate delivery ignored")]
    private static partial void LogDuplicate(ILogger logger, string uploadId, string source);
}
