using Vod.Alibaba.VodApi;
using Vod.Testing;
using Vod.Upload.Checkpoints;
using Vod.Upload.Credentials;
using Vod.Upload.Sources;

namespace Vod.Upload.Tests;

public sealed class CheckpointAndCredentialTests
{
    private static UploadCheckpoint Sample() => new()
    {
        Source = SourceReference.FromBlob("in", "a.mp4", "\"0x1\""),
        Identity = new SourceIdentity(SourceKind.AzureBlob, "in/a.mp4", "\"0x1\"", 100),
        MediaId = "v1",
        PartCount = 3,
    };

    [Fact]
    public async Task Local_store_refuses_stale_writes_and_the_session_merges_concurrent_parts()
    {
        var store = new LocalCheckpointStore(Directory.CreateTempSubdirectory("cp-").FullName);
        var first = CheckpointSession.New(store, "key", Sample(), TimeProvider.System);
        await first.UpdateAsync(c => c.MultipartUploadId = "U", CancellationToken.None);
        var second = (await CheckpointSession.LoadAsync(store, "key", TimeProvider.System, CancellationToken.None))!;

        await first.UpdateAsync(c => c.Parts.Add(new CheckpointPart(1, "\"A\"", 10, 1)), CancellationToken.None);
        await second.UpdateAsync(c => c.Parts.Add(new CheckpointPart(2, "\"B\"", 10, 2)), CancellationToken.None);

        var stored = await store.LoadAsync("key", CancellationToken.None);
        Assert.Equal([1, 2], stored!.Checkpoint.Parts.Select(p => p.Number).Order());
        await Assert.ThrowsAsync<CheckpointConflictException>(() => store.SaveAsync("key", Sample(), "stale-tag", CancellationToken.None));
        await Assert.ThrowsAsync<CheckpointConflictException>(() => store.SaveAsync("key", Sample(), null, CancellationToken.None));
    }

    [Fact]
    public async Task A_late_writer_does_not_bring_back_a_checkpoint_that_was_cancelled()
    {
        var store = new LocalCheckpointStore(Directory.CreateTempSubdirectory("cp-").FullName);
        var writer = CheckpointSession.New(store, "key", Sample(), TimeProvider.System);
        await writer.UpdateAsync(c => c.MultipartUploadId = "U", CancellationToken.None);

        await store.DeleteAsync("key", CancellationToken.None);
        var error = await Assert.ThrowsAsync<UploadException>(() => writer.UpdateAsync(c => c.Parts.Add(new CheckpointPart(1, "\"A\"", 10, 1)), CancellationToken.None));

        Assert.Equal(UploadErrorCodes.CheckpointMissing, error.Code);
        Assert.Null(await store.LoadAsync("key", CancellationToken.None));
    }

    [Fact]
    public async Task Blob_store_refuses_stale_writes_and_lists_and_deletes()
    {
        await using var azurite = await Azurite.StartAsync();
        var store = new BlobCheckpointStore(new Azure.Storage.Blobs.BlobContainerClient(azurite.ConnectionString, "checkpoints"));

        var tag = await store.SaveAsync("k1", Sample(), null, CancellationToken.None);
        var newer = await store.SaveAsync("k1", Sample(), tag, CancellationToken.None);
        await Assert.ThrowsAsync<CheckpointConflictException>(() => store.SaveAsync("k1", Sample(), tag, CancellationToken.None));
        await Assert.ThrowsAsync<CheckpointConflictException>(() => store.SaveAsync("k1", Sample(), null, CancellationToken.None));
        var listed = await store.ListAsync(CancellationToken.None).ToListAsync();
        await store.DeleteAsync("k1", CancellationToken.None);

        Assert.NotEqual(tag, newer);
        Assert.Equal("k1", Assert.Single(listed).Key);
        Assert.Null(await store.LoadAsync("k1", CancellationToken.None));
    }

    [Fact]
    public void A_copy_changes_without_touching_the_original()
    {
        var original = Sample();
        original.Parts.Add(new CheckpointPart(1, "\"A\"", 10, 1));

        var copy = original.Copy();
        copy.Parts.Add(new CheckpointPart(2, "\"B\"", 10, 2));
        copy.MultipartUploadId = "U2";

        Assert.Equal([1], original.Parts.Select(p => p.Number));
        Assert.Null(original.MultipartUploadId);
        Assert.Equal([1, 2], copy.Parts.Select(p => p.Number));
        Assert.Equal(CheckpointJson.Serialize(original), CheckpointJson.Serialize(original.Copy()));
    }

    [Fact]
    public async Task Many_writers_on_one_blob_checkpoint_lose_no_part_and_fail_no_write()
    {
        // Arrange: five part batches (five sessions, as five activities hold them), each storing five parts at a time,
        // 400 parts in all, on one checkpoint blob — the contention of a busy upload.
        await using var azurite = await Azurite.StartAsync();
        var store = new CountingStore(new BlobCheckpointStore(new Azure.Storage.Blobs.BlobContainerClient(azurite.ConnectionString, "contended")));
        await CheckpointSession.New(store, "key", Sample(), TimeProvider.System).UpdateAsync(c => c.MultipartUploadId = "U", CancellationToken.None);
        var sessions = new List<CheckpointSession>();
        for (var i = 0; i < 5; i++)
        {
            sessions.Add((await CheckpointSession.LoadAsync(store, "key", TimeProvider.System, CancellationToken.None))!);
        }

        // Act
        await Task.WhenAll(sessions.Select((session, s) => Parallel.ForEachAsync(Enumerable.Range(0, 80), new ParallelOptions { MaxDegreeOfParallelism = 5 }, async (i, _) =>
        {
            var number = (s * 80) + i + 1;
            await session.UpdateAsync(c => c.Parts.Add(new CheckpointPart(number, $"\"{number}\"", 10, (ulong)number)), CancellationToken.None);
        })));

        // Assert
        var stored = await store.LoadAsync("key", CancellationToken.None);
        Assert.Equal(Enumerable.Range(1, 400), stored!.Checkpoint.Parts.Select(p => p.Number).Order());
        Assert.Equal("U", stored.Checkpoint.MultipartUploadId);
        Assert.True(store.Stored < 400, $"{store.Stored} stored writes for 400 parts: nothing was committed together");
    }

    /// <summary>The real store, counting the writes it stored (conflicting ones are not counted).</summary>
    private sealed class CountingStore(ICheckpointStore inner) : ICheckpointStore
    {
        private int _stored;

        public int Stored => _stored;

        public Task<StoredCheckpoint?> LoadAsync(string key, CancellationToken cancellationToken) => inner.LoadAsync(key, cancellationToken);

        public async Task<string> SaveAsync(string key, UploadCheckpoint checkpoint, string? ifMatch, CancellationToken cancellationToken)
        {
            var tag = await inner.SaveAsync(key, checkpoint, ifMatch, cancellationToken);
            Interlocked.Increment(ref _stored);
            return tag;
        }

        public Task DeleteAsync(string key, CancellationToken cancellationToken) => inner.DeleteAsync(key, cancellationToken);

        public IAsyncEnumerable<StoredCheckpoint> ListAsync(CancellationToken cancellationToken) => inner.ListAsync(cancellationToken);
    }

    [Fact]
    public async Task The_blob_stores_summary_is_read_from_metadata_and_matches_the_checkpoint()
    {
        // Arrange: a checkpoint with two parts, one blob holding the same JSON without metadata (an older checkpoint).
        await using var azurite = await Azurite.StartAsync();
        var container = new Azure.Storage.Blobs.BlobContainerClient(azurite.ConnectionString, "summaries");
        var store = new BlobCheckpointStore(container);
        var session = CheckpointSession.New(store, "key", Sample(), TimeProvider.System);
        await session.UpdateAsync(c => c.Parts.AddRange([new CheckpointPart(1, "\"A\"", 40, 1), new CheckpointPart(2, "\"B\"", 40, 2)]), CancellationToken.None);
        await container.GetBlobClient("old.json").UploadAsync(BinaryData.FromBytes(CheckpointJson.Serialize(session.Current)));

        // Act
        var summary = await store.SummarizeAsync("key", CancellationToken.None);
        var old = await store.SummarizeAsync("old", CancellationToken.None);
        var missing = await store.SummarizeAsync("missing", CancellationToken.None);
        var metadata = (await container.GetBlobClient("key.json").GetPropertiesAsync()).Value.Metadata;

        // Assert
        Assert.Equal(new CheckpointSummary("v1", 2, 3, 80, 100, Completed: false), summary);
        Assert.Equal("2", metadata["partsdone"]);
        Assert.Equal(summary, old);
        Assert.Null(missing);
    }

    [Fact]
    public async Task Parallel_expiries_cause_one_refresh_and_everyone_gets_the_new_credential()
    {
        var issued = 0;
        var now = new MutableTime(DateTimeOffset.UtcNow);
        UploadAuth Issue() => new("STS.k" + Interlocked.Increment(ref issued), "s", "t", "3000", now.GetUtcNow().AddSeconds(3000), "cn-shanghai");
        var provider = new UploadCredentialProvider(Issue(), async token =>
        {
            await Task.Delay(50, token);
            return Issue();
        }, now, TimeSpan.FromMinutes(5));
        var refreshedAfterExpiry = 0;
        provider.Refreshed += afterExpiry => { if (afterExpiry) Interlocked.Increment(ref refreshedAfterExpiry); };
        var expired = await provider.GetAsync(CancellationToken.None);

        var renewed = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => provider.RenewAfterExpiryAsync(expired, CancellationToken.None)));

        Assert.Equal(1, provider.Refreshes);
        Assert.Equal(1, refreshedAfterExpiry);
        Assert.All(renewed, c => Assert.Equal("STS.k2", c.AccessKeyId));
    }

    [Fact]
    public async Task Credentials_are_refreshed_before_they_expire_but_not_on_every_call()
    {
        var now = new MutableTime(DateTimeOffset.UtcNow);
        var issued = 0;
        UploadAuth Issue() => new("STS.k" + Interlocked.Increment(ref issued), "s", "t", "3000", now.GetUtcNow().AddSeconds(3000), null);
        var provider = new UploadCredentialProvider(Issue(), _ => Task.FromResult(Issue()), now, TimeSpan.FromMinutes(5));

        await provider.GetAsync(CancellationToken.None);
        now.Advance(TimeSpan.FromSeconds(2600));
        await provider.GetAsync(CancellationToken.None);
        var proactive = provider.Refreshes;
        now.Advance(TimeSpan.FromSeconds(2700));
        await provider.GetAsync(CancellationToken.None);

        Assert.Equal(0, proactive);
        Assert.Equal(1, provider.Refreshes);
        Assert.Equal("STS.k2", (await provider.GetAsync(CancellationToken.None)).AccessKeyId);
    }

    private sealed class MutableTime(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public void Advance(TimeSpan by) => _now += by;

        public override DateTimeOffset GetUtcNow() => _now;
    }
}
