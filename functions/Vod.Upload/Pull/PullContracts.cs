using Vod.Upload.Engine;

namespace Vod.Upload.Pull;

/// <summary>How a pull upload is submitted and watched. Every value has a default; null means "no limit".</summary>
public sealed record PullOptions
{
    /// <summary>First wait between two GetURLUploadInfos polls. Defaults to 5 seconds.</summary>
    public TimeSpan FirstPollInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest wait between two polls (the back-off doubles up to it). Defaults to 5 minutes.</summary>
    public TimeSpan MaxPollInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long the in-process <see cref="PullUploader.PullAsync"/> waits for VOD before it gives up with
    /// <see cref="UploadErrorCodes.PullTimedOut"/> (the job stays recorded: a later run polls it again). Null: no limit.
    /// </summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Largest source VOD is asked to pull, in bytes, when the size is known. Null: no limit.</summary>
    public long? MaxBytes { get; init; }

    /// <summary>The source's size when known (checked against <see cref="MaxBytes"/> and against what VOD reports).</summary>
    public long? ExpectedBytes { get; init; }

    /// <summary>The file extension VOD should assume when the URL has none (<c>mp4</c>).</summary>
    public string? FileExtension { get; init; }

    /// <summary>The poll wait after <paramref name="polls"/> polls: doubling from the first interval up to the maximum.</summary>
    public TimeSpan PollDelay(int polls)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(polls);
        var delay = FirstPollInterval.TotalSeconds * Math.Pow(2, Math.Min(polls, 30));
        return TimeSpan.FromSeconds(Math.Min(delay, MaxPollInterval.TotalSeconds));
    }
}

/// <summary>A URL VOD may read the source from, and until when.</summary>
/// <param name="Url">The URL; a SAS URL carries a signature: never log it, never show it.</param>
/// <param name="ExpiresOn">When the URL stops working; null when it does not expire (a public URL).</param>
public sealed record PullUrl(Uri Url, DateTimeOffset? ExpiresOn);

/// <summary>What a submission recorded: the job VOD queued.</summary>
/// <param name="CheckpointKey">Where the job is recorded.</param>
/// <param name="JobId">VOD's job id.</param>
/// <param name="MediaId">The media, once VOD created it (it does when the job starts).</param>
/// <param name="Resumed">Whether the job had been submitted by an earlier run (nothing was submitted now).</param>
public sealed record PullSubmission(string CheckpointKey, string JobId, string? MediaId, bool Resumed);

/// <summary>Where a pull job stands after one poll.</summary>
/// <param name="JobId">VOD's job id.</param>
/// <param name="MediaId">The media, once created.</param>
/// <param name="VodStatus">VOD's status: PENDING, PROCESSING, DOWNLOADING, DOWNLOAD_SUCCESS, UPLOADING, UPLOAD_SUCCESS, SUCCESS, DOWNLOAD_FAIL or UPLOAD_FAIL.</param>
/// <param name="Bytes">The size VOD reports, once it knows it.</param>
/// <param name="Completed">The file is in VOD.</param>
/// <param name="Failure">Why the job failed, as data; null while it runs or when it succeeded.</param>
public sealed record PullState(string JobId, string? MediaId, string VodStatus, long? Bytes, bool Completed, UploadFailure? Failure)
{
    /// <summary>Whether nothing more will change.</summary>
    public bool Finished => Completed || Failure is not null;
}

/// <summary>A finished pull upload.</summary>
/// <param name="MediaId">The VideoId VOD created.</param>
/// <param name="Size">The size VOD reports (null when it reports none).</param>
/// <param name="JobId">VOD's job id.</param>
public sealed record PullResult(string MediaId, long? Size, string JobId);

/// <summary>What a pull cancel did.</summary>
/// <param name="Found">Whether a pull job was recorded under the key.</param>
/// <param name="JobId">VOD's job, when one was recorded or VOD listed one for the URL; null when none was submitted.</param>
/// <param name="MediaDeleted">Whether the media VOD had created was deleted.</param>
/// <param name="MediaId">The media, when VOD had created one.</param>
/// <param name="JobMayStillRun">
/// The job was still queued with no media: VOD cannot cancel a queued job, so it may still create a media later
/// (see the README, Pull mode).
/// </param>
public sealed record PullCancelResult(bool Found, string? JobId, bool MediaDeleted, string? MediaId, bool JobMayStillRun);

/// <summary>The pull job's progress, as the observer hears it.</summary>
/// <param name="JobId">VOD's job id.</param>
/// <param name="MediaId">The media, once created.</param>
/// <param name="VodStatus">VOD's status.</param>
/// <param name="Bytes">The size VOD reports, once known (VOD reports no bytes while it downloads).</param>
public sealed record PullProgress(string JobId, string? MediaId, string VodStatus, long? Bytes);

/// <summary>What the pull needs to create the media: the engine's <see cref="MediaMetadata"/> plus the pull's title.</summary>
internal static class PullMetadata
{
    /// <summary>The title VOD is given: the metadata's, or the URL's file name without extension.</summary>
    public static string TitleFor(MediaMetadata metadata, Uri url)
    {
        if (!string.IsNullOrWhiteSpace(metadata.Title))
        {
            return metadata.Title;
        }

        var name = Path.GetFileNameWithoutExtension(Uri.UnescapeDataString(url.AbsolutePath));
        return string.IsNullOrWhiteSpace(name) ? "pulled" : name;
    }
}
