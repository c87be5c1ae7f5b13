using Vod.Upload;
using Vod.Upload.Checkpoints;
using Vod.Upload.Sources;

namespace Vod.Testing;

/// <summary>
/// What an upload's checkpoint costs in bytes written: the header writes (create, media, multipart upload, complete)
/// and one record per part, Parallel at a time, in the CLI's local store — the sequence of writes a real run makes.
/// </summary>
public static class CheckpointCost
{
    /// <summary>Bytes written to record an upload of <paramref name="parts"/> parts from start to completion.</summary>
    public static async Task<long> BytesWrittenAsync(int parts, int parallel = 5)
    {
        var directory = Directory.CreateTempSubdirectory("vod-checkpoint-cost-");
        try
        {
            var store = new LocalCheckpointStore(directory.FullName);
            const long partSize = 8L * 1024 * 1024;
            var checkpoint = new UploadCheckpoint
            {
                Source = SourceReference.FromFile(Path.Combine(directory.FullName, "movie.mp4")) with { ETag = "1@2" },
                Identity = new SourceIdentity(SourceKind.LocalFile, Path.Combine(directory.FullName, "movie.mp4"), "1@2", parts * partSize),
            };
            var session = CheckpointSession.New(store, "movie.mp4-cost", checkpoint, TimeProvider.System);
            await session.UpdateAsync(_ => { }, CancellationToken.None).ConfigureAwait(false);
            await session.UpdateAsync(c =>
            {
                c.Kind = MediaKind.Video;
                c.MediaId = "0123456789abcdef0123456789abcdef";
                c.Endpoint = "https://oss-cn-shanghai.aliyuncs.com";
                c.Bucket = "outin-0123456789abcdef0123456789abcdef";
                c.ObjectKey = "sv/01234567-0123456789a/01234567-0123456789a.mp4";
                c.PartSize = partSize;
                c.PartCount = parts;
            }, CancellationToken.None).ConfigureAwait(false);
            await session.UpdateAsync(c => c.MultipartUploadId = "0004B9894A22E5B1888A1E29F8236E2D", CancellationToken.None).ConfigureAwait(false);
            await Parallel.ForEachAsync(Enumerable.Range(1, parts), new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (number, token) =>
                await session.RecordPartAsync(new CheckpointPart(number, "\"5B3C6E9F1A2D4B8C7E0F1A2B3C4D5E6F\"", partSize, 0xFEDCBA9876543210UL ^ (ulong)number), token).ConfigureAwait(false)).ConfigureAwait(false);
            await session.UpdateAsync(c =>
            {
                c.Completed = true;
                c.Crc64 = 0x0123456789ABCDEFUL;
                c.ObjectETag = "\"5B3C6E9F1A2D4B8C7E0F1A2B3C4D5E6F-" + parts + "\"";
            }, CancellationToken.None).ConfigureAwait(false);
            return store.BytesWritten;
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
