using System.Text.Json.Serialization;

namespace Vod.Emulator.State;

/// <summary>
/// Everything the emulator knows: objects, multipart uploads, media, pull jobs, callback attempts and byte counters.
/// One lock guards it all; object bytes live on disk, never in here.
/// </summary>
public sealed class EmulatorState
{
    /// <summary>The lock every reader and writer takes.</summary>
    [JsonIgnore]
    public object Sync { get; } = new();

    /// <summary>Completed objects by <c>bucket/key</c>.</summary>
    public Dictionary<string, StoredObject> Objects { get; } = new(StringComparer.Ordinal);

    /// <summary>Multipart uploads in progress by upload id.</summary>
    public Dictionary<string, MultipartUpload> Uploads { get; } = new(StringComparer.Ordinal);

    /// <summary>Videos, images and attached media by id.</summary>
    public Dictionary<string, MediaRecord> Media { get; } = new(StringComparer.Ordinal);

    /// <summary>UploadMediaByURL jobs by job id.</summary>
    public Dictionary<string, UrlJob> UrlJobs { get; } = new(StringComparer.Ordinal);

    /// <summary>Every callback delivery attempt, in order.</summary>
    public List<CallbackAttempt> Callbacks { get; } = [];

    /// <summary>Body bytes received per object (<c>bucket/key</c>), over PutObject and UploadPart.</summary>
    public Dictionary<string, long> BytesReceivedPerObject { get; } = new(StringComparer.Ordinal);

    /// <summary>Body bytes received per multipart upload id.</summary>
    public Dictionary<string, long> BytesReceivedPerUpload { get; } = new(StringComparer.Ordinal);

    /// <summary>UploadPart calls received per upload id and part number (a re-sent part counts twice).</summary>
    public Dictionary<string, Dictionary<int, int>> PartUploadsReceived { get; } = new(StringComparer.Ordinal);

    /// <summary>UploadPart calls per upload id that carried a <c>Content-MD5</c> header.</summary>
    public Dictionary<string, int> PartUploadsWithContentMd5 { get; } = new(StringComparer.Ordinal);

    /// <summary>The <c>bucket/key</c> form used as dictionary key.</summary>
    public static string ObjectId(string bucket, string key) => bucket + "/" + key;
}

/// <summary>A completed object.</summary>
public sealed class StoredObject
{
    public required string Bucket { get; init; }

    public required string Key { get; init; }

    [JsonIgnore]
    public string FilePath { get; init; } = string.Empty;

    public long Size { get; init; }

    public required string ETag { get; init; }

    public ulong Crc64 { get; init; }

    /// <summary><c>Normal</c> or <c>Multipart</c>.</summary>
    public required string ObjectType { get; init; }

    public string? ContentType { get; init; }

    public Dictionary<string, string> Metadata { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    public DateTimeOffset LastModified { get; init; }
}

/// <summary>A multipart upload in progress.</summary>
public sealed class MultipartUpload
{
    public required string UploadId { get; init; }

    public required string Bucket { get; init; }

    public required string Key { get; init; }

    public DateTimeOffset Initiated { get; init; }

    public string? ContentType { get; init; }

    public Dictionary<string, string> Metadata { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    public SortedDictionary<int, StoredPart> Parts { get; } = [];
}

/// <summary>One uploaded part.</summary>
public sealed class StoredPart
{
    public int PartNumber { get; init; }

    [JsonIgnore]
    public string FilePath { get; init; } = string.Empty;

    public long Size { get; init; }

    public required string ETag { get; init; }

    [JsonIgnore]
    public byte[] Md5 { get; init; } = [];

    public ulong Crc64 { get; init; }

    public DateTimeOffset LastModified { get; init; }
}

/// <summary>A video (or audio), image or attached media VOD issued.</summary>
public sealed class MediaRecord
{
    /// <summary>VideoId, ImageId or MediaId.</summary>
    public required string Id { get; init; }

    /// <summary><c>video</c>, <c>image</c> or <c>attached</c>.</summary>
    public required string Kind { get; init; }

    public string? Title { get; set; }

    public string? FileName { get; init; }

    public required string Bucket { get; init; }

    public required string Key { get; init; }

    /// <summary>Uploading → UploadSucc → Transcoding → Normal for videos; Uploading → Normal for images.</summary>
    public string Status { get; set; } = "Uploading";

    public DateTimeOffset CreationTime { get; init; }

    public DateTimeOffset? ModificationTime { get; set; }

    public long? Size { get; set; }

    public long? CateId { get; init; }

    public string? Tags { get; init; }

    public string? Description { get; init; }

    public string? TemplateGroupId { get; init; }

    public string? StorageLocation { get; init; }

    public string? AppId { get; init; }

    public string? ImageType { get; init; }

    public string? BusinessType { get; init; }

    /// <summary>The callback URL from <c>UserData.MessageCallback</c>, when the upload named one.</summary>
    public string? CallbackUrl { get; init; }

    /// <summary><c>UserData.Extend</c> as the JSON string VOD echoes.</summary>
    public string? Extend { get; init; }

    /// <summary>Whether the object arrived (events are emitted once).</summary>
    public bool Completed { get; set; }
}

/// <summary>An UploadMediaByURL job.</summary>
public sealed class UrlJob
{
    public required string JobId { get; init; }

    public required string SourceUrl { get; init; }

    public string? MediaId { get; set; }

    public string Status { get; set; } = "PENDING";

    public DateTimeOffset CreationTime { get; init; }

    public DateTimeOffset? CompleteTime { get; set; }

    public long? FileSize { get; set; }

    public string? UserData { get; init; }

    public string? ErrorCode { get; set; }

    public string? ErrorMessage { get; set; }
}

/// <summary>One attempt to deliver a callback.</summary>
public sealed class CallbackAttempt
{
    public required string EventType { get; init; }

    public required string MediaId { get; init; }

    public required string Url { get; init; }

    public int Attempt { get; init; }

    /// <summary>HTTP status received, or null (timeout, connection failure, dropped).</summary>
    public int? Status { get; set; }

    /// <summary><c>delivered</c>, <c>rejected</c>, <c>failed</c>, <c>dropped</c> (fault injection) or <c>abandoned</c> (after three attempts).</summary>
    public required string Result { get; set; }

    public DateTimeOffset At { get; init; }

    public required string Body { get; init; }

    public bool Signed { get; init; }
}
