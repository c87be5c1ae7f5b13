namespace Vod.Upload.Pull;

/// <summary>What is known of VOD's job when a pull fails: it decides what the failure may clean up.</summary>
public enum PullJobEnd
{
    /// <summary>
    /// VOD may still run the job (the failure was ours or the connection's: a submit or polls refused or unanswered, a
    /// check that could not be made, a timeout): nothing is deleted and the checkpoint stays, so a rerun watches the
    /// same job instead of submitting a second one, and a cancel can still delete what it makes.
    /// </summary>
    Unknown,

    /// <summary>VOD reported the job failed: its media (UploadFail) is deleted with the checkpoint.</summary>
    Failed,

    /// <summary>The job completed but its source changed; the check deleted the media: only the checkpoint goes.</summary>
    MediaDeleted,
}
