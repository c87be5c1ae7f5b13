using System.CommandLine;
using Vod.Cli.Output;
using Vod.Upload;
using Vod.Upload.Engine;
using Vod.Upload.Sources;

namespace Vod.Cli.Commands;

/// <summary>
/// <c>vod upload</c> and <c>vod image</c>: a local file, a folder of them, or an Azure blob by URL, resumably. A run
/// after an interruption resumes from the checkpoint in the state folder, whatever the working directory.
/// </summary>
internal static class UploadCommand
{
    /// <summary>Builds <c>vod upload</c> (<paramref name="image"/> false) or <c>vod image</c>.</summary>
    public static Command Create(bool image)
    {
        var options = new UploadCommandOptions();
        var source = new Argument<string>("source")
        {
            Description = image ? "an image file (png, jpg, jpeg, gif), or a folder of them" : "a video or audio file, a folder of them, or a blob URL (with a SAS, or signed in with Entra ID)",
        };
        var command = new Command(image ? "image" : "upload", image
            ? "Uploads an image and prints ImageId, ImageURL and FileURL."
            : "Uploads a video or audio file, a folder of them, or an Azure blob to VOD and prints its VideoId. Run it again after an interruption to resume.")
        {
            source,
        };
        options.AddTo(command, image);
        command.SetAction(async (parse, token) =>
        {
            using var context = new CliContext(parse, token);
            return await RunAsync(context, options, parse.GetRequiredValue(source), image);
        });
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, UploadCommandOptions options, string argument, bool image)
    {
        var parse = context.Parse;
        var engineOptions = options.Engine(parse);
        var metadata = options.Media(parse, image);

        if (parse.GetResult(options.WaitTimeout) is { Implicit: false } && !parse.GetValue(options.Wait))
        {
            throw new UsageException("--wait-timeout is the limit of --wait: add --wait, or leave it out.");
        }

        // Fields VOD would refuse are the caller's mistake whatever happens next (a skip, a resume, a folder).
        CheckFields(metadata, image ? MediaKind.Image : MediaKind.Video, image ? "check.png" : "check.mp4");
        if (Directory.Exists(argument))
        {
            return await FolderUpload.RunAsync(context, options, Path.GetFullPath(argument), engineOptions, metadata, image);
        }

        if (parse.GetValue(options.Include) is not null || parse.GetValue(options.Exclude) is not null)
        {
            throw new UsageException("--include and --exclude choose files in a folder; the source is a single file or blob.");
        }

        // A file path, or a blob's URL: the same upload either way, the blob read by ranges.
        var blobUrl = BlobUrlSource.IsUrl(argument) ? BlobUrlSource.Parse(argument) : null;
        var file = blobUrl?.Location ?? ExistingFile(argument);
        var reference = blobUrl?.Reference ?? SourceReference.FromFile(file);
        var kind = MediaKindOf(reference.FileName);
        if (!image && kind == MediaKind.Image)
        {
            throw new UsageException($"'{argument}' is an image: use 'vod image {argument}'.");
        }

        if (image && kind != MediaKind.Image)
        {
            throw new UsageException($"'{argument}' is not an image (png, jpg, jpeg, gif): use 'vod upload {argument}'.");
        }

        CheckFields(metadata, kind, reference.FileName);
        using var http = new HttpClient(Vod.Alibaba.Oss.OssClient.CreateHandler()) { Timeout = Timeout.InfiniteTimeSpan };
        var vod = context.VodApi(http);
        var engine = context.Engine(vod, http, blobUrl?.Service);
        var history = new UploadHistory(StateDirectory.History, vod);
        string version;
        try
        {
            await using var opened = await new UploadSourceResolver(blobUrl?.Service).OpenAsync(reference, context.Interrupt);
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
            return ExitCodes.Failed;
        }

        // This very version already reached VOD: say so instead of creating another media (--force uploads it again).
        if (!parse.GetValue(options.Force) && await history.FindAsync(file, version, context.Interrupt) is { } earlier)
        {
            if (context.Json)
            {
                CliContext.WriteJson(new { @event = "skipped", kind = earlier.Kind, mediaId = earlier.MediaId, uploadedAt = earlier.UploadedAt });
            }
            else
            {
                Console.WriteLine($"Already uploaded to {vod.Endpoint.Host} on {earlier.UploadedAt:u}: {(earlier.Kind == nameof(MediaKind.Image) ? "ImageId" : "VideoId")}: {earlier.MediaId}. Use --force to upload it again.");
            }

            return parse.GetValue(options.Wait)
                ? await WaitForVodAsync(context, vod, Enum.Parse<MediaKind>(earlier.Kind), earlier.MediaId, options.WaitTimeoutOf(parse))
                : ExitCodes.Success;
        }

        await WarnAboutEarlierVersionsAsync(context, file, version);
        try
        {
            var result = await ProgressDisplay.RunAsync(context.Mode, observer =>
                engine.UploadAsync(new UploadRequest(reference, metadata, engineOptions), observer, context.Interrupt));
            history.Add(new UploadRecord(file, version, result.Size, result.Kind.ToString(), result.MediaId, result.ImageUrl, result.FileUrl, DateTimeOffset.UtcNow));
            return parse.GetValue(options.Wait)
                ? await WaitForVodAsync(context, vod, result.Kind, result.MediaId, options.WaitTimeoutOf(parse))
                : ExitCodes.Success;
        }
        catch (OperationCanceledException) when (context.Interrupt.IsCancellationRequested)
        {
            // A live display's line is ended; JSON gets its event; redirected lines need nothing.
            if (context.Mode == OutputMode.Terminal)
            {
                Console.Out.WriteLine();
            }
            else if (context.Json)
            {
                CliContext.WriteJson(new { @event = "interrupted", resumable = true });
            }

            Console.Error.WriteLine($"Interrupted. The upload can resume: run the same command again (checkpoint in {context.CheckpointDir}).");
            return ExitCodes.Interrupted;
        }
        catch (UploadException ex)
        {
            Console.Out.Flush();

            if (ex.Code == UploadErrorCodes.InvalidRequest)
            {
                // Refused before anything was sent: the caller's input, named by its option.
                Console.Error.WriteLine($"{UsageMessage(ex)} Fix the option and run it again.");
                return ExitCodes.Usage;
            }

            // The error, the VOD endpoint it came from, and what to do next; the code once. Without a checkpoint nothing
            // was started (no media, no multipart upload), so there is nothing to cancel.
            var started = await HasCheckpointAsync(context, file, version);
            var next = !started ? "Nothing was created in VOD; run the same command again."
                : ex.Kind == UploadErrorKind.Retryable ? $"Run the same command again to resume, or 'vod cancel {argument}' to abandon it."
                : $"'vod cancel {argument}' removes what it started.";
            Console.Error.WriteLine($"Upload failed ({vod.Endpoint.Host}): {Describe(ex)} {next}");
            return ExitCodes.Failed;
        }
    }

    /// <summary>
    /// <c>--wait</c>: the phase after the object is stored, until VOD publishes the media (Normal) or gives up on it. Each
    /// status VOD reports is shown once; a media VOD will not publish, or a wait that runs out, exits <see cref="ExitCodes.Failed"/>
    /// (the object stays stored and recorded: a rerun skips the upload and waits again).
    /// </summary>
    public static async Task<int> WaitForVodAsync(CliContext context, Vod.Alibaba.VodApi.VodClient vod, MediaKind kind, string mediaId, TimeSpan timeout)
    {
        if (!context.Json)
        {
            Console.WriteLine($"Waiting for VOD to publish {mediaId} …");
        }

        ReadinessOutcome outcome;
        try
        {
            outcome = await MediaReadiness.WaitAsync(vod, kind, mediaId, timeout, status =>
            {
                if (context.Json)
                {
                    CliContext.WriteJson(new { @event = "vodStatus", mediaId, status });
                }
                else
                {
                    Console.WriteLine($"VOD reports {status}");
                }
            }, code =>
            {
                if (context.Json)
                {
                    CliContext.WriteJson(new { @event = "vodUnanswered", mediaId, code });
                }
                else
                {
                    Console.WriteLine($"VOD at {vod.Endpoint.Host} did not answer ({code}); asking again until the wait ends");
                }
            }, context.Interrupt);
        }
        catch (OperationCanceledException) when (context.Interrupt.IsCancellationRequested)
        {
            // The upload is done and recorded; only the wait stopped.
            if (context.Json)
            {
                CliContext.WriteJson(new { @event = "interrupted", resumable = true });
            }

            Console.Error.WriteLine($"Interrupted while waiting for VOD; {mediaId} is uploaded. Run the same command again to wait again (the upload is skipped).");
            return ExitCodes.Interrupted;
        }

        if (outcome.Ready)
        {
            if (context.Json)
            {
                CliContext.WriteJson(new { @event = "ready", mediaId, status = outcome.Status });
            }
            else
            {
                Console.WriteLine($"{mediaId} is published (Normal).");
            }

            return ExitCodes.Success;
        }

        if (context.Json)
        {
            CliContext.WriteJson(new { @event = "failed", code = outcome.ErrorCode, message = outcome.Message, status = outcome.Status });
        }

        Console.Error.WriteLine($"{outcome.ErrorCode}: {outcome.Message}");
        return ExitCodes.Failed;
    }

    /// <summary>Refuses, as a usage error naming the option, media fields VOD would refuse.</summary>
    public static void CheckFields(MediaMetadata metadata, MediaKind kind, string fileName)
    {
        try
        {
            metadata.Validate(kind, fileName);
        }
        catch (UploadException ex)
        {
            throw new UsageException(UsageMessage(ex));
        }
    }

    /// <summary>A refused field in the user's words: the option that set it and the rule it breaks.</summary>
    public static string UsageMessage(UploadException ex)
    {
        if (ex.InnerException is not Vod.Alibaba.Errors.AlibabaRequestValidationException invalid)
        {
            return ex.Message;
        }

        var option = invalid.Field switch
        {
            "Title" => "--title", "Tags" => "--tags", "Description" => "--description", "UserData" => "--user-data", "CateId" => "--cate-id",
            "ImageType" => "--image-type", "ImageExt" => "--image-ext", "StorageLocation" => "--storage-location", "AppId" => "--app-id",
            "TemplateGroupId" => "--template-group-id", "WorkflowId" => "--workflow-id", "FileName" => "The file name",
            var other => other,
        };
        return $"{option} {invalid.Problem}";
    }

    /// <summary>The code and the message, the code once (a service's message may already name it).</summary>
    public static string Describe(UploadException ex)
    {
        var text = ex.Message.Contains(ex.Code + ":", StringComparison.Ordinal) ? ex.Message : $"{ex.Code}: {ex.Message}";
        return text.EndsWith('.') ? text : text + ".";
    }

    /// <summary>The media kind a file name says; a name VOD takes under no kind is a usage error.</summary>
    public static MediaKind MediaKindOf(string file)
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

    private static string ExistingFile(string argument)
    {
        var file = Path.GetFullPath(argument);
        return File.Exists(file) ? file : throw new UsageException($"'{argument}' does not exist.");
    }

    // This version's checkpoint only: an earlier version's unfinished upload is another matter (see the note above).
    private static async Task<bool> HasCheckpointAsync(CliContext context, string file, string version)
    {
        await foreach (var stored in context.Checkpoints.ListAsync(CancellationToken.None))
        {
            if (stored.Checkpoint.Identity.Location == file && stored.Checkpoint.Identity.Version == version)
            {
                return true;
            }
        }

        return false;
    }

    // An unfinished upload of another version of the same file (touched, or rewritten) would otherwise stay forever with
    // its parts on OSS: say where it is and how to remove it.
    private static async Task WarnAboutEarlierVersionsAsync(CliContext context, string file, string version)
    {
        await foreach (var stored in context.Checkpoints.ListAsync(context.Interrupt))
        {
            if (stored.Checkpoint.Identity.Location == file && stored.Checkpoint.Identity.Version != version)
            {
                Console.Error.WriteLine($"Note: an unfinished upload of an earlier version of this file ({stored.Checkpoint.MediaId ?? "no media yet"}) remains; 'vod cancel --key {stored.Key}' removes it and its parts.");
            }
        }
    }
}
