using System.CommandLine;
using Vod.Upload;

namespace Vod.Cli.Commands;

/// <summary>
/// <c>vod cancel</c>: aborts an unfinished upload (no parts are left to cost money), deletes the VOD media it created
/// unless <c>--keep-media</c>, and removes its checkpoint.
/// </summary>
internal static class CancelCommand
{
    public static Command Create()
    {
        var file = new Argument<string?>("file") { Description = "the file (or blob URL) whose unfinished upload to cancel", Arity = ArgumentArity.ZeroOrOne };
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
        var store = context.Checkpoints;
        var keys = new List<string>();
        string what;
        if (key is not null)
        {
            keys.Add(key);
            what = $"checkpoint '{key}'";
        }
        else
        {
            var location = BlobUrlSource.IsUrl(file!) ? BlobUrlSource.Parse(file!).Location : Path.GetFullPath(file!);
            what = $"the upload of '{location}'";
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

    private static int NothingToCancel(CliContext context, string what)
    {
        if (context.Json)
        {
            CliContext.WriteJson(new { @event = "notFound", what });
        }

        Console.Error.WriteLine($"No unfinished upload of {what} in {context.CheckpointDir}.");
        return ExitCodes.Failed;
    }
}
