namespace Vod.Upload.Workflow;

/// <summary>Where an upload is in its workflow.</summary>
public enum UploadPhase
{
    /// <summary>Open the source and plan the parts.</summary>
    Plan,

    /// <summary>Create the media, or refresh the credential of the one the checkpoint names (images: create and write).</summary>
    CreateOrRefresh,

    /// <summary>Start the multipart upload, or reconcile the checkpoint with the one OSS has.</summary>
    InitiateOrResume,

    /// <summary>Send the parts the checkpoint does not have.</summary>
    UploadParts,

    /// <summary>Complete the multipart upload and verify the object.</summary>
    Complete,

    /// <summary>Remove the checkpoint and forget the credential.</summary>
    CleanUp,

    /// <summary>Finished: the object is complete and verified.</summary>
    Succeeded,

    /// <summary>Finished: the upload failed (its checkpoint is kept, so it can resume).</summary>
    Failed,
}
