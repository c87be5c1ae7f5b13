using Vod.Alibaba.Oss;
using Vod.Upload.Checkpoints;

namespace Vod.Upload.Steps;

/// <summary>How steps read the checkpoint they resume from.</summary>
internal static class StepCheckpoints
{
    /// <summary>The checkpoint of <paramref name="key"/> with a media id, or CheckpointMissing (the workflow creates the media first).</summary>
    public static async Task<CheckpointSession> RequireAsync(StepServices services, string key, CancellationToken cancellationToken)
    {
        var checkpoint = await CheckpointSession.LoadAsync(services.Checkpoints, key, services.Time, cancellationToken).ConfigureAwait(false);
        if (checkpoint?.Current.MediaId is null)
        {
            // The media is unknown here (the checkpoint was removed, or never written): only CreateOrRefresh can help.
            throw new UploadException(UploadErrorCodes.CheckpointMissing, $"No checkpoint '{key}' with a media id.", UploadErrorKind.MediaGone);
        }

        return checkpoint;
    }

    /// <summary>Where the checkpoint's object goes.</summary>
    public static OssObjectLocation Target(UploadCheckpoint checkpoint) =>
        new(new Uri(checkpoint.Endpoint!), checkpoint.Bucket!, checkpoint.ObjectKey!);

    /// <summary>Whether two ETags name the same content (quotes and case aside).</summary>
    public static bool SameETag(string a, string b) => string.Equals(a.Trim('"'), b.Trim('"'), StringComparison.OrdinalIgnoreCase);
}
