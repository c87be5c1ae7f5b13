using Azure.Storage.Blobs;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Vod.Functions.Ingest;

/// <summary>
/// Creates the app's containers at start-up (incoming, checkpoints, rejections), so that a file can be dropped into
/// the incoming container of a fresh storage account — Azurite locally — without a set-up step. In Azure the
/// infrastructure creates them already and this finds them there. A storage account that cannot be reached does not
/// stop or delay the app (it runs in the background): the triggers report it themselves.
/// </summary>
public sealed partial class StorageBootstrap(BlobServiceClient blobs, IOptions<VodFunctionsOptions> options, ILogger<StorageBootstrap> logger) : BackgroundService
{
    /// <summary>Creates the containers that are missing.</summary>
    public async Task EnsureContainersAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        foreach (var name in new[] { settings.IncomingContainer, settings.CheckpointContainer, settings.RejectionContainer }.Distinct(StringComparer.Ordinal))
        {
            try
            {
                await blobs.GetBlobContainerClient(name).CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogContainerNotCreated(logger, name, ex.Message);
            }
        }
    }

    /// <inheritdoc/>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => EnsureContainersAsync(stoppingToken);

    [LoggerMessage(EventId = 2201, Level = LogLevel.Warning, Message = "Container {Container} could not be created at start-up: {Reason}")]
    private static partial void LogContainerNotCreated(ILogger logger, string container, string reason);
}
