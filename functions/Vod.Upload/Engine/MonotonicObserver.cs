namespace Vod.Upload.Engine;

/// <summary>
/// Passes events on, except progress that would go backwards: parts dropped on a resume, or reports that crossed on
/// their way from parallel parts. Whatever the steps do, the observer never hears fewer bytes than it heard before.
/// </summary>
internal sealed class MonotonicObserver(IUploadObserver inner) : IUploadObserver
{
    private readonly Lock _gate = new();
    private long _bytes = -1;

    public void OnStarted(UploadStarted started) => inner.OnStarted(started);

    public void OnProgress(UploadProgress progress)
    {
        lock (_gate)
        {
            if (progress.BytesUploaded <= _bytes)
            {
                return;
            }

            _bytes = progress.BytesUploaded;
            inner.OnProgress(progress);
        }
    }

    public void OnPartsReused(int partsDone, int partCount, long bytesDone) => inner.OnPartsReused(partsDone, partCount, bytesDone);

    public void OnCompleting() => inner.OnCompleting();

    public void OnStepRetried(string stepName, string errorCode, TimeSpan delay) => inner.OnStepRetried(stepName, errorCode, delay);

    public void OnTokenRefreshed(string mediaId, bool afterExpiry) => inner.OnTokenRefreshed(mediaId, afterExpiry);

    public void OnPartRetried(int partNumber, int attempt, string errorCode) => inner.OnPartRetried(partNumber, attempt, errorCode);

    public void OnSucceeded(UploadResult result) => inner.OnSucceeded(result);

    public void OnFailed(string code, string message) => inner.OnFailed(code, message);
}
