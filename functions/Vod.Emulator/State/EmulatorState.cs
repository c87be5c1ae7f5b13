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

    private long _version;

    /// <summary>
    /// The VOD-owned bucket every media goes to (<c>outin-</c> and 32 hex digits unless configured); the only bucket
    /// the emulator's OSS has. Kept in the data folder, so upload addresses stay valid across restarts.
    /// </summary>
    public string Bucket { get; set; } = string.Empty;

    /// <summary>Grows on every change; the state file is written when it moved since the last write.</summary>
    [JsonIgnore]
    public long Version => Interlocked.Read(ref _version);

    /// <summary>Raised (on the changing thread, outside <see cref="Sync"/>) after <see cref="MarkChanged"/>.</summary>
    internal event Action? Changed;

    /// <summary>Notes that something changed, so it is persisted soon.</summary>
    public void MarkChanged()
    {
        Interlocked.Increment(ref _version);
        Changed?.Invoke();
    }

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
    /// <summary>The bucket.</summary>
    public required string Bucket { get; init; }

    /// <summary>The object key.</summary>
    public required string Key { get; init; }

    /// <summary>Where its bytes are on disk.</summary>
    [JsonIgnore]
    public string FilePath { get; init; } = string.Empty;

    /// <summary>Size in bytes.</summary>
    public long Size { get; init; }

    /// <summary>The ETag as OSS sends it, quoted: the MD5 in hex, or <c>"&lt;hex&gt;-&lt;parts&gt;"</c> for a multipart object.</summary>
    public required string ETag { get; init; }

    /// <summary>CRC-64/ECMA of the whole object (<c>x-oss-hash-crc64ecma</c>).</summary>
    public ulong Crc64 { get; init; }

    /// <summary><c>Normal</c> or <c>Multipart</c>.</summary>
    public required string ObjectType { get; init; }

    /// <summary>The Content-Type it was uploaded with, if any.</summary>
    public string? ContentType { get; init; }

    /// <summary>Its <c>x-oss-meta-*</c> headers, by name without the prefix.</summary>
    public Dictionary<string, string> Metadata { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>When it was completed.</summary>
    public DateTimeOffset LastModified { get; init; }

    /// <summary>This object with its bytes at <paramref name="filePath"/> (a state file does not hold paths).</summary>
    internal StoredObject WithFile(string filePath) => new()
    {
        Bucket = Bucket, Key = Key, FilePath = filePath, Size = Size, ETag = ETag, Crc64 = Crc64, ObjectType = ObjectType,
        ContentType = ContentType, Metadata = Metadata, LastModified = LastModified,
    };
}

/// <summary>A multipart upload in progress.</summary>
public sealed class MultipartUpload
{
    /// <summary>The upload id OSS handed out.</summary>
    public required string UploadId { get; init; }

    /// <summary>The bucket.</summary>
    public required string Bucket { get; init; }

    /// <summary>The object key the upload will complete.</summary>
    public required string Key { get; init; }

    /// <summary>When it was initiated.</summary>
    public DateTimeOffset Initiated { get; init; }

    /// <summary>The Content-Type given at initiation, for the completed object.</summary>
    public string? ContentType { get; init; }

    /// <summary>The <c>x-oss-meta-*</c> headers given at initiation, for the completed object.</summary>
    public Dictionary<string, string> Metadata { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The parts received so far, by part number (a re-sent part replaces the earlier one).</summary>
    public SortedDictionary<int, StoredPart> Parts { get; } = [];
}

/// <summary>One uploaded part.</summary>
public sealed class StoredPart
{
    /// <summary>1 to 10,000.</summary>
    public int PartNumber { get; init; }

    /// <summary>Where its bytes are on disk.</summary>
    [JsonIgnore]
    public string FilePath { get; init; } = string.Empty;

    /// <summary>Size in bytes.</summary>
    public long Size { get; init; }

    /// <summary>The ETag as OSS sends it: the part's MD5 in hex, quoted.</summary>
    public required string ETag { get; init; }

    /// <summary>The part's MD5 (its ETag's bytes), kept to build the multipart ETag at completion.</summary>
    public byte[] Md5 { get; init; } = [];

    /// <summary>CRC-64/ECMA of the part.</summary>
    public ulong Crc64 { get; init; }

    /// <summary>When it was received.</summary>
    public DateTimeOffset LastModified { get; init; }

    /// <summary>This part with its bytes at <paramref name="filePath"/> (a state file does not hold paths).</summary>
    internal StoredPart WithFile(string filePath) => new()
    {
        PartNumber = PartNumber, FilePath = filePath, Size = Size, ETag = ETag, Md5 = Md5, Crc64 = Crc64, LastModified = LastModified,
    };
}

/// <summary>A video (or audio), image or attached media VOD issued.</summary>
public sealed class MediaRecord
{
    /// <summary>VideoId, ImageId or MediaId.</summary>
    public required string Id { get; init; }

    /// <summary><c>video</c>, <c>image</c> or <c>attached</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>The title.</summary>
    public string? Title { get; set; }

    /// <summary>The file name given at creation.</summary>
    public string? FileName { get; init; }

    /// <summary>The bucket its object goes to.</summary>
    public required string Bucket { get; init; }

    /// <summary>The key of its object.</summary>
    public required string Key { get; init; }

    /// <summary>Uploading → UploadSucc → Transcoding → Normal for videos; Uploading → Normal for images.</summary>
    public string Status { get; set; } = "Uploading";

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreationTime { get; init; }

    /// <summary>When its status last changed.</summary>
    public DateTimeOffset? ModificationTime { get; set; }

    /// <summary>Size in bytes: as declared at creation, then as stored.</summary>
    public long? Size { get; set; }

    /// <summary>The category id.</summary>
    public long? CateId { get; init; }

    /// <summary>Tags, comma-separated as sent.</summary>
    public string? Tags { get; init; }

    /// <summary>The description.</summary>
    public string? Description { get; init; }

    /// <summary>The transcoding template group.</summary>
    public string? TemplateGroupId { get; init; }

    /// <summary>The storage location VOD reports (<c>bucket.oss-region.aliyuncs.com</c>).</summary>
    public string? StorageLocation { get; init; }

    /// <summary>The VOD application id.</summary>
    public string? AppId { get; init; }

    /// <summary>For images: the image type (<c>default</c>, <c>cover</c> …).</summary>
    public string? ImageType { get; init; }

    /// <summary>For attached media: the business type.</summary>
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
    /// <summary>The job id.</summary>
    public required string JobId { get; init; }

    /// <summary>The URL pulled.</summary>
    public required string SourceUrl { get; init; }

    /// <summary>The video created, once the pull started.</summary>
    public string? MediaId { get; set; }

    /// <summary>
    /// <c>PENDING</c> (queued), <c>PROCESSING</c>, <c>DOWNLOADING</c>, <c>UPLOADING</c>, <c>UPLOAD_SUCCESS</c>, <c>SUCCESS</c>
    /// (callback sent), or <c>DOWNLOAD_FAIL</c> / <c>UPLOAD_FAIL</c>.
    /// </summary>
    public string Status { get; set; } = "PENDING";

    /// <summary>When the job was created.</summary>
    public DateTimeOffset CreationTime { get; init; }

    /// <summary>When it finished, either way.</summary>
    public DateTimeOffset? CompleteTime { get; set; }

    /// <summary>Bytes pulled.</summary>
    public long? FileSize { get; set; }

    /// <summary>The UserData sent with the request.</summary>
    public string? UserData { get; init; }

    /// <summary>Why it failed.</summary>
    public string? ErrorCode { get; set; }

    /// <summary>Why it failed, in words.</summary>
    public string? ErrorMessage { get; set; }

    /// <summary>The title the job creates its video with (kept so that a restarted emulator can run the job again).</summary>
    public string? Title { get; init; }

    /// <summary>The extension the metadata named, when the URL has none.</summary>
    public string? FileExtension { get; init; }

    /// <summary>The callback URL of the request's UserData.</summary>
    public string? CallbackUrl { get; init; }

    /// <summary>The Extend of the request's UserData.</summary>
    public string? Extend { get; init; }
}

/// <summary>One attempt to deliver a callback.</summary>
public sealed class CallbackAttempt
{
    /// <summary>The event (<c>FileUploadComplete</c> …).</summary>
    public required string EventType { get; init; }

    /// <summary>The media (or pull job) the event is about.</summary>
    public required string MediaId { get; init; }

    /// <summary>The URL posted to, exactly as configured.</summary>
    public required string Url { get; init; }

    /// <summary>1 to 3.</summary>
    public int Attempt { get; init; }

    /// <summary>HTTP status received, or null (timeout, connection failure, dropped).</summary>
    public int? Status { get; set; }

    /// <summary><c>delivered</c>, <c>rejected</c>, <c>failed</c>, <c>dropped</c> (fault injection) or <c>abandoned</c> (after three attempts).</summary>
    public required string Result { get; set; }

    /// <summary>When the attempt ended.</summary>
    public DateTimeOffset At { get; init; }

    /// <summary>The JSON body posted.</summary>
    public required string Body { get; init; }

    /// <summary>Whether it carried <c>X-VOD-SIGNATURE</c> (an auth key was set).</summary>
    [JsonPropertyName("signed")]
    public bool CarriedSignature { get; init; }
}
