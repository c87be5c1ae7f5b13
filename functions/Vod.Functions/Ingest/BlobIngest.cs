using System.Text.Json;
using Azure.Storage.Blobs;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vod.Functions.Uploads;

namespace Vod.Functions.Ingest;

/// <summary>
/// A blob landing in the incoming container starts its upload. The trigger binds to the blob's client, never its bytes;
/// the instance id comes from (container, name, ETag), so duplicate deliveries start nothing new. Refused blobs get a
/// JSON note in the rejection container; source blobs are never modified or deleted.
/// </summary>
public sealed partial class BlobIngest(UploadJobFactory jobs, BlobServiceClient blobs, IOptions<VodFunctionsOptions> options, ILogger<BlobIngest> logger)
{
    /// <summary>
    /// The polling trigger, for local runs against Azurite (and plans that support it). Disable it where the Event Grid
    /// trigger runs: <c>AzureWebJobs.BlobIngest.Disabled=true</c>.
    /// </summary>
    [Function(nameof(BlobIngest))]
    public Task Run(
        [BlobTrigger("%Vod:IncomingContainer%/{name}", Connection = "AzureWebJobsStorage")] BlobClient blob,
        string name,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) => IngestAsync(blob, name, client, cancellationToken);

    /// <summary>
    /// The Event Grid–sourced trigger: the only blob trigger on the Flex Consumption plan. It needs an Event Grid
    /// subscription for <c>BlobCreated</c> on the incoming container; disabled locally with
    /// <c>AzureWebJobs.BlobIngestEventGrid.Disabled=true</c>.
    /// </summary>
    [Function(nameof(BlobIngestEventGrid))]
    public Task BlobIngestEventGrid(
        [BlobTrigger("%Vod:IncomingContainer%/{name}", Source = BlobTriggerSource.EventGrid, Connection = "AzureWebJobsStorage")] BlobClient blob,
        string name,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) => IngestAsync(blob, name, client, cancellationToken);

    private async Task IngestAsync(BlobClient blob, string name, DurableTaskClient client, CancellationToken cancellationToken)
    {
        var (job, refusal) = await jobs.ForBlobAsync(blob.BlobContainerName, name, null, null, cancellationToken).ConfigureAwait(false);
        if (refusal is not null)
        {
            await RecordRefusalAsync(name, refusal, cancellationToken).ConfigureAwait(false);
            return;
        }

        await StartAsync(client, job!, logger, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts the upload unless an instance with its id already exists; returns whether it started.</summary>
    public static async Task<bool> StartAsync(DurableTaskClient client, UploadJob job, ILogger logger, CancellationToken cancellationToken)
    {
        var existing = await client.GetInstanceAsync(job.UploadId, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            LogDuplicate(logger, job.UploadId, job.Source.Location);
            return false;
        }

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
        return true;
    }

    private async Task RecordRefusalAsync(string name, Refusal refusal, CancellationToken cancellationToken)
    {
        var container = blobs.GetBlobContainerClient(options.Value.RejectionContainer);
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var note = JsonSerializer.Serialize(new { blob = $"{options.Value.IncomingContainer}/{name}", code = refusal.Code, reason = refusal.Reason, at = DateTimeOffset.UtcNow });
        await container.GetBlobClient(name + ".json").UploadAsync(BinaryData.FromString(note), overwrite: true, cancellationToken).ConfigureAwait(false);
        LogRefused(logger, name, refusal.Code, refusal.Reason);
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Upload {UploadId} started for {Source}")]
    private static partial void LogStarted(ILogger logger, string uploadId, string source);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Upload {UploadId} of {Source} already exists; duplicate delivery ignored")]
    private static partial void LogDuplicate(ILogger logger, string uploadId, string source);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Blob {Name} not uploaded: {Code} {Reason}")]
    private static partial void LogRefused(ILogger logger, string name, string code, string reason);
}
