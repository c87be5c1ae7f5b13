using Microsoft.DurableTask.Client;
using Vod.Functions.Uploads;
using Vod.Upload;

namespace Vod.Functions.Api;

/// <summary>One upload as the management API shows it (camelCase JSON, like every other answer of the API).</summary>
/// <param name="Id">The upload (orchestration instance) id.</param>
/// <param name="Status">Running, Suspended, Completed, Failed, Terminated or Pending.</param>
/// <param name="CreatedAt">When the upload was started.</param>
/// <param name="LastUpdatedAt">When its orchestration last changed.</param>
/// <param name="Source">The source blob, <c>container/name</c>.</param>
/// <param name="Progress">Phase, bytes and parts; on <c>GET /api/uploads/{id}</c> the parts count comes from the checkpoint, so it moves with every stored part.</param>
/// <param name="Result">The outcome, once completed.</param>
/// <param name="Error">The failure, code first, once failed.</param>
public sealed record UploadView(string Id, string Status, DateTimeOffset CreatedAt, DateTimeOffset LastUpdatedAt, string? Source, UploadStatus? Progress, UploadOutcome? Result, UploadError? Error)
{
    /// <summary>The view of an orchestration instance, with the parts its checkpoint records when <paramref name="stored"/> is known.</summary>
    public static UploadView From(OrchestrationMetadata instance, UploadProgress? stored = null)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var job = instance.SerializedInput is null ? null : instance.ReadInputAs<UploadJob>();
        var progress = instance.SerializedCustomStatus is null ? null : instance.ReadCustomStatusAs<UploadStatus>();

        // The orchestration's status moves once per range of part batches; the checkpoint records every stored part.
        if (progress is not null && stored is not null && stored.PartsDone > progress.PartsDone)
        {
            progress.PartsDone = stored.PartsDone;
            progress.BytesUploaded = stored.BytesUploaded;
        }

        return new UploadView(
            instance.InstanceId,
            instance.RuntimeStatus.ToString(),
            instance.CreatedAt,
            instance.LastUpdatedAt,
            job?.Source.Location,
            progress,
            instance.RuntimeStatus == OrchestrationRuntimeStatus.Completed && instance.SerializedOutput is not null ? instance.ReadOutputAs<UploadOutcome>() : null,
            ErrorOf(instance, progress));
    }

    // The Azure Storage backend of the real host may leave FailureDetails empty for a failed orchestration: the custom
    // status still holds the failure's code and message.
    private static UploadError? ErrorOf(OrchestrationMetadata instance, UploadStatus? progress) => instance switch
    {
        { FailureDetails: { } failure } => new UploadError(progress?.ErrorCode ?? UploadErrorCodes.UploadFailed, failure.ErrorMessage),
        { RuntimeStatus: OrchestrationRuntimeStatus.Failed } => new UploadError(progress?.ErrorCode ?? UploadErrorCodes.UploadFailed, progress?.LastError ?? "The upload failed."),
        _ => null,
    };
}

/// <summary>Why an upload failed.</summary>
/// <param name="Code">The stable error code (e.g. <c>SourceChanged</c>, <c>IntegrityError</c>, or VOD's/OSS's own code).</param>
/// <param name="Message">What happened.</param>
public sealed record UploadError(string Code, string Message);
