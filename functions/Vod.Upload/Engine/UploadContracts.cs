using Vod.Upload.Sources;

namespace Vod.Upload.Engine;

/// <summary>VOD fields of the media to create. Null fields are left to VOD's defaults.</summary>
public sealed record MediaMetadata
{
    /// <summary>Title; the file name without extension when null.</summary>
    public string? Title { get; init; }

    /// <summary>Category id.</summary>
    public long? CateId { get; init; }

    /// <summary>Tags (≤ 16).</summary>
    public IReadOnlyList<string>? Tags { get; init; }

    /// <summary>Description.</summary>
    public string? Description { get; init; }

    /// <summary>Transcoding template group.</summary>
    public string? TemplateGroupId { get; init; }

    /// <summary>Workflow.</summary>
    public string? WorkflowId { get; init; }

    /// <summary>Storage bucket host.</summary>
    public string? StorageLocation { get; init; }

    /// <summary>UserData JSON (callback URL, Extend).</summary>
    public string? UserData { get; init; }

    /// <summary>Application id.</summary>
    public string? AppId { get; init; }

    /// <summary>Image type for images: <c>default</c>, <c>cover</c> or <c>watermark</c>. Default <c>default</c>.</summary>
    public string? ImageType { get; init; }

    /// <summary>Image extension for images; the file's own when null.</summary>
    public string? ImageExt { get; init; }

    /// <summary>
    /// Throws <see cref="UploadException"/> (<see cref="UploadErrorCodes.InvalidRequest"/>, the field and the rule in its
    /// message) when VOD would refuse these fields for a <paramref name="kind"/> named <paramref name="fileName"/>. The
    /// plan step checks it before anything is read or sent; a host may check it earlier still (the CLI, before it
    /// looks at its history).
    /// </summary>
    public void Validate(MediaKind kind, string fileName) => Steps.MediaCreation.Validate(kind, fileName, this);
}

/// <summary>What to upload, how, and as what; <paramref name="TraceParent"/> names the upload's trace when the steps run apart (activities).</summary>
/// <param name="Source">The source.</param>
/// <param name="Metadata">The media's fields.</param>
/// <param name="Options">How it runs.</param>
/// <param name="TraceParent">The W3C traceparent of the upload's root span, or null (the steps then join the current trace).</param>
/// <param name="UploadId">The host's name for the upload (the Functions app's orchestration instance id), carried into every step's log scope and span; null in the CLI, whose uploads are named by their checkpoint key.</param>
public sealed record UploadRequest(SourceReference Source, MediaMetadata Metadata, UploadOptions Options, string? TraceParent = null, string? UploadId = null);

/// <summary>The result of planning: small and serializable, the input of every later step.</summary>
/// <param name="CheckpointKey">Where the checkpoint lives.</param>
/// <param name="Source">The source, pinned to the version planned (blob ETag, or file size and time).</param>
/// <param name="Identity">The source version.</param>
/// <param name="Kind">Video or image.</param>
/// <param name="Parts">The part plan (the checkpoint's, when resuming).</param>
/// <param name="SourceFingerprint">What catches a change the version cannot (see <see cref="IUploadSource.Fingerprint"/>).</param>
/// <param name="TraceParent">The W3C traceparent of the upload's root span: every step, on any instance, joins that trace.</param>
/// <param name="UploadId">The host's name for the upload (see <see cref="UploadRequest.UploadId"/>).</param>
public sealed record UploadPlan(string CheckpointKey, SourceReference Source, SourceIdentity Identity, MediaKind Kind, PartPlan Parts, string? SourceFingerprint = null, string? TraceParent = null, string? UploadId = null);

/// <summary>The upload after CreateOrRefresh: the media it goes to. No credential, no address (steps read those from the checkpoint).</summary>
/// <param name="Plan">The plan.</param>
/// <param name="MediaId">VideoId or ImageId.</param>
/// <param name="Resumed">Whether the media existed before this run.</param>
public sealed record UploadSession(UploadPlan Plan, string MediaId, bool Resumed);

/// <summary>Where the upload stands after InitiateOrResume.</summary>
/// <param name="ObjectComplete">The object is already complete and verified: no part needs sending.</param>
/// <param name="PartsDone">Parts already stored.</param>
/// <param name="BytesDone">Bytes already stored.</param>
public sealed record MultipartState(bool ObjectComplete, int PartsDone, long BytesDone);

/// <summary>What one batch of parts did.</summary>
public sealed record PartBatchResult(int PartsUploaded, int PartsSkipped, long BytesUploaded, int Retries, int TokenRefreshes);

/// <summary>A finished, verified upload.</summary>
public sealed record UploadResult(string MediaId, MediaKind Kind, long Size, ulong Crc64, string ETag, string ObjectKey, string? ImageUrl, string? FileUrl);

/// <summary>What a cancel did.</summary>
/// <param name="Found">Whether there was an unfinished upload (a checkpoint) to cancel.</param>
/// <param name="MultipartAborted">Whether a multipart upload was aborted.</param>
/// <param name="MediaDeleted">Whether the VOD media the upload created was deleted.</param>
/// <param name="MediaId">The media of the upload, when it had one.</param>
public sealed record CancelResult(bool Found, bool MultipartAborted, bool MediaDeleted, string? MediaId);
