using System.IO.Enumeration;
using Vod.Cli.Output;
using Vod.Upload;
using Vod.Upload.Engine;
using Vod.Upload.Sources;

namespace Vod.Cli.Commands;

/// <summary>
/// Every matching file under a folder, <c>--jobs</c> at a time: one line per file as it ends, then the totals. Each file
/// is an upload of its own (its own checkpoint, lock and history entry), so an interrupted batch resumes file by file.
/// </summary>
internal static class FolderUpload
{
    public static async Task<int> RunAsync(CliContext context, UploadCommandOptions options, string directory, UploadOptions engineOptions, MediaMetadata metadata, bool image)
    {
        var parse = context.Parse;
        if (metadata.Title is not null)
        {
            throw new UsageException("--title names one file; a folder's files take their own names.");
        }

        var include = parse.GetValue(options.Include) ?? "*";
        var exclude = parse.GetValue(options.Exclude);
        var files = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Where(f => FileSystemName.MatchesSimpleExpression(include, Path.GetFileName(f))
                && (exclude is null || !FileSystemName.MatchesSimpleExpression(exclude, Path.GetFileName(f))))
            .Where(f => TryKind(f) is { } k && (k == MediaKind.Image) == image)
            .Order(StringComparer.Ordinal)
            .ToList();
        if (files.Count == 0)
        {
            Console.Error.WriteLine($"No {(image ? "image" : "video or audio")} files match '{include}' in {directory}.");
            return ExitCodes.Failed;
        }

        using var http = new HttpClient(Vod.Alibaba.Oss.OssClient.CreateHandler()) { Timeout = Timeout.InfiniteTimeSpan };
        var vod = context.VodApi(http);
        var engine = context.Engine(vod, http);
        var (wait, waitTimeout) = (parse.GetValue(options.Wait), options.WaitTimeoutOf(parse));
        var history = new UploadHistory(StateDirectory.History, vod);
        var force = parse.GetValue(options.Force);
        var gate = new Lock();
        int uploaded = 0, skipped = 0, failed = 0, notPublished = 0;
        long bytes = 0;
        void Report(string status, string file, string? mediaId, string detail)
        {
            lock (gate)
            {
                if (context.Json)
                {
                    CliContext.WriteJson(new { @event = "file", status, file, mediaId, detail });
                }
                else
                {
                    Console.WriteLine($"{status,-11} {Path.GetRelativePath(directory, file)}  {detail}");
                }
            }
        }

        try
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = parse.GetValue(options.Jobs), CancellationToken = context.Interrupt };
            await Parallel.ForEachAsync(files, parallel, async (file, token) =>
            {
                string version;
                await using (var opened = LocalFileSource.Open(file))
                {
                    version = opened.Identity.Version;
                }

                // Stored is not yet published: with --wait each file uploaded (or skipped as uploaded before) is then
                // either ready or not published (VOD gave up on it, or the wait ran out). A rerun skips it and waits again.
                async Task WaitForVodAsync(MediaKind kind, string mediaId)
                {
                    if (!wait)
                    {
                        return;
                    }

                    var outcome = await MediaReadiness.WaitAsync(vod, kind, mediaId, waitTimeout, _ => { }, _ => { }, token);
                    if (outcome.Ready)
                    {
                        Report("ready", file, mediaId, $"{mediaId}  Normal");
                        return;
                    }

                    Interlocked.Increment(ref notPublished);
                    Report("unpublished", file, mediaId, $"{outcome.ErrorCode}: {outcome.Message}");
                }

                if (!force && await history.FindAsync(file, version, token) is { } earlier)
                {
                    Interlocked.Increment(ref skipped);
                    Report("skipped", file, earlier.MediaId, $"already uploaded: {earlier.MediaId}");
                    await WaitForVodAsync(Enum.Parse<MediaKind>(earlier.Kind), earlier.MediaId);
                    return;
                }

                try
                {
                    var result = await engine.UploadAsync(new UploadRequest(SourceReference.FromFile(file), metadata, engineOptions), null, token);
                    lock (gate)
                    {
                        history.Add(new UploadRecord(file, version, result.Size, result.Kind.ToString(), result.MediaId, result.ImageUrl, result.FileUrl, DateTimeOffset.UtcNow));
                    }

                    Interlocked.Increment(ref uploaded);
                    Interlocked.Add(ref bytes, result.Size);
                    Report("uploaded", file, result.MediaId, $"{result.MediaId}  {Units.Bytes(result.Size)}");
                    await WaitForVodAsync(result.Kind, result.MediaId);
                }
                catch (UploadException ex)
                {
                    Interlocked.Increment(ref failed);
                    Report("failed", file, null, UploadCommand.Describe(ex));
                }
            });
        }
        catch (OperationCanceledException) when (context.Interrupt.IsCancellationRequested)
        {
            Console.Error.WriteLine("Interrupted. Run the same command again: finished files are skipped, unfinished ones resume.");
            return ExitCodes.Interrupted;
        }

        if (context.Json)
        {
            CliContext.WriteJson(wait
                ? new { @event = "summary", uploaded, skipped, failed, bytes, notPublished }
                : (object)new { @event = "summary", uploaded, skipped, failed, bytes });
        }
        else
        {
            var unpublished = wait ? $"; {notPublished} not published by VOD" : string.Empty;
            Console.WriteLine($"{uploaded} uploaded ({Units.Bytes(bytes)}), {skipped} skipped, {failed} failed{unpublished}");
        }

        return failed == 0 && notPublished == 0 ? ExitCodes.Success : ExitCodes.Failed;
    }

    private static MediaKind? TryKind(string file)
    {
        try
        {
            return MediaKinds.FromFileName(file);
        }
        catch (UploadException)
        {
            return null;
        }
    }
}
