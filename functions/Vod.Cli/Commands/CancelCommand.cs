using System.CommandLine;
using Vod.Upload;
using Vod.Upload.Pull;

namespace Vod.Cli.Commands;

/// <summary>
/// <c>vod cancel</c>: aborts an unfinished upload (no parts are left to cost money), deletes the VOD media it created
/// unless <c>--keep-media</c>, and removes its checkpoint.
/// </summary>
internal static class CancelCommand
{
    public static Command Create()
    {
        var file = new Argument<string?>("file") { Description = "the file, blob URL or pulled URL whose unfinished upload to cancel", Arity = ArgumentArity.ZeroOrOne };
        var key = CliOptions.Text("--key", "KEY", "a checkpoint key, as 'vod checkpoints' lists it (instead of a file)");
        var command = new Command("cancel", "Aborts the unfinished upload of a file, deletes the VOD media it created (--keep-media keeps it) and removes its checkpoint.")
        {
            file, key, CommonOptions.KeepMedia, CommonOptions.CheckpointDir, CommonOptions.LogFile, CommonOptions.Region, CommonOptions.VodEndpoint, CommonOptions.Json,
        };
        command.Validators.Add(result =>
        {
            if ((result.GetValue(file) is null) == (result.GetValue(key) is null))
            {
                result.AddError("vod cancel takes a file or --key KEY (one of them).");
            }
        });
        command.SetAction(async (parse, token) =>
        {
            using var context = new CliContext(parse, token);
            return await RunAsync(context, parse.GetValue(file), parse.GetValue(key));
        });
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, string? file, string? key)
    {
        // A pull job this machine submitted (vod pull): named by its URL or its key.
        var pullKey = key is not null && key.StartsWith("pull-", StringComparison.Ordinal) ? key
            : file is not null && BlobUrlSource.IsUrl(file) && Uri.TryCreate(file, UriKind.Absolute, out var url) ? PullCheckpoint.KeyForUrl(url) : null;
        if (pullKey is not null && PullJobs.Store(context.CheckpointDir).Keys().Contains(pullKey, StringComparer.Ordinal))
        {
            return await CancelPullAsync(context, pullKey);
        }

        var store = context.Checkpoints;
        var keys = new List<string>();
        string what;
        if (key is not null)
        {
            keys.Add(key);
            what = $"key '{key}'";
        }
        else
        {
            var location = BlobUrlSource.IsUrl(file!) ? BlobUrlSource.Parse(file!).Location : Path.GetFullPath(file!);
            what = $"'{location}'";
            await foreach (var stored in store.ListAsync(context.Interrupt))
            {
                if (stored.Checkpoint.Identity.Location == location)
                {
                    keys.Add(stored.Key);
                }
            }

            await foreach (var damaged in store.ListDamagedAsync(context.Interrupt))
            {
                if (damaged.Location == location)
                {
                    keys.Add(damaged.Key);
                }
            }
        }

        if (keys.Count == 0)
        {
            return NothingToCancel(context, what);
        }

        using var http = new HttpClient();
        var engine = context.Engine(context.VodApi(http), http);
        var keepMedia = context.Parse.GetValue(CommonOptions.KeepMedia);
        var mediaIds = new List<string>();
        var found = 0;
        try
        {
            foreach (var k in keys)
            {
                await using var held = await store.LockAsync(k, context.Interrupt);
                var cancelled = await engine.CancelAsync(k, keepMedia, context.Interrupt);
                found += cancelled.Found ? 1 : 0;
                if (cancelled.MediaId is { } mediaId)
                {
                    mediaIds.Add(mediaId);
                }
            }
        }
        catch (ArgumentException)
        {
            throw new UsageException($"'{key}' is not a checkpoint key (see 'vod checkpoints').");
        }
        catch (OperationCanceledException) when (context.Interrupt.IsCancellationRequested)
        {
            Console.Error.WriteLine("Interrupted; run the same command again to finish the cancel.");
            return ExitCodes.Interrupted;
        }
        catch (Exception ex) when (ex is UploadException or IOException)
        {
            var code = ex is UploadException u ? u.Code : "IOError";
            if (context.Json)
            {
                CliContext.WriteJson(new { @event = "failed", code, message = ex.Message });
            }

            Console.Error.WriteLine($"Cancel failed: {code}: {ex.Message}");
            return ExitCodes.Failed;
        }

        if (found == 0)
        {
            return NothingToCancel(context, what);
        }

        if (context.Json)
        {
            CliContext.WriteJson(new { @event = "cancelled", keys, mediaIds, mediaDeleted = !keepMedia && mediaIds.Count > 0 });
            return ExitCodes.Success;
        }

        var media = mediaIds.Count == 0 ? string.Empty : keepMedia ? $"; its media {string.Join(", ", mediaIds)} is kept" : $"; its media {string.Join(", ", mediaIds)} is deleted";
        Console.WriteLine($"Cancelled {what}: its multipart upload is aborted and its checkpoint removed{media}.");
        return ExitCodes.Success;
    }

    // Deletes the media VOD created for the job (unless --keep-media) and the record. VOD cannot cancel a job still in
    // its queue: that is said, with the job id, since such a job may still create a video later.
    private static async Task<int> CancelPullAsync(CliContext context, string key)
    {
        using var http = new HttpClient();
        var vod = context.VodApi(http);
        var store = PullJobs.Store(context.CheckpointDir);
        var keepMedia = context.Parse.GetValue(CommonOptions.KeepMedia);
        PullCancelResult result;
        try
        {
            result = await new PullUploader(vod, store, logger: context.Log<PullUploader>(vod)).CancelAsync(key, keepMedia, traceParent: null, context.Interrupt);
        }
        catch (UploadException ex) when (ex.Code == UploadErrorCodes.CheckpointCorrupt)
        {
            // A record that cannot be read names no job: it can only be removed.
            await store.DeleteAsync(key, context.Interrupt);
            result = new PullCancelResult(Found: true, JobId: null, MediaDeleted: false, MediaId: null, JobMayStillRun: false);
        }
        catch (UploadException ex)
        {
            // VOD did not answer or refused: the record stays, so the same command can finish the cancel later.
            if (context.Json)
            {
                CliContext.WriteJson(new { @event = "failed", code = ex.Code, message = ex.Message });
            }

            Console.Error.WriteLine($"Cancel failed ({vod.Endpoint.Host}): {UploadCommand.Describe(ex)} Run the same command again to finish it.");
            return ExitCodes.Failed;
        }

        string[] mediaIds = result.MediaId is { } id ? [id] : [];
        if (context.Json)
        {
            CliContext.WriteJson(new { @event = "cancelled", keys = new[] { key }, mediaIds, mediaDeleted = result.MediaDeleted, jobMayStillRun = result.JobMayStillRun });
            return ExitCodes.Success;
        }

        var media = result.MediaId is null ? string.Empty : result.MediaDeleted ? $"; its video {result.MediaId} is deleted" : $"; its video {result.MediaId} is kept";
        // VOD cannot stop a queued job: then only the watching ends, and the line says so rather than "cancelled".
        var job = result.JobId is { } jobId ? $"the pull job {jobId}" : "the pull";
        Console.WriteLine(result.JobMayStillRun
            ? $"Stopped watching {job}: its record is removed{media}."
            : $"Cancelled {job}: its record is removed{media}.");
        if (result.JobMayStillRun)
        {
            Console.WriteLine(result.JobId is null
                ? "Another run was submitting it: VOD may create a video for it later; delete it in the VOD console if it does."
                : $"VOD cannot cancel a job still in its queue: {job} may create a video later; delete it in the VOD console if it does.");
        }

        return ExitCodes.Success;
    }

    private static int NothingToCancel(CliContext context, string what)
    {
        if (context.Json)
        {
            CliContext.WriteJson(new { @event = "notFound", what });
        }

        Console.Error.WriteLine($"Nothing to cancel: no unfinished upload of {what} in {context.CheckpointDir}.");
        return ExitCodes.Failed;
    }
}
