using System.CommandLine;
using Azure.Identity;
using Azure.Storage.Blobs;
using Vod.Alibaba.Errors;
using Vod.Alibaba.VodApi;
using Vod.Alibaba.VodApi.Operations;
using Vod.Cli.Output;
using Vod.Upload;
using Vod.Upload.Engine;
using Vod.Upload.Pull;

namespace Vod.Cli.Commands;

/// <summary>
/// <c>vod pull &lt;url&gt;</c>: VOD fetches the file itself (UploadMediaByURL) — no byte passes through this machine — and
/// <c>vod</c> watches the job (GetURLUploadInfos, with back-off) until the file is in VOD. The same engine pieces the
/// Functions app's pull mode runs (<see cref="PullUploader"/>). Submitted once: a rerun after Ctrl+C, a crash or a
/// timeout watches the job the first run submitted (a checkpoint keyed by the URL without its query), so a fresh SAS for
/// the same blob never creates a second video.
/// </summary>
internal static class PullCommand
{
    private static readonly Option<bool> Force = CliOptions.Flag("--force", "pull again even if this URL already reached VOD");

    private static readonly Option<string?> FileExtension = CliOptions.Text("--file-extension", "EXT",
        "the extension VOD should assume when the URL's path has none (mp4, mov, mp3, …)");

    private static readonly Option<TimeSpan?> Timeout = CliOptions.Seconds("--timeout",
        "stop watching after this long (0: wait until VOD is done); the job keeps running, a rerun watches it again", 7 * 24 * 3600, TimeSpan.Zero);

    private static readonly Option<TimeSpan?> PollInterval = CliOptions.Seconds("--poll-interval",
        "first wait between two status questions, doubling up to 5 minutes", 300, TimeSpan.FromSeconds(5));

    private static readonly Option<TimeSpan?> UrlLifetime = CliOptions.Seconds("--url-lifetime",
        "an Azure blob URL without a SAS: how long the read-only user delegation SAS vod signs for VOD stays valid; VOD queues pulls for minutes or more", 7 * 24 * 3600, TimeSpan.FromHours(6), minSeconds: 300);

    // A pull's history entry: VOD tells no version of what it fetched, so the URL itself is the identity.
    private const string PulledVersion = "pulled";

    public static Command Create()
    {
        var media = new UploadCommandOptions();
        var url = new Argument<string>("url")
        {
            Description = "an http(s) URL VOD can read: an Azure blob with a read-only SAS (or without one: vod signs a user delegation SAS with your Entra ID sign-in), or any public URL",
        };
        var command = new Command("pull", "Has VOD fetch a video or audio file from a URL itself (no byte passes through this machine) and prints its VideoId. Run it again after an interruption to keep watching the same job.")
        {
            url, media.Title, media.CateId, media.Tags, media.Description, media.TemplateGroupId, media.WorkflowId, media.StorageLocation, media.UserData, media.AppId,
            Force, FileExtension, Timeout, PollInterval, UrlLifetime, CommonOptions.Region, CommonOptions.VodEndpoint, CommonOptions.CheckpointDir, CommonOptions.LogFile, CommonOptions.Json,
        };
        command.SetAction(async (parse, token) =>
        {
            using var context = new CliContext(parse, token);
            return await RunAsync(context, media, parse.GetRequiredValue(url));
        });
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, UploadCommandOptions media, string argument)
    {
        var parse = context.Parse;
        if (!Uri.TryCreate(argument, UriKind.Absolute, out var source) || source.Scheme is not ("http" or "https"))
        {
            throw new UsageException($"vod pull takes an http or https URL VOD can read, not '{PullUrls.RedactText(argument)}'. A local file: 'vod upload'.");
        }

        var metadata = media.Media(parse, image: false);
        var extension = parse.GetValue(FileExtension)?.TrimStart('.');
        var named = extension ?? VodMediaRules.ExtensionOf(source.AbsolutePath);
        if (!VodMediaRules.IsVideoOrAudio(named))
        {
            throw new UsageException(string.IsNullOrEmpty(named)
                ? "The URL's path has no file extension: name one with --file-extension (mp4, mov, mp3, …)."
                : $"VOD pulls video and audio files only, not '.{named}' (name the real one with --file-extension).");
        }

        var sign = UnsignedAzureBlob(source) is { } blob ? SignerFor(blob, parse.GetValue(UrlLifetime) ?? TimeSpan.FromHours(6)) : null;
        var options = new PullOptions
        {
            FirstPollInterval = parse.GetValue(PollInterval) is { } first && first > TimeSpan.Zero ? first : TimeSpan.FromSeconds(5),
            Timeout = parse.GetValue(Timeout) is { } timeout && timeout > TimeSpan.Zero ? timeout : null,
            FileExtension = extension,
        };

        // VOD's own rules for the fields, before the history or anything recorded: named by their option.
        try
        {
            PullUploader.Validate(source, metadata, options);
        }
        catch (UploadException ex)
        {
            throw new UsageException(UploadCommand.UsageMessage(ex));
        }

        // This URL already reached VOD: say so instead of creating another video (--force pulls it again). The history
        // names the URL without its access parameters, so neither a SAS nor a fresh one for the same blob matters.
        using var http = new HttpClient();
        var vod = context.VodApi(http);
        var history = new UploadHistory(StateDirectory.History, vod);
        var location = PullUrls.Identity(source);
        if (!parse.GetValue(Force) && await history.FindAsync(location, PulledVersion, context.Interrupt) is { } earlier)
        {
            if (context.Json)
            {
                CliContext.WriteJson(new { @event = "skipped", kind = earlier.Kind, mediaId = earlier.MediaId, uploadedAt = earlier.UploadedAt });
            }
            else
            {
                Console.WriteLine($"Already pulled to {vod.Endpoint.Host} on {earlier.UploadedAt:u}: VideoId: {earlier.MediaId}. Use --force to pull it again.");
            }

            return ExitCodes.Success;
        }

        // A URL whose SAS has expired can only be watched (a job an earlier run submitted), never submitted: VOD would queue
        // the job and fail it with PullUrlExpired, leaving a video that never completes.
        var store = PullJobs.Store(context.CheckpointDir);
        if (PullUploader.SasExpiry(source) is { } expiry && expiry <= DateTimeOffset.UtcNow && !await IsWatchedAsync(store, source, context.Interrupt))
        {
            throw new UsageException($"The URL's SAS expired at {expiry:u}: VOD could not read it. Pass a URL with a fresh SAS.");
        }

        var uploader = new PullUploader(vod, store, logger: context.Log<PullUploader>(vod));
        var reporter = new PullReporter(Console.Out, context.Json);

        // One watcher per URL on this machine: a second run would race the first one's submission.
        IAsyncDisposable held;
        try
        {
            held = await context.Checkpoints.LockAsync(PullCheckpoint.KeyForUrl(source), context.Interrupt);
        }
        catch (UploadException ex) when (ex.Code == UploadErrorCodes.UploadInProgress)
        {
            reporter.OnFailed(ex.Code, ex.Message);
            Console.Error.WriteLine($"Pull refused: another 'vod pull' of this URL is running on this machine ({ex.Code}).");
            return ExitCodes.Failed;
        }

        await using var _ = held;
        try
        {
            var result = await uploader.PullAsync(source, metadata, options, reporter, sign, context.Interrupt);
            history.Add(new UploadRecord(location, PulledVersion, result.Size ?? 0, nameof(MediaKind.Video), result.MediaId, ImageUrl: null, FileUrl: null, DateTimeOffset.UtcNow));
            return ExitCodes.Success;
        }
        catch (OperationCanceledException) when (context.Interrupt.IsCancellationRequested)
        {
            if (context.Json)
            {
                CliContext.WriteJson(new { @event = "interrupted", resumable = true });
            }

            Console.Error.WriteLine("Interrupted. VOD keeps the job; run the same command again to keep watching it (nothing is submitted twice).");
            return ExitCodes.Interrupted;
        }
        catch (UploadException ex)
        {
            var next = ex.Code switch
            {
                UploadErrorCodes.PullTimedOut => "Run the same command again to keep watching the job.",
                UploadErrorCodes.PullUrlExpired => "Give VOD a URL that stays valid longer (a SAS with a later expiry, or --url-lifetime) and run it again.",
                UploadErrorCodes.PullAccessDenied => "The URL must let VOD read the file: a SAS with read permission for this blob, or a public URL.",
                _ when ex.Kind == UploadErrorKind.Retryable => "Run the same command again.",
                _ => string.Empty,
            };
            // Stopping the watch is not a failed pull: VOD's job goes on.
            var what = ex.Code == UploadErrorCodes.PullTimedOut ? "Stopped watching" : "Pull failed";
            Console.Error.WriteLine($"{what} ({vod.Endpoint.Host}): {UploadCommand.Describe(ex)} {next}".TrimEnd());
            return ex.Code == UploadErrorCodes.InvalidRequest ? ExitCodes.Usage : ExitCodes.Failed;
        }
        catch (AuthenticationFailedException)
        {
            const string message = "Signing the blob's URL needs an Entra ID sign-in (az login, or a managed identity) with the Storage Blob Delegator and Storage Blob Data Reader roles; or pass a URL with a read SAS.";
            reporter.OnFailed("BlobSignInFailed", message);
            Console.Error.WriteLine(message);
            return ExitCodes.Failed;
        }
        catch (Azure.RequestFailedException ex)
        {
            var message = $"Signing the blob's URL failed: {ex.Status} {ex.ErrorCode}.";
            reporter.OnFailed(ex.ErrorCode ?? "BlobSignFailed", message);
            Console.Error.WriteLine(message);
            return ExitCodes.Failed;
        }
    }

    // Whether an earlier run recorded a pull of this URL (a damaged record counts: the pull goes on to report it).
    private static async Task<bool> IsWatchedAsync(LocalPullCheckpointStore store, Uri source, CancellationToken cancellationToken)
    {
        try
        {
            return await store.LoadAsync(PullCheckpoint.KeyForUrl(source), cancellationToken) is not null;
        }
        catch (UploadException)
        {
            return true;
        }
    }

    // An Azure blob URL that carries no SAS: VOD cannot read it as it is, so vod signs one for it.
    private static BlobUriBuilder? UnsignedAzureBlob(Uri url)
    {
        if (!url.Host.EndsWith(".blob.core.windows.net", StringComparison.OrdinalIgnoreCase) || url.Query.Contains("sig=", StringComparison.Ordinal))
        {
            return null;
        }

        var parts = new BlobUriBuilder(url);
        return string.IsNullOrEmpty(parts.BlobContainerName) || string.IsNullOrEmpty(parts.BlobName) ? null : parts;
    }

    private static Func<CancellationToken, Task<PullUrl>> SignerFor(BlobUriBuilder blob, TimeSpan lifetime)
    {
        var (container, name) = (blob.BlobContainerName, blob.BlobName);
        blob.BlobContainerName = string.Empty;
        blob.BlobName = string.Empty;
        var signer = new UserDelegationUrlSigner(new BlobServiceClient(blob.ToUri(), new DefaultAzureCredential()));
        return token => signer.SignAsync(container, name, lifetime, token);
    }
}
