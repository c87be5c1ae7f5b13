using System.Security.Cryptography;
using System.Text;

namespace Vod.Upload.Pull;

/// <summary>Where a pull job stands in its checkpoint.</summary>
public enum PullCheckpointState
{
    /// <summary>
    /// Written before UploadMediaByURL is called, with the URL to be submitted: a run that finds it cannot know whether
    /// the call reached VOD, so it asks VOD for a job of that URL before it submits anything.
    /// </summary>
    Submitting,

    /// <summary>VOD queued the job; <see cref="PullCheckpoint.JobId"/> is set.</summary>
    Submitted,
}

/// <summary>
/// The create-once record of a pull upload: the URL about to be submitted, then VOD's job id and media id. It holds
/// the submitted URL (a read-only SAS for one blob, for the URL lookup above): it lives in the app's own storage, next
/// to the source, and is never logged or shown; the API and the logs show <see cref="PullUrls.Redact"/> of it.
/// </summary>
public sealed class PullCheckpoint
{
    /// <summary>Where the record stands.</summary>
    public PullCheckpointState State { get; set; }

    /// <summary>The URL submitted (or about to be).</summary>
    public required string SourceUrl { get; set; }

    /// <summary>When <see cref="SourceUrl"/> stops working; null when it does not expire.</summary>
    public DateTimeOffset? UrlExpiresOn { get; set; }

    /// <summary>VOD's job id, once submitted.</summary>
    public string? JobId { get; set; }

    /// <summary>The media VOD created for the job, once a poll or the callback named it.</summary>
    public string? MediaId { get; set; }

    /// <summary>The title submitted.</summary>
    public string? Title { get; set; }

    /// <summary>When the record was first written, before anything was submitted: a job VOD lists for the URL from before
    /// then belongs to an earlier pull and is never adopted.</summary>
    public DateTimeOffset? RecordedAt { get; set; }

    /// <summary>
    /// When a run last took the right to call UploadMediaByURL for this record (written, on the record's tag, just before
    /// the call). Until <see cref="PullSubmitStep.ClaimLifetime"/> has passed, another run that finds no job for the URL
    /// waits instead of submitting: the claimant may still be inside its call. Null in records written before claims.
    /// </summary>
    public DateTimeOffset? SubmitClaimedAt { get; set; }

    /// <summary>When the job was submitted.</summary>
    public DateTimeOffset? SubmittedAt { get; set; }

    /// <summary>The last status VOD reported.</summary>
    public string? VodStatus { get; set; }

    /// <summary>
    /// The checkpoint key of a pull of <paramref name="url"/> run in this process (the CLI): a hash of the URL without the
    /// parameters that only grant access (<see cref="PullUrls.Identity"/>), so a rerun with a fresh SAS for the same blob
    /// watches the job the first run submitted instead of creating a second media.
    /// </summary>
    public static string KeyForUrl(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return "pull-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(PullUrls.Identity(url))))[..32];
    }
}

/// <summary>A stored pull checkpoint with the version tag its next write must match.</summary>
public sealed record StoredPullCheckpoint(string Key, PullCheckpoint Checkpoint, string ETag);
