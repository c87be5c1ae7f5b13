using Vod.Functions.Uploads;

namespace Vod.Functions.Tests;

/// <summary>When Azure Storage is unwell: activities report it as worth a retry, and the status API still answers.</summary>
public sealed class StorageFailureTests : IAsyncLifetime
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
        var answer = await activities.PlanUpload(job);

        // Assert: the failure comes back as data, retryable when a retry can help; the message names the status.
        var failure = Assert.IsType<Vod.Upload.UploadFailure>(answer.Failure);
        Assert.Null(answer.Value);
        Assert.Equal(transient ? "StorageUnavailable" : "InternalError", failure.Code);
        Assert.Equal(transient ? Vod.Upload.UploadErrorKind.Retryable : Vod.Upload.UploadErrorKind.Fatal, failure.Kind);
        Assert.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_status_api_answers_from_the_orchestration_when_the_checkpoint_cannot_be_read()
    {
        // Arrange: a running upload, and an API whose checkpoint store answers 503.
        var job = await _harness.PutBlobAsync(FunctionsHarness.Data(300_000, 32), "status.mp4");
        await _harness.Host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(UploadOrchestration.UploadOrchestrator), job, new Microsoft.DurableTask.StartOrchestrationOptions(job.UploadId));
        var store = new UnwellStore(new Vod.Upload.Checkpoints.BlobCheckpointStore(_harness.Blobs.GetBlobContainerClient("unwell")), new Azure.RequestFailedException(503, "Storage said no.", "ServerBusy", null));
        using var http = new HttpClient();
        var engine = new Vod.Upload.Engine.UploadEngine(_harness.Vod, new Vod.Alibaba.Oss.OssClient(http), store, new Vod.Upload.Sources.UploadSourceResolver(_harness.Blobs));
        var api = new Api.UploadsApi(_harness.Jobs, _harness.Starter, engine, _harness.Options, Microsoft.Extensions.Logging.Abstractions.NullLogger<Api.UploadsApi>.Instance, _harness.Pull);
        var request = new Microsoft.AspNetCore.Http.DefaultHttpContext().Request;

        // Act
        var answer = await api.Get(request, job.UploadId, _harness.Host.Client);

        // Assert
        var view = Assert.IsType<Api.UploadView>(Assert.IsType<Microsoft.AspNetCore.Mvc.OkObjectResult>(answer).Value);
        Assert.Equal(job.UploadId, view.Id);
        Assert.NotEqual("Completed", view.Status);
    }

    private sealed class UnwellStore(Vod.Upload.Checkpoints.ICheckpointStore inner, Exception failure) : Vod.Upload.Checkpoints.ICheckpointStore
    {
        public Task<Vod.Upload.Checkpoints.StoredCheckpoint?> LoadAsync(string key, CancellationToken cancellationToken) => throw failure;

        public Task<string> SaveAsync(string key, Vod.Upload.Checkpoints.UploadCheckpoint checkpoint, string? ifMatch, bool replaceParts, CancellationToken cancellationToken) =>
            inner.SaveAsync(key, checkpoint, ifMatch, replaceParts, cancellationToken);

        public Task AppendPartAsync(string key, int generation, Vod.Upload.Checkpoints.CheckpointPart part, CancellationToken cancellationToken) => throw failure;

        public Task<Vod.Upload.Checkpoints.CheckpointSummary?> SummarizeAsync(string key, CancellationToken cancellationToken) => throw failure;

        public Task DeleteAsync(string key, CancellationToken cancellationToken) => inner.DeleteAsync(key, cancellationToken);

        public IAsyncEnumerable<Vod.Upload.Checkpoints.StoredCheckpoint> ListAsync(CancellationToken cancellationToken) => inner.ListAsync(cancellationToken);

        public IAsyncEnumerable<Vod.Upload.Checkpoints.DamagedCheckpoint> ListDamagedAsync(CancellationToken cancellationToken) => inner.ListDamagedAsync(cancellationToken);

        public Task<Vod.Upload.Checkpoints.DamagedCheckpoint?> SalvageAsync(string key, CancellationToken cancellationToken) => throw failure;
    }
}
