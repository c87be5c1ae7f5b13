using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Vod.Alibaba.Credentials;
using Vod.Alibaba.Oss;
using Vod.Alibaba.VodApi;
using Vod.Alibaba.VodApi.Operations;
using Vod.Cli;
using Vod.Upload;
using Vod.Upload.Checkpoints;
using Vod.Upload.Engine;
using Vod.Upload.Sources;

const int Success = 0;
const int Usage = 2;
const int Failed = 3;
const int Interrupted = 130;
const int Unexpected = 1;

string[] mediaOptions = ["title", "cate-id", "tags", "description", "template-group-id", "workflow-id", "storage-location", "user-data", "app-id"];
string[] engineOptions = ["part-size", "parallel", "retry-count", "step-retry-count", "retry-duration", "region", "refresh-margin", "checkpoint-dir", "vod-endpoint", "jobs", "include", "exclude"];
var optionsByCommand = new Dictionary<string, IReadOnlySet<string>>
{
    ["upload"] = new HashSet<string>([.. mediaOptions, .. engineOptions]),
    ["image"] = new HashSet<string>([.. mediaOptions, .. engineOptions, "image-type", "image-ext"]),
    ["checkpoints"] = new HashSet<string>(["checkpoint-dir"]),
    ["cancel"] = new HashSet<string>(["checkpoint-dir", "vod-endpoint", "region", "key"]),
    ["info"] = new HashSet<string>(["vod-endpoint", "region"]),
};

CommandLine line;
try
{
    line = CommandLine.Parse(args, optionsByCommand, new HashSet<string>(["json", "keep-media", "force", "version"]));
}
catch (UsageException ex)
{
    Console.Error.WriteLine(ex.Message);
    return Usage;
}

if (line.Flag("version"))
{
    Console.WriteLine("vod " + (typeof(StateDirectory).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
        is [System.Reflection.AssemblyInformationalVersionAttribute { InformationalVersion: var version }, ..] ? version.Split('+')[0] : "unknown"));
    return Success;
}

if (line.Help)
{
    Console.WriteLine(HelpText.For(line.Command));
    return Success;
}

using var interrupt = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    interrupt.Cancel();
};
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    interrupt.Cancel();
});

var json = line.Flag("json");
var mode = json ? OutputMode.Json : Console.IsOutputRedirected ? OutputMode.Lines : OutputMode.Terminal;
var checkpointDir = line.Get("checkpoint-dir") ?? StateDirectory.Checkpoints;
try
{
    return line.Command switch
    {
        "upload" or "image" => await UploadAsync(line),
        "checkpoints" => await ListCheckpointsAsync(),
        "cancel" => await CancelAsync(line),
        "info" => await InfoAsync(line),
        _ => throw new UsageException($"Unknown command '{line.Command}'."),
    };
}
catch (UsageException ex)
{
    Console.Error.WriteLine(ex.Message);
    return Usage;
}
catch (OperationCanceledException) when (interrupt.IsCancellationRequested)
{
    Console.Error.WriteLine("Interrupted.");
    return Interrupted;
}
catch (Exception ex)
{
    // A defect, or something no command foresaw: one line for the user, the details (stack trace included) in a file.
    var log = CrashLog.Write(ex, args);
    Console.Error.WriteLine($"vod failed unexpectedly: {ex.GetType().Name}: {ex.Message.Split('\n')[0]} (details in {log})");
    return Unexpected;
}

async Task<int> UploadAsync(CommandLine command)
{
    var options = new UploadOptions
    {
        PartSize = command.Size("part-size"),
        Parallel = command.Int("parallel") ?? 5,
        RetryCount = command.Int("retry-count") ?? 3,
        StepRetryCount = command.Int("step-retry-count") ?? 3,
        RetryDuration = command.Seconds("retry-duration") ?? TimeSpan.FromSeconds(2),
        CredentialRefreshMargin = command.Seconds("refresh-margin") ?? TimeSpan.FromMinutes(5),
    };
    try
    {
        options.Validate();
    }
    catch (ArgumentOutOfRangeException ex)
    {
        throw new UsageException(ex.Message.Split(Environment.NewLine)[0]);
    }

    var metadata = new MediaMetadata
    {
        Title = command.Get("title"),
        CateId = command.Long("cate-id"),
        Tags = command.Get("tags")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        Description = command.Get("description"),
        TemplateGroupId = command.Get("template-group-id"),
        WorkflowId = command.Get("workflow-id"),
        StorageLocation = command.Get("storage-location"),
        UserData = command.Get("user-data"),
        AppId = command.Get("app-id"),
        ImageType = command.Get("image-type"),
        ImageExt = command.Get("image-ext"),
    };
    if (command.Positionals.Count == 1 && Directory.Exists(command.Positionals[0]))
    {
        return await UploadDirectoryAsync(command, Path.GetFullPath(command.Positionals[0]), options, metadata);
    }

    // A file path, or a blob's URL: the same upload either way, the blob read by ranges.
    var blobUrl = command.Positionals.Count == 1 && BlobUrlSource.IsUrl(command.Positionals[0]) ? BlobUrlSource.Parse(command.Positionals[0]) : null;
    var file = blobUrl?.Location ?? SingleFile(command);
    var reference = blobUrl?.Reference ?? SourceReference.FromFile(file);
    var kind = MediaKindOf(reference.FileName);
    if (command.Command == "upload" && kind == MediaKind.Image)
    {
        throw new UsageException($"'{file}' is an image: use 'vod image {file}'.");
    }

    if (command.Command == "image" && kind != MediaKind.Image)
    {
        throw new UsageException($"'{file}' is not an image (png, jpg, jpeg, gif): use 'vod upload {file}'.");
    }

    using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
    var vod = VodApi(http, command);
    var engine = Engine(vod, http, blobUrl?.Service);
    var engineEndpoint = vod.Endpoint.Host;
    var history = new UploadHistory(StateDirectory.History);
    string version;
    try
    {
        await using var opened = await new UploadSourceResolver(blobUrl?.Service).OpenAsync(reference, interrupt.Token);
        version = opened.Identity.Version;
    }
    catch (UploadException ex)
    {
        throw new UsageException(ex.Message);
    }
    catch (Azure.RequestFailedException ex)
    {
        // The status and code say what went wrong; the SDK's long message adds request details.
        Console.Error.WriteLine($"The blob could not be read: {ex.Status} {ex.ErrorCode}.");
        return Failed;
    }

    // This very version already reached VOD: say so instead of creating another video (--force uploads it again).
    if (!command.Flag("force") && history.Find(file, version) is { } earlier)
    {
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new { @event = "skipped", kind = earlier.Kind, mediaId = earlier.MediaId, uploadedAt = earlier.UploadedAt }, new JsonSerializerOptions(JsonSerializerDefaults.Web)));
        }
        else
        {
            Console.WriteLine($"Already uploaded on {earlier.UploadedAt:u}: {(earlier.Kind == nameof(MediaKind.Image) ? "ImageId" : "VideoId")}: {earlier.MediaId}. Use --force to upload it again.");
        }

        return Success;
    }

    await WarnAboutEarlierVersionsAsync(file, version);
    var reporter = new ProgressReporter(Console.Out, mode);
    try
    {
        var result = await engine.UploadAsync(new UploadRequest(reference, metadata, options), reporter, interrupt.Token);
        history.Add(new UploadRecord(file, version, result.Size, result.Kind.ToString(), result.MediaId, result.ImageUrl, result.FileUrl, DateTimeOffset.UtcNow));
        return Success;
    }
    catch (OperationCanceledException) when (interrupt.IsCancellationRequested)
    {
        Console.Out.WriteLine();
        Console.Error.WriteLine($"Interrupted. The upload can resume: run the same command again (checkpoint in {Path.GetFullPath(checkpointDir)}).");
        return Interrupted;
    }
    catch (UploadException ex)
    {
        Console.Out.Flush();

        // The error, the VOD endpoint it came from, and what to do next; the code once (a service's message already
        // names it, and it is not repeated).
        var what = ex.Message.Contains(ex.Code + ":", StringComparison.Ordinal) ? ex.Message : $"{ex.Code}: {ex.Message}";
        var next = ex.Code == UploadErrorCodes.InvalidRequest ? "Fix the option and run it again."
            : ex.Kind == UploadErrorKind.Retryable ? $"Run the same command again to resume, or 'vod cancel {file}' to abandon it."
            : $"'vod cancel {file}' removes what it started.";
        Console.Error.WriteLine($"Upload failed ({engineEndpoint}): {what} {next}");

        // A request VOD refuses as invalid (a field it does not take) is the caller's input: a usage error.
        return ex.Code == UploadErrorCodes.InvalidRequest ? Usage : Failed;
    }
}

// Every matching file under a folder, --jobs at a time: one line per file as it ends, then the totals. Each file is an
// upload of its own (its own checkpoint, lock and history entry), so an interrupted batch resumes file by file.
async Task<int> UploadDirectoryAsync(CommandLine command, string directory, UploadOptions options, MediaMetadata metadata)
{
    if (metadata.Title is not null)
    {
        throw new UsageException("--title names one file; a folder's files take their own names.");
    }

    var jobs = command.Int("jobs") ?? 1;
    if (jobs is < 1 or > 16)
    {
        throw new UsageException($"--jobs must be 1–16, not {jobs}.");
    }

    var include = command.Get("include") ?? "*";
    var exclude = command.Get("exclude");
    var wantImages = command.Command == "image";
    var files = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
        .Where(f => System.IO.Enumeration.FileSystemName.MatchesSimpleExpression(include, Path.GetFileName(f))
            && (exclude is null || !System.IO.Enumeration.FileSystemName.MatchesSimpleExpression(exclude, Path.GetFileName(f))))
        .Where(f => TryKind(f) is { } k && (k == MediaKind.Image) == wantImages)
        .Order(StringComparer.Ordinal)
        .ToList();
    if (files.Count == 0)
    {
        Console.Error.WriteLine($"No {(wantImages ? "image" : "video or audio")} files match '{include}' in {directory}.");
        return Failed;
    }

    using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
    var engine = Engine(VodApi(http, command), http);
    var history = new UploadHistory(StateDirectory.History);
    var gate = new Lock();
    int uploaded = 0, skipped = 0, failed = 0;
    long bytes = 0;
    void Report(string status, string file, string detail)
    {
        lock (gate)
        {
            if (json)
            {
                Console.WriteLine(JsonSerializer.Serialize(new { @event = "file", status, file, detail }, new JsonSerializerOptions(JsonSerializerDefaults.Web)));
            }
            else
            {
                Console.WriteLine($"{status,-8} {Path.GetRelativePath(directory, file)}  {detail}");
            }
        }
    }

    try
    {
        await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = jobs, CancellationToken = interrupt.Token }, async (file, token) =>
        {
            string version;
            await using (var opened = LocalFileSource.Open(file))
            {
                version = opened.Identity.Version;
            }

            if (!command.Flag("force") && history.Find(file, version) is { } earlier)
            {
                Interlocked.Increment(ref skipped);
                Report("skipped", file, $"already uploaded: {earlier.MediaId}");
                return;
            }

            try
            {
                var result = await engine.UploadAsync(new UploadRequest(SourceReference.FromFile(file), metadata, options), null, token);
                lock (gate)
                {
                    history.Add(new UploadRecord(file, version, result.Size, result.Kind.ToString(), result.MediaId, result.ImageUrl, result.FileUrl, DateTimeOffset.UtcNow));
                }

                Interlocked.Increment(ref uploaded);
                Interlocked.Add(ref bytes, result.Size);
                Report("uploaded", file, $"{result.MediaId}  {Units.Bytes(result.Size)}");
            }
            catch (UploadException ex)
            {
                Interlocked.Increment(ref failed);
                Report("failed", file, ex.Message.Contains(ex.Code + ":", StringComparison.Ordinal) ? ex.Message : $"{ex.Code}: {ex.Message}");
            }
        });
    }
    catch (OperationCanceledException) when (interrupt.IsCancellationRequested)
    {
        Console.Error.WriteLine("Interrupted. Run the same command again: finished files are skipped, unfinished ones resume.");
        return Interrupted;
    }

    var total = $"{uploaded} uploaded ({Units.Bytes(bytes)}), {skipped} skipped, {failed} failed";
    if (json)
    {
        Console.WriteLine(JsonSerializer.Serialize(new { @event = "summary", uploaded, skipped, failed, bytes }, new JsonSerializerOptions(JsonSerializerDefaults.Web)));
    }
    else
    {
        Console.WriteLine(total);
    }

    return failed == 0 ? Success : Failed;

    static MediaKind? TryKind(string file)
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

// An unfinished upload of another version of the same file (touched, or rewritten) would otherwise stay forever with its
// parts on OSS: say where it is and how to remove it.
async Task WarnAboutEarlierVersionsAsync(string file, string version)
{
    var store = new LocalCheckpointStore(checkpointDir);
    await foreach (var stored in store.ListAsync(interrupt.Token))
    {
        if (stored.Checkpoint.Identity.Location == file && stored.Checkpoint.Identity.Version != version)
        {
            Console.Error.WriteLine($"Note: an unfinished upload of an earlier version of this file ({stored.Checkpoint.MediaId ?? "no media yet"}) remains; 'vod cancel --key {stored.Key}' removes it and its parts.");
        }
    }
}

async Task<int> ListCheckpointsAsync()
{
    var store = new LocalCheckpointStore(checkpointDir);
    var rows = new List<StoredCheckpoint>();
    await foreach (var stored in store.ListAsync(interrupt.Token))
    {
        rows.Add(stored);
    }

    var damaged = new List<DamagedCheckpoint>();
    await foreach (var entry in store.ListDamagedAsync(interrupt.Token))
    {
        damaged.Add(entry);
    }

    if (json)
    {
        Console.WriteLine(JsonSerializer.Serialize(rows.Select(r => new
        {
            key = r.Key,
            file = (string?)r.Checkpoint.Identity.Location,
            kind = (string?)r.Checkpoint.Kind.ToString(),
            mediaId = r.Checkpoint.MediaId,
            partsDone = r.Checkpoint.Parts.Count,
            parts = r.Checkpoint.PartCount,
            bytesDone = r.Checkpoint.BytesDone,
            totalBytes = r.Checkpoint.Identity.Size,
            percent = Percent(r.Checkpoint),
            updatedAt = (DateTimeOffset?)r.Checkpoint.UpdatedAt,
            damaged = (string?)null,
        }).Concat(damaged.Select(d => new
        {
            key = d.Key,
            file = d.Location,
            kind = d.Kind?.ToString(),
            mediaId = d.MediaId,
            partsDone = 0,
            parts = 0,
            bytesDone = 0L,
            totalBytes = 0L,
            percent = 0.0,
            updatedAt = d.UpdatedAt,
            damaged = (string?)d.Reason,
        })), new JsonSerializerOptions(JsonSerializerDefaults.Web)));
        return Success;
    }

    if (rows.Count == 0 && damaged.Count == 0)
    {
        Console.WriteLine($"No unfinished uploads in {Path.GetFullPath(checkpointDir)}.");
        return Success;
    }

    foreach (var row in rows)
    {
        var c = row.Checkpoint;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{c.Identity.Location}\n  {c.Kind.ToString().ToLowerInvariant()} {c.MediaId ?? "(not created)"}  {Percent(c):0.0}%  {c.Parts.Count}/{c.PartCount} parts  {c.BytesDone}/{c.Identity.Size} bytes  updated {c.UpdatedAt:u}"));
    }

    foreach (var d in damaged)
    {
        Console.WriteLine($"{d.Location ?? d.Key}\n  DAMAGED {d.MediaId ?? string.Empty}  {d.Reason} Run 'vod cancel {d.Location ?? "--key " + d.Key}' to clean it up.");
    }

    return Success;
}

async Task<int> CancelAsync(CommandLine command)
{
    var store = new LocalCheckpointStore(checkpointDir);
    var keys = new List<string>();
    string what;
    if (command.Get("key") is { } key)
    {
        keys.Add(key);
        what = $"checkpoint '{key}'";
    }
    else
    {
        var file = Path.GetFullPath(command.Positionals.Count == 1 ? command.Positionals[0] : throw new UsageException("Usage: vod cancel <file> | --key KEY"));
        what = $"the upload of '{file}'";
        await foreach (var stored in store.ListAsync(interrupt.Token))
        {
            if (stored.Checkpoint.Identity.Location == file)
            {
                keys.Add(stored.Key);
            }
        }

        await foreach (var damaged in store.ListDamagedAsync(interrupt.Token))
        {
            if (damaged.Location == file)
            {
                keys.Add(damaged.Key);
            }
        }
    }

    if (keys.Count == 0)
    {
        Console.Error.WriteLine($"No unfinished upload of {what} in {Path.GetFullPath(checkpointDir)}.");
        return Failed;
    }

    using var http = new HttpClient();
    var engine = Engine(VodApi(http, command), http);
    var keepMedia = command.Flag("keep-media");
    var mediaIds = new List<string>();
    var found = 0;
    try
    {
        foreach (var k in keys)
        {
            await using var held = await store.LockAsync(k, interrupt.Token);
            var cancelled = await engine.CancelAsync(k, keepMedia, interrupt.Token);
            found += cancelled.Found ? 1 : 0;
            if (cancelled.MediaId is { } mediaId)
            {
                mediaIds.Add(mediaId);
            }
        }
    }
    catch (ArgumentException)
    {
        throw new UsageException($"'{command.Get("key")}' is not a checkpoint key (see 'vod checkpoints').");
    }
    catch (OperationCanceledException) when (interrupt.IsCancellationRequested)
    {
        Console.Error.WriteLine("Interrupted; run the same command again to finish the cancel.");
        return Interrupted;
    }
    catch (Exception ex) when (ex is UploadException or IOException)
    {
        Console.Error.WriteLine($"Cancel failed: {(ex is UploadException u ? u.Code : "IOError")}: {ex.Message}");
        return Failed;
    }

    if (found == 0)
    {
        Console.Error.WriteLine($"No unfinished upload of {what} in {Path.GetFullPath(checkpointDir)}.");
        return Failed;
    }

    if (json)
    {
        Console.WriteLine(JsonSerializer.Serialize(new { @event = "cancelled", keys, mediaIds, mediaDeleted = !keepMedia && mediaIds.Count > 0 }, new JsonSerializerOptions(JsonSerializerDefaults.Web)));
        return Success;
    }

    var media = mediaIds.Count == 0 ? string.Empty : keepMedia ? $"; its media {string.Join(", ", mediaIds)} is kept" : $"; its media {string.Join(", ", mediaIds)} is deleted";
    Console.WriteLine($"Cancelled {what}: its multipart upload is aborted and its checkpoint removed{media}.");
    return Success;
}

// VOD's own view of a media: a video (GetVideoInfo), else an image (GetImageInfo).
async Task<int> InfoAsync(CommandLine command)
{
    var id = command.Positionals.Count == 1 ? command.Positionals[0] : throw new UsageException("Usage: vod info <VideoId|ImageId> [--json]");
    using var http = new HttpClient();
    var vod = VodApi(http, command);
    Dictionary<string, object?> fields;
    try
    {
        try
        {
            var video = (await vod.GetVideoInfoAsync(new GetVideoInfoRequest { VideoId = id }, interrupt.Token)).Video;
            fields = new() { ["kind"] = "Video", ["id"] = video.VideoId, ["title"] = video.Title, ["status"] = video.Status, ["size"] = video.Size, ["duration"] = video.Duration, ["created"] = video.CreationTime, ["storageLocation"] = video.StorageLocation };
        }
        catch (Vod.Alibaba.Errors.AlibabaCloudException ex) when (ex.Kind == Vod.Alibaba.Errors.AlibabaErrorKind.MediaGone || ex.Code.EndsWith("NotFound", StringComparison.Ordinal))
        {
            var image = (await vod.GetImageInfoAsync(new GetImageInfoRequest { ImageId = id }, interrupt.Token)).ImageInfo;
            fields = new() { ["kind"] = "Image", ["id"] = image.ImageId, ["title"] = image.Title, ["status"] = image.Status, ["size"] = image.Mezzanine?.FileSize, ["url"] = image.URL, ["created"] = image.CreationTime, ["storageLocation"] = image.StorageLocation };
        }
    }
    catch (Vod.Alibaba.Errors.AlibabaCloudException ex) when (ex.Code.EndsWith("NotFound", StringComparison.Ordinal))
    {
        Console.Error.WriteLine($"VOD has no video or image '{id}'.");
        return Failed;
    }
    catch (Vod.Alibaba.Errors.AlibabaCloudException ex)
    {
        Console.Error.WriteLine($"vod info failed: {ex.Code} from {vod.Endpoint.Host}: {ex.ServiceMessage}");
        return Failed;
    }

    if (json)
    {
        Console.WriteLine(JsonSerializer.Serialize(fields, new JsonSerializerOptions(JsonSerializerDefaults.Web)));
    }
    else
    {
        foreach (var (name, value) in fields.Where(f => f.Value is not null))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-16} {value}"));
        }
    }

    return Success;
}

UploadEngine Engine(VodClient vod, HttpClient http, Azure.Storage.Blobs.BlobServiceClient? blobs = null) =>
    new(vod, new OssClient(http, new OssClientOptions { Addressing = OssAddressingStyle.Automatic }), new LocalCheckpointStore(checkpointDir), new UploadSourceResolver(blobs));

VodClient VodApi(HttpClient http, CommandLine command)
{
    var region = command.Get("region") ?? Environment.GetEnvironmentVariable("ALIBABA_CLOUD_REGION") ?? "cn-shanghai";
    var id = Environment.GetEnvironmentVariable("ALIBABA_CLOUD_ACCESS_KEY_ID");
    var secret = Environment.GetEnvironmentVariable("ALIBABA_CLOUD_ACCESS_KEY_SECRET");
    if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(secret))
    {
        throw new UsageException("Set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET (and ALIBABA_CLOUD_SECURITY_TOKEN for STS credentials).");
    }

    var endpointText = command.Get("vod-endpoint") ?? Environment.GetEnvironmentVariable("ALIBABA_CLOUD_VOD_ENDPOINT");
    Uri? endpoint = null;
    if (endpointText is not null && (!Uri.TryCreate(endpointText, UriKind.Absolute, out endpoint) || endpoint.Scheme is not ("http" or "https")))
    {
        throw new UsageException($"--vod-endpoint must be an http(s) URL, not '{endpointText}'.");
    }

    var credential = new AlibabaCredential(id, secret, Environment.GetEnvironmentVariable("ALIBABA_CLOUD_SECURITY_TOKEN"));
    return new VodClient(http, credential, new VodClientOptions { Region = region, Endpoint = endpoint });
}

static string SingleFile(CommandLine command)
{
    if (command.Positionals.Count != 1)
    {
        throw new UsageException($"Usage: vod {command.Command} <file> [options]. Run 'vod {command.Command} --help'.");
    }

    var file = Path.GetFullPath(command.Positionals[0]);
    return File.Exists(file) ? file
        : Directory.Exists(file) ? throw new UsageException($"'{command.Positionals[0]}' is a directory; vod {command.Command} takes one file.")
        : throw new UsageException($"'{command.Positionals[0]}' does not exist.");
}

static MediaKind MediaKindOf(string file)
{
    try
    {
        return MediaKinds.FromFileName(file);
    }
    catch (UploadException ex)
    {
        throw new UsageException(ex.Message);
    }
}

static double Percent(UploadCheckpoint checkpoint) =>
    checkpoint.Identity.Size == 0 ? 0 : 100.0 * checkpoint.BytesDone / checkpoint.Identity.Size;
