using System.CommandLine;
using System.Globalization;
using Vod.Upload.Checkpoints;
using Vod.Upload.Pull;

namespace Vod.Cli.Commands;

/// <summary><c>vod checkpoints</c>: unfinished uploads with their progress, and damaged checkpoints with how to clean them up.</summary>
internal static class CheckpointsCommand
{
    public static Command Create()
    {
        var command = new Command("checkpoints", "Lists unfinished uploads and their progress, and damaged checkpoints with how to clean them up.")
        {
            CommonOptions.CheckpointDir,
            CommonOptions.Json,
        };
        command.SetAction((parse, token) => RunAsync(new CliContext(parse, token)));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context)
    {
        var store = context.Checkpoints;
        var rows = new List<StoredCheckpoint>();
        await foreach (var stored in store.ListAsync(context.Interrupt))
        {
            rows.Add(stored);
        }

        var damaged = new List<DamagedCheckpoint>();
        await foreach (var entry in store.ListDamagedAsync(context.Interrupt))
        {
            damaged.Add(entry);
        }

        var pulls = await PullJobs.ListAsync(context.CheckpointDir, context.Interrupt);
        if (context.Json)
        {
            foreach (var p in pulls)
            {
                var c = p.Checkpoint;
                CliContext.WriteJson(new
                {
                    @event = "pullJob", key = p.Key, url = c is null ? null : PullUrls.Redact(new Uri(c.SourceUrl)), jobId = c?.JobId, mediaId = c?.MediaId,
                    vodStatus = c?.VodStatus, submittedAt = c?.SubmittedAt, damaged = p.Damaged,
                });
            }

            foreach (var r in rows)
            {
                var c = r.Checkpoint;
                CliContext.WriteJson(new
                {
                    @event = "checkpoint", key = r.Key, file = c.Identity.Location, kind = c.Kind.ToString(), mediaId = c.MediaId,
                    partsDone = c.Parts.Count, parts = c.PartCount, bytesDone = c.BytesDone, totalBytes = c.Identity.Size, percent = Percent(c),
                    updatedAt = c.UpdatedAt, damaged = (string?)null,
                });
            }

            foreach (var d in damaged)
            {
                CliContext.WriteJson(new { @event = "checkpoint", key = d.Key, file = d.Location, kind = d.Kind?.ToString(), mediaId = d.MediaId, updatedAt = d.UpdatedAt, damaged = d.Reason });
            }

            return ExitCodes.Success;
        }

        foreach (var p in pulls)
        {
            if (p.Checkpoint is { } c)
            {
                var url = PullUrls.Redact(new Uri(c.SourceUrl));
                Console.WriteLine($"{url}\n  pull job {c.JobId ?? "(submitting)"}  {c.VodStatus ?? "?"}{(c.MediaId is null ? string.Empty : "  VideoId " + c.MediaId)}  submitted {c.SubmittedAt:u}  'vod pull <url>' keeps watching it, 'vod cancel <url>' ends it");
            }
            else
            {
                Console.WriteLine($"{p.Key}\n  DAMAGED pull record  {p.Damaged} Run 'vod cancel --key {p.Key}' to remove it.");
            }
        }

        if (rows.Count == 0 && damaged.Count == 0 && pulls.Count == 0)
        {
            Console.WriteLine($"No unfinished uploads in {context.CheckpointDir}.");
            return ExitCodes.Success;
        }

        foreach (var row in rows)
        {
            var c = row.Checkpoint;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{c.Identity.Location}\n  {c.Kind.ToString().ToLowerInvariant()} {c.MediaId ?? "(not created)"}  {Percent(c):0.0}%  {c.Parts.Count}/{c.PartCount} parts  {Output.Units.Bytes(c.BytesDone)} of {Output.Units.Bytes(c.Identity.Size)}  updated {c.UpdatedAt:u}"));
        }

        foreach (var d in damaged)
        {
            Console.WriteLine($"{d.Location ?? d.Key}\n  DAMAGED {d.MediaId ?? string.Empty}  {d.Reason} Run 'vod cancel {(d.Location is null ? "--key " + d.Key : d.Location)}' to clean it up.");
        }

        return ExitCodes.Success;
    }

    private static double Percent(UploadCheckpoint checkpoint) =>
        checkpoint.Identity.Size == 0 ? 0 : Math.Round(100.0 * checkpoint.BytesDone / checkpoint.Identity.Size, 1);
}
