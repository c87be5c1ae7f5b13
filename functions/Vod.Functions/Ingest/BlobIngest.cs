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
public sealed partial class BlobIngest(UploadJobFactory jobs, UploadStarter starter, BlobServiceClient blobs, IOptions<VodFunctionsOptions> options, ILogger<BlobIngest> logger)
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

        await starter.StartAsync(client, job!, cancellationToken).ConfigureAwait(false);
    }

    private async Task RecordRefusalAsync(string name, Refusal refusal, CancellationToken cancellationToken)
    {
        var container = blobs.GetBlobContainerClient(options.Value.RejectionContainer);
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var note = JsonSerializer.Serialize(new { blob = $"{options.Value.IncomingContainer}/{name}", code = refusal.Code, reason = refusal.Reason, at = DateTimeOffset.UtcNow });
        await container.GetBlobClient(name + ".json").UploadAsync(BinaryData.FromString(note), overwrite: true, cancellationToken).ConfigureAwait(false);
        LogRefused(logger, name, refusal.Code, refusal.Reason);
    }

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Blob {Name} not uploaded: {Code} {Reason}")]
    private static partial void LogRefused(ILogger logger, string name, string code, string reason);
}
