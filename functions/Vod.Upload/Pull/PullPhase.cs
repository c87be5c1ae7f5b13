namespace Vod.Upload.Pull;

/// <summary>Where a pull upload is in its workflow (<see cref="PullWorkflow"/>).</summary>
public enum PullPhase
{
    /// <summary>Submit the pull to VOD once (UploadMediaByURL; a run that finds the job recorded submits nothing).</summary>
    Submit,

    /// <summary>Ask VOD where the job stands (GetURLUploadInfos).</summary>
    Poll,

    /// <summary>VOD has the file: the host checks it is what the source holds (size, blob version).</summary>
    Check,

    /// <summary>Remove the pull's checkpoint, and the media of a job VOD failed.</summary>
    CleanUp,

    /// <summary>Finished: the file is in VOD.</summary>
    Succeeded,

    /// <summary>Finished: the pull failed (<see cref="PullJobEnd"/> says what was kept).</summary>
    Failed,

    /// <summary>
    /// This run has polled as often as it may (<see cref="PullWorkflowOptions.PollsPerExecution"/>): the host goes on in a
    /// fresh run (an orchestration continues as new) that submits nothing and keeps polling the same job.
    /// </summary>
    Continue,
}
