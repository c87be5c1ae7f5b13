using Vod.Functions.Uploads;

namespace Vod.Functions.Tests;

/// <summary>How activities report failures the engine does not classify: storage or network trouble is worth a retry.</summary>
public sealed class ActivityFailureTests : IAsyncLifetime
{
    private FunctionsHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await FunctionsHarness.StartAsync();

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Theory]
    [InlineData(503, "ServerBusy", true)]
    [InlineData(500, "InternalError", true)]
    [InlineData(429, "TooManyRequests", true)]
    [InlineData(403, "AuthorizationPermissionMismatch", false)]
    public async Task Storage_failures_after_the_clients_retries_are_transient_unless_they_are_refusals(int status, string code, bool transient)
    {
        // Arrange: the real checkpoint store on Azurite, answering the way Azure Storage does when it is unwell.
        var job = await _harness.PutBlobAsync(FunctionsHarness.Data(300_000, 31), "storage.mp4");
        var store = new UnwellStore(new Vod.Upload.Checkpoints.BlobCheckpointStore(_harness.Blobs.GetBlobContainerClient("unwell")), new Azure.RequestFailedException(status, "Storage said no.", code, null));
        using var http = new HttpClient();
        var engine = new Vod.Upload.Engine.UploadEngine(_harness.Vod, new Vod.Alibaba.Oss.OssClient(http), store, new Vod.Upload.Sources.UploadSourceResolver(_harness.Blobs));
        var activities = new UploadActivities(engine, _harness.Vod, _harness.Records);

        // Act
        var error = await Record.ExceptionAsync(() => activities.PlanUpload(job));

        // Assert
        if (transient)
        {
            var step = Assert.IsType<TransientUploadException>(error);
            Assert.Equal("StorageUnavailable", step.Code);
            Assert.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), step.Message, StringComparison.Ordinal);
        }
        else
        {
            Assert.IsType<Azure.RequestFailedException>(error);
        }
    }

    private sealed class UnwellStore(Vod.Upload.Checkpoints.ICheckpointStore inner, Exception failure) : Vod.Upload.Checkpoints.ICheckpointStore
    {
        public Task<Vod.Upload.Checkpoints.StoredCheckpoint?> LoadAsync(string key, CancellationToken cancellationToken) => throw failure;

        public Task<string> SaveAsync(string key, Vod.Upload.Checkpoints.UploadCheckpoint checkpoint, string? ifMatch, CancellationToken cancellationToken) => inner.SaveAsync(key, checkpoint, ifMatch, cancellationToken);

        public Task DeleteAsync(string key, CancellationToken cancellationToken) => inner.DeleteAsync(key, cancellationToken);

        public IAsyncEnumerable<Vod.Upload.Checkpoints.StoredCheckpoint> ListAsync(CancellationToken cancellationToken) => inner.ListAsync(cancellationToken);
    }
}
