namespace Vod.Alibaba.Oss;

/// <summary>An object in a bucket behind an OSS endpoint.</summary>
/// <param name="Endpoint">The endpoint URL without bucket, e.g. <c>https://oss-cn-shanghai.aliyuncs.com</c>.</param>
/// <param name="Bucket">Bucket name.</param>
/// <param name="Key">Object key (not encoded).</param>
public sealed record OssObjectLocation(Uri Endpoint, string Bucket, string Key)
{
    /// <summary>The object a VOD upload address names.</summary>
    public static OssObjectLocation From(VodApi.UploadAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return new OssObjectLocation(address.Endpoint, address.Bucket, address.FileName);
    }
}

/// <summary>Optional headers of a request that writes (or names) an object.</summary>
public sealed record OssRequestOptions
{
    /// <summary><c>Content-Type</c> to send.</summary>
    public string? ContentType { get; init; }

    /// <summary>
    /// Base64 <c>Content-MD5</c> of the body; OSS refuses the body with <c>InvalidDigest</c> when it does not match.
    /// </summary>
    public string? ContentMd5 { get; init; }

    /// <summary>User metadata, sent as <c>x-oss-meta-&lt;name&gt;</c>.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>The <c>x-oss-notification</c> header (Base64 of <c>{"Vod":{…}}</c>) VOD upload SDKs attach.</summary>
    public string? Notification { get; init; }
}

/// <summary>What a write (PutObject, UploadPart) returned.</summary>
/// <param name="ETag">The ETag exactly as sent, quotes included; opaque.</param>
/// <param name="Crc64">The server's CRC-64 of what it stored, when it sent one.</param>
/// <param name="RequestId">The request id.</param>
public sealed record OssWriteResult(string ETag, ulong? Crc64, string? RequestId);

/// <summary>A part to list in CompleteMultipartUpload.</summary>
/// <param name="PartNumber">1–10000.</param>
/// <param name="ETag">The ETag UploadPart returned, quotes included.</param>
public sealed record OssPartETag(int PartNumber, string ETag);

/// <summary>What CompleteMultipartUpload returned.</summary>
public sealed record OssCompleteResult(string ETag, ulong? Crc64, string? Location, string? RequestId);

/// <summary>A part the server holds.</summary>
public sealed record OssPart(int PartNumber, string ETag, long Size, DateTimeOffset? LastModified, ulong? Crc64);

/// <summary>One page of ListParts.</summary>
public sealed record OssListPartsResult(IReadOnlyList<OssPart> Parts, bool IsTruncated, int? NextPartNumberMarker);

/// <summary>An object's metadata (HeadObject, GetObject).</summary>
public sealed record OssObjectMetadata
{
    /// <summary>Length of the object (HEAD) or of the returned body (GET).</summary>
    public long ContentLength { get; init; }

    /// <summary>Content type.</summary>
    public string? ContentType { get; init; }

    /// <summary>ETag, quotes included.</summary>
    public string? ETag { get; init; }

    /// <summary>Last modification.</summary>
    public DateTimeOffset? LastModified { get; init; }

    /// <summary><c>Normal</c>, <c>Multipart</c> or <c>Appendable</c>.</summary>
    public string? ObjectType { get; init; }

    /// <summary>CRC-64 of the whole object.</summary>
    public ulong? Crc64 { get; init; }

    /// <summary>Storage class.</summary>
    public string? StorageClass { get; init; }

    /// <summary>User metadata (names without the <c>x-oss-meta-</c> prefix).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>The request id.</summary>
    public string? RequestId { get; init; }
}

/// <summary>A byte range: <c>From–To</c> inclusive, <c>From–</c> to the end, or the last <see cref="SuffixLength"/> bytes.</summary>
public readonly record struct OssByteRange
{
    private OssByteRange(long? from, long? to, long? suffixLength)
    {
        From = from;
        To = to;
        SuffixLength = suffixLength;
    }

    /// <summary>First byte.</summary>
    public long? From { get; }

    /// <summary>Last byte, inclusive.</summary>
    public long? To { get; }

    /// <summary>Length of a suffix range.</summary>
    public long? SuffixLength { get; }

    /// <summary>Bytes <paramref name="from"/> to <paramref name="to"/> inclusive, or to the end when <paramref name="to"/> is null.</summary>
    public static OssByteRange Between(long from, long? to = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(from);
        if (to < from)
        {
            throw new ArgumentOutOfRangeException(nameof(to), to, "The end of a range must not precede its start.");
        }

        return new OssByteRange(from, to, null);
    }

    /// <summary>The last <paramref name="length"/> bytes.</summary>
    public static OssByteRange Last(long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        return new OssByteRange(null, null, length);
    }

    /// <summary>The <c>Range</c> header value.</summary>
    public override string ToString() => SuffixLength is { } n ? $"bytes=-{n}" : $"bytes={From}-{To}";
}

/// <summary>A GetObject answer: the body stream (dispose it) and the metadata.</summary>
public sealed class OssObjectContent : IAsyncDisposable, IDisposable
{
    private readonly HttpResponseMessage _response;

    internal OssObjectContent(HttpResponseMessage response, Stream body, OssObjectMetadata metadata, string? contentRange)
    {
        _response = response;
        Body = body;
        Metadata = metadata;
        ContentRange = contentRange;
    }

    /// <summary>The body, streamed from the network.</summary>
    public Stream Body { get; }

    /// <summary>The metadata; <see cref="OssObjectMetadata.Crc64"/> is that of the whole object even for a range.</summary>
    public OssObjectMetadata Metadata { get; }

    /// <summary>The <c>Content-Range</c> of a 206 answer, else null.</summary>
    public string? ContentRange { get; }

    /// <inheritdoc/>
    public void Dispose()
    {
        Body.Dispose();
        _response.Dispose();
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await Body.DisposeAsync().ConfigureAwait(false);
        _response.Dispose();
    }
}
