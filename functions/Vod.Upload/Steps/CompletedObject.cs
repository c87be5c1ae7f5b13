using Vod.Alibaba.Hashing;
using Vod.Upload.Checkpoints;
using Vod.Upload.Credentials;

namespace Vod.Upload.Steps;

/// <summary>
/// Recognises an object an earlier run completed but died before recording (a crash inside Complete): OSS no longer
/// knows the multipart upload, but the object is there with the source's size and the CRC-64 of the recorded parts.
/// It is then recorded complete, and nothing is sent again.
/// </summary>
internal static class CompletedObject
{
    /// <summary>The CRC-64 of the whole source, combined from the recorded parts in order.</summary>
    public static ulong ExpectedCrc(UploadCheckpoint checkpoint) =>
        checkpoint.Parts.OrderBy(p => p.Number).Aggregate(0UL, (acc, p) => Crc64Ecma.Combine(acc, p.Crc64, p.Size));

    /// <summary>Whether the recorded parts tile the plan exactly: every number once, each the planned size.</summary>
    public static bool PartsTile(UploadCheckpoint checkpoint, PartPlan plan)
    {
        if (checkpoint.Parts.Count != plan.PartCount)
        {
            return false;
        }

        var ordered = checkpoint.Parts.OrderBy(p => p.Number).ToList();
        for (var i = 0; i < ordered.Count; i++)
        {
            if (ordered[i].Number != i + 1 || ordered[i].Size != plan.Range(i + 1).Length)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// When every part is recorded and OSS holds an object of the source's size whose CRC-64 is the parts', records the
    /// checkpoint complete and returns true.
    /// </summary>
    public static async Task<bool> TryAdoptAsync(StepServices services, CheckpointSession checkpoint, PartPlan plan, UploadCredentialProvider credentials, CancellationToken cancellationToken)
    {
        var current = checkpoint.Current;
        if (!PartsTile(current, plan))
        {
            return false;
        }

        var head = await CredentialedCall.RunAsync(credentials, c => services.Oss.HeadAsync(StepCheckpoints.Target(current), c, cancellationToken), cancellationToken).ConfigureAwait(false);
        var expected = ExpectedCrc(current);
        if (head is null || head.ContentLength != plan.TotalSize || head.Crc64 != expected)
        {
            return false;
        }

        await checkpoint.UpdateAsync(c =>
        {
            c.Completed = true;
            c.Crc64 = expected;
            c.ObjectETag = head.ETag ?? string.Empty;
        }, cancellationToken).ConfigureAwait(false);
        Log.FoundComplete(services.Logger, current.MediaId!, plan.TotalSize, expected);
        return true;
    }
}
