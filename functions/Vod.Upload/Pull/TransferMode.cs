namespace Vod.Upload.Pull;

/// <summary>How a blob's bytes reach VOD.</summary>
public enum TransferMode
{
    /// <summary>The app reads the source and sends it to OSS in parts (resumable, verified by CRC-64).</summary>
    Push,

    /// <summary>
    /// VOD fetches the source itself from a short-lived read-only URL (UploadMediaByURL): no bytes pass through the app,
    /// but VOD queues the job (minutes to days) and reports no byte progress.
    /// </summary>
    Pull,

    /// <summary>Pull when <see cref="TransferModeChooser"/> finds the upload fit for it, push otherwise.</summary>
    Auto,
}
