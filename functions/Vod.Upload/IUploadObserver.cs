using Vod.Upload.Engine;

namespace Vod.Upload;

/// <summary>
/// Hears what happens during an upload — the VOD JavaScript SDK's callbacks, server-side. Every method has a no-op
/// default; calls may come from several threads at once.
/// </summary>
public interface IUploadObserver
{
    /// <summary>The upload has its media id and address.</summary>
    void OnStarted(UploadStarted started)
    {
    }

    /// <summary>A resumed upload found parts already stored (and verified): they are not sent again.</summary>
    void OnPartsReused(int partsDone, int partCount, long bytesDone)
    {
    }

    /// <summary>Every part is stored; the object is being completed and its CRC-64 verified.</summary>
    void OnCompleting()
    {
    }

    /// <summary>A step failed and runs again (or goes back to an earlier one) after <paramref name="delay"/>.</summary>
    void OnStepRetried(string stepName, string errorCode, TimeSpan delay)
    {
    }

    /// <summary>More bytes are stored.</summary>
    void OnProgress(UploadProgress progress)
    {
    }

    /// <summary>Upload credentials were refreshed (proactively or after an expiry).</summary>
    void OnTokenRefreshed(string mediaId, bool afterExpiry)
    {
    }

    /// <summary>A part failed and will be tried again.</summary>
    void OnPartRetried(int partNumber, int attempt, string errorCode)
    {
    }

    /// <summary>The upload is complete and verified.</summary>
    void OnSucceeded(UploadResult result)
    {
    }

    /// <summary>A pull job was polled (or submitted): VOD's status and the size once VOD reports it.</summary>
    void OnPullProgress(Pull.PullProgress progress)
    {
    }

    /// <summary>A pull upload is complete: the file is in VOD.</summary>
    void OnPullSucceeded(Pull.PullResult result)
    {
    }

    /// <summary>The upload failed; its checkpoint is kept when it can resume.</summary>
    void OnFailed(string code, string message)
    {
    }
}

/// <summary>An observer that hears nothing.</summary>
public sealed class NullUploadObserver : IUploadObserver
{
    /// <summary>The shared instance.</summary>
    public static readonly NullUploadObserver Instance = new();
}

/// <summary>The upload has started.</summary>
public sealed record UploadStarted(string MediaId, MediaKind Kind, long TotalBytes, int PartCount, bool Resumed);

/// <summary>Bytes stored so far.</summary>
public sealed record UploadProgress(string MediaId, long BytesUploaded, long TotalBytes, int PartsDone, int PartCount)
{
    /// <summary>0–100.</summary>
    public double Percent => TotalBytes == 0 ? 100 : Math.Round(100.0 * BytesUploaded / TotalBytes, 2);
}
