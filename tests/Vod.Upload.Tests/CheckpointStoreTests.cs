using System.Text;
using Vod.Testing;
using Vod.Upload.Checkpoints;
using Vod.Upload.Sources;
using Xunit.Abstractions;

namespace Vod.Upload.Tests;

/// <summary>Both checkpoint stores (a local folder, and Blob Storage on Azurite) keep the same promises.</summary>
public sealed class CheckpointStoreTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>
{
    private const long Size = 1000 * 100;

    public static TheoryData<string> Stores => new() { "local", "blob" };

    private ICheckpointStore Store(string kind) => kind == "local"
        ? new LocalCheckpointStore(Directory.CreateTempSubdirectory("cp-").FullName)
        : new BlobCheckpointStore(azurite.Blobs.GetBlobContainerClient("cp-" + Guid.NewGuid().ToString("N")[..12]));

    private static UploadCheckpoint Sample(int parts = 1000) => new()
    {
        Source = SourceReference.FromBlob("in", "a.mp4", "\"0x1\""),
        Identity = new SourceIdentity(SourceKind.AzureBlob, "in/a.mp4", "\"0x1\"", Size),
        MediaId = "v1",
        Kind = MediaKind.Video,
        Endpoint = "http://oss.test",
        Bucket = "b",
        ObjectKey = "sv/v1.mp4",
        MultipartUploadId = "U",
        PartCount = parts,
        PartSize = Size / parts,
    };

    private static CheckpointPart Part(int number) => new(number, $"\"{number:X8}\"", 100, (ulong)number);

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Stale_header_writes_are_refused_and_parts_from_many_writers_all_count(string kind)
    {
        // Arrange: one checkpoint; five sessions (as five part batches hold them) recording 400 parts at once.
        var store = Store(kind);
        await CheckpointSession.New(store, "key", Sample(), TimeProvider.System).UpdateAsync(c => c.Title = "t", CancellationToken.None);
        var sessions = new List<CheckpointSession>();
        for (var i = 0; i < 5; i++)
        {
            sessions.Add((await CheckpointSession.LoadAsync(store, "key", TimeProvider.System, CancellationToken.None))!);
        }

        // Act
        await Task.WhenAll(sessions.Select((session, s) => Parallel.ForEachAsync(Enumerable.Range(0, 80), new ParallelOptions { MaxDegreeOfParallelism = 5 },
            async (i, _) => await session.RecordPartAsync(Part((s * 80) + i + 1), CancellationToken.None))));
        await sessions[0].UpdateAsync(c => c.Title = "header changed while parts were recorded", CancellationToken.None);

        // Assert
        var stored = (await store.LoadAsync("key", CancellationToken.None))!;
        Assert.Equal(Enumerable.Range(1, 400), stored.Checkpoint.Parts.Select(p => p.Number));
        Assert.Equal("header changed while parts were recorded", stored.Checkpoint.Title);
        await Assert.ThrowsAsync<CheckpointConflictException>(() => store.SaveAsync("key", Sample(), "stale-tag", false, CancellationToken.None));
        await Assert.ThrowsAsync<CheckpointConflictException>(() => store.SaveAsync("key", Sample(), null, true, CancellationToken.None));
        Assert.Equal(new CheckpointSummary("v1", 400, 1000, 400 * 100, Size, Completed: false), await store.SummarizeAsync("key", CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_new_generation_replaces_the_part_log_and_late_records_of_the_old_one_are_ignored(string kind)
    {
        var store = Store(kind);
        var session = CheckpointSession.New(store, "key", Sample(), TimeProvider.System);
        await session.UpdateAsync(_ => { }, CancellationToken.None);
        var first = session.Current.Generation;
        var late = (await CheckpointSession.LoadAsync(store, "key", TimeProvider.System, CancellationToken.None))!;
        await session.RecordPartAsync(Part(1), CancellationToken.None);
        await session.RecordPartAsync(Part(2), CancellationToken.None);

        await session.UpdateAsync(c => c.Parts = [Part(2)], CancellationToken.None); // a reconciliation dropped part 1
        await late.RecordPartAsync(Part(3), CancellationToken.None);                // a batch of the old generation

        var stored = (await store.LoadAsync("key", CancellationToken.None))!.Checkpoint;
        Assert.Equal(first + 1, stored.Generation);
        Assert.Equal([2], stored.Parts.Select(p => p.Number));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_late_writer_does_not_bring_back_a_cancelled_checkpoint(string kind)
    {
        var store = Store(kind);
        var writer = CheckpointSession.New(store, "key", Sample(), TimeProvider.System);
        await writer.UpdateAsync(c => c.Title = "t", CancellationToken.None);

        await store.DeleteAsync("key", CancellationToken.None);
        var header = await Assert.ThrowsAsync<UploadException>(() => writer.UpdateAsync(c => c.Title = "again", CancellationToken.None));
        var part = await Assert.ThrowsAsync<UploadException>(() => writer.RecordPartAsync(Part(1), CancellationToken.None));

        Assert.Equal(UploadErrorCodes.CheckpointMissing, header.Code);
        Assert.Equal(UploadErrorCodes.CheckpointMissing, part.Code);
        Assert.Null(await store.LoadAsync("key", CancellationToken.None));
    }

    public static TheoryData<string, string> Damage => new()
    {
        { "local", "random" }, { "local", "empty" }, { "local", "cut" }, { "local", "format 1" }, { "local", "future" }, { "local", "doubled part size" },
        { "blob", "random" }, { "blob", "empty" }, { "blob", "cut" }, { "blob", "format 1" }, { "blob", "future" }, { "blob", "doubled part size" },
    };

    [Theory]
    [MemberData(nameof(Damage))]
    public async Task A_damaged_or_old_checkpoint_is_refused_as_CheckpointCorrupt_listed_as_damaged_and_salvaged(string kind, string damage)
    {
        // Arrange: a good checkpoint, then its header replaced.
        var store = Store(kind);
        var good = Sample();
        await CheckpointSession.New(store, "key", good, TimeProvider.System).UpdateAsync(_ => { }, CancellationToken.None);
        var header = Encoding.UTF8.GetString(CheckpointFormat.Header(good));
        var bytes = damage switch
        {
            "random" => new Random(7).GetItems<byte>([.. Enumerable.Range(0, 256).Select(b => (byte)b)], 300),
            "empty" => [],
            "cut" => Encoding.UTF8.GetBytes(header[..(header.IndexOf("\"partSize\"", StringComparison.Ordinal) + 5)]),
            "format 1" => Encoding.UTF8.GetBytes("""{"version":1,"source":{"kind":"AzureBlob","container":"in","blobName":"a.mp4","eTag":"\"0x1\""},"identity":{"kind":"AzureBlob","location":"in/a.mp4","version":"\"0x1\"","size":100000},"kind":"Video","mediaId":"v1","endpoint":"http://oss.test","bucket":"b","objectKey":"sv/v1.mp4","uploadId":"U","partSize":100,"partCount":1000,"parts":[{"number":1,"eTag":"\"A\"","size":100,"crc64":1}],"completed":false}"""),
            "future" => Encoding.UTF8.GetBytes(header.Replace("\"formatVersion\":2", "\"formatVersion\":3", StringComparison.Ordinal)),
            _ => Encoding.UTF8.GetBytes(header.Replace("\"partSize\":100,", "\"partSize\":200,", StringComparison.Ordinal)),
        };
        await OverwriteHeaderAsync(store, "key", bytes);

        // Act
        var error = await Assert.ThrowsAsync<UploadException>(() => store.LoadAsync("key", CancellationToken.None));
        var listed = await store.ListAsync(CancellationToken.None).ToListAsync();
        var damaged = await store.ListDamagedAsync(CancellationToken.None).ToListAsync();

        // Assert
        output.WriteLine($"{kind} {damage}: {error.Message}");
        Assert.Equal(UploadErrorCodes.CheckpointCorrupt, error.Code);
        Assert.Equal(UploadErrorKind.Fatal, error.Kind);
        Assert.Contains("'key'", error.Message, StringComparison.Ordinal);
        Assert.Empty(listed);
        var entry = Assert.Single(damaged);
        Assert.Equal("key", entry.Key);
        if (damage is "cut" or "format 1" or "future" or "doubled part size")
        {
            // Enough survives to abort the multipart upload and delete the media.
            Assert.Equal(("v1", "U", "sv/v1.mp4", "b", MediaKind.Video), (entry.MediaId, entry.MultipartUploadId, entry.ObjectKey, entry.Bucket, entry.Kind));
        }
    }

    [Fact]
    public async Task A_torn_last_part_record_is_ignored_but_a_damaged_one_before_it_is_not()
    {
        var directory = Directory.CreateTempSubdirectory("cp-").FullName;
        var store = new LocalCheckpointStore(directory);
        var session = CheckpointSession.New(store, "key", Sample(), TimeProvider.System);
        await session.UpdateAsync(_ => { }, CancellationToken.None);
        await session.RecordPartAsync(Part(1), CancellationToken.None);
        var log = Path.Combine(directory, "key.parts");

        await File.AppendAllTextAsync(log, "{\"g\":1,\"n\":2,\"e\""); // the process died mid-append
        var torn = (await store.LoadAsync("key", CancellationToken.None))!.Checkpoint;
        await File.AppendAllTextAsync(log, "\n" + Encoding.UTF8.GetString(CheckpointFormat.PartLine(1, Part(3))));
        var error = await Assert.ThrowsAsync<UploadException>(() => store.LoadAsync("key", CancellationToken.None));

        Assert.Equal([1], torn.Parts.Select(p => p.Number));
        Assert.Equal(UploadErrorCodes.CheckpointCorrupt, error.Code);
    }

    [Fact]
    public async Task A_second_process_cannot_take_the_lock_of_a_running_upload()
    {
        var store = new LocalCheckpointStore(Directory.CreateTempSubdirectory("cp-").FullName);
        var other = new LocalCheckpointStore(store.Directory);

        var held = await store.LockAsync("key", CancellationToken.None);
        var refused = await Assert.ThrowsAsync<UploadException>(() => other.LockAsync("key", CancellationToken.None));
        await held.DisposeAsync();
        await using var after = await other.LockAsync("key", CancellationToken.None);

        Assert.Equal(UploadErrorCodes.UploadInProgress, refused.Code);
        Assert.Contains("already running", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Checkpoint_bytes_grow_linearly_with_the_part_count()
    {
        var written = new Dictionary<int, long>();
        foreach (var parts in new[] { 128, 1000, 10_000 })
        {
            written[parts] = await CheckpointCost.BytesWrittenAsync(parts);
            output.WriteLine($"{parts,6} parts: {written[parts],12:N0} checkpoint bytes written");
        }

        Assert.InRange(written[10_000], 1, 12 * written[1000]);
        Assert.InRange(written[1000], 1, 12 * written[128]);
    }

    private async Task OverwriteHeaderAsync(ICheckpointStore store, string key, byte[] bytes)
    {
        switch (store)
        {
            case LocalCheckpointStore local:
                await File.WriteAllBytesAsync(Path.Combine(local.Directory, key + ".json"), bytes);
                break;
            case BlobCheckpointStore blob:
                await azurite.Blobs.GetBlobContainerClient(blob.ContainerName).GetBlobClient(key + ".json").UploadAsync(BinaryData.FromBytes(bytes), overwrite: true);
                break;
        }
    }
}
