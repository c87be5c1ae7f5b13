using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Xml.Linq;
using Vod.Alibaba.Credentials;
using Vod.Alibaba.Errors;
using Vod.Alibaba.Hashing;

namespace Vod.Alibaba.Oss;

/// <summary>
/// Client of the OSS REST operations a VOD upload needs. Stateless apart from its HTTP client: every call names the
/// object and the credential, because each VOD upload has its own address and short-lived STS credential.
/// </summary>
public sealed class OssClient
{
    /// <summary>Most parts one multipart upload may have.</summary>
    public const int MaxPartNumber = 10_000;

    /// <summary>Most parts one ListParts page returns.</summary>
    public const int MaxPartsPerPage = 1000;

    private const int MaxErrorBodyBytes = 64 * 1024;
    private readonly HttpClient _http;
    private readonly OssClientOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Creates a client.</summary>
    public OssClient(HttpClient httpClient, OssClientOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        _http = httpClient;
        _options = options ?? new OssClientOptions();
        _options.Validate();
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The options in force.</summary>
    public OssClientOptions Options => _options;

    /// <summary>
    /// An HTTP handler suited to bulk part uploads: connections kept and reused across parts and uploads (idle ones
    /// closed after a minute, every one renewed after five so DNS changes are seen), no cookies, no decompression, no
    /// proxy lookup per request. Give it to the <see cref="HttpClient"/> of an <see cref="OssClient"/>.
    /// </summary>
    public static SocketsHttpHandler CreateHandler() => new()
    {
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        AllowAutoRedirect = false,
        ConnectTimeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>Uploads a whole object (≤ 5 GB) in one request, streaming <paramref name="content"/>.</summary>
    public async Task<OssWriteResult> PutObjectAsync(OssObjectLocation location, Stream content, long contentLength, AlibabaCredential credential, OssRequestOptions? options = null, CancellationToken cancellationToken = default)
    {
        var spec = ObjectSpec(HttpMethod.Put, location, BodyContent(content, contentLength));
        spec.Apply(options);
        using var response = await SendAsync("PutObject", spec, credential, cancellationToken, bufferBody: false).ConfigureAwait(false);
        return WriteResult(response);
    }

    /// <summary>Starts a multipart upload and returns its upload id.</summary>
    public async Task<string> InitiateMultipartUploadAsync(OssObjectLocation location, AlibabaCredential credential, OssRequestOptions? options = null, CancellationToken cancellationToken = default)
    {
        var spec = ObjectSpec(HttpMethod.Post, location);
        spec.Query.Add(new("uploads", null));
        spec.Apply(options);
        using var response = await SendAsync("InitiateMultipartUpload", spec, credential, cancellationToken).ConfigureAwait(false);
        var document = await ReadXmlAsync("InitiateMultipartUpload", response, credential, cancellationToken).ConfigureAwait(false);
        return document.Root?.Element("UploadId")?.Value is { Length: > 0 } uploadId
            ? uploadId
            : throw InvalidResponse("InitiateMultipartUpload", response, "has no UploadId.");
    }

    /// <summary>
    /// Uploads one part, streaming <paramref name="contentLength"/> bytes from <paramref name="content"/>. Uploading
    /// the same number again overwrites it.
    /// </summary>
    public async Task<OssWriteResult> UploadPartAsync(OssObjectLocation location, string uploadId, int partNumber, Stream content, long contentLength, AlibabaCredential credential, OssRequestOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(uploadId);
        ArgumentOutOfRangeException.ThrowIfLessThan(partNumber, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(partNumber, MaxPartNumber);
        var spec = ObjectSpec(HttpMethod.Put, location, BodyContent(content, contentLength));
        spec.Query.Add(new("partNumber", partNumber.ToString(CultureInfo.InvariantCulture)));
        spec.Query.Add(new("uploadId", uploadId));
        spec.Apply(options);
        using var response = await SendAsync("UploadPart", spec, credential, cancellationToken, bufferBody: false).ConfigureAwait(false);
        return WriteResult(response);
    }

    /// <summary>Completes a multipart upload from the given parts (sorted and de-duplicated here).</summary>
    public async Task<OssCompleteResult> CompleteMultipartUploadAsync(OssObjectLocation location, string uploadId, IEnumerable<OssPartETag> parts, AlibabaCredential credential, OssRequestOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(uploadId);
        ArgumentNullException.ThrowIfNull(parts);
        var body = CompleteBody(parts);
        var spec = ObjectSpec(HttpMethod.Post, location, new ByteArrayContent(body));
        spec.Query.Add(new("uploadId", uploadId));
        spec.AddHeader("Content-Type", "application/xml");
        spec.AddHeader("Content-MD5", ContentMd5.Compute(body));
        spec.AddHeader("x-oss-notification", options?.Notification);
        using var response = await SendAsync("CompleteMultipartUpload", spec, credential, cancellationToken).ConfigureAwait(false);
        var document = await ReadXmlAsync("CompleteMultipartUpload", response, credential, cancellationToken).ConfigureAwait(false);
        var etag = Header(response, "ETag") ?? document.Root?.Element("ETag")?.Value
            ?? throw InvalidResponse("CompleteMultipartUpload", response, "has no ETag.");
        return new OssCompleteResult(etag, Crc64Ecma.Parse(Header(response, "x-oss-hash-crc64ecma")), document.Root?.Element("Location")?.Value, RequestId(response));
    }

    /// <summary>Aborts a multipart upload, deleting its parts. <c>NoSuchUpload</c> surfaces as <see cref="AlibabaErrorKind.UploadGone"/>.</summary>
    public async Task AbortMultipartUploadAsync(OssObjectLocation location, string uploadId, AlibabaCredential credential, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(uploadId);
        var spec = ObjectSpec(HttpMethod.Delete, location);
        spec.Query.Add(new("uploadId", uploadId));
        using var response = await SendAsync("AbortMultipartUpload", spec, credential, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One page of the parts uploaded so far.</summary>
    public async Task<OssListPartsResult> ListPartsAsync(OssObjectLocation location, string uploadId, AlibabaCredential credential, int? maxParts = null, int? partNumberMarker = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(uploadId);
        if (maxParts is < 1 or > MaxPartsPerPage)
        {
            throw new ArgumentOutOfRangeException(nameof(maxParts), maxParts, $"maxParts must be 1–{MaxPartsPerPage}.");
        }

        var spec = ObjectSpec(HttpMethod.Get, location);
        spec.Query.Add(new("uploadId", uploadId));
        if (maxParts is { } max)
        {
            spec.Query.Add(new("max-parts", max.ToString(CultureInfo.InvariantCulture)));
        }

        if (partNumberMarker is { } marker)
        {
            spec.Query.Add(new("part-number-marker", marker.ToString(CultureInfo.InvariantCulture)));
        }

        using var response = await SendAsync("ListParts", spec, credential, cancellationToken).ConfigureAwait(false);
        var root = (await ReadXmlAsync("ListParts", response, credential, cancellationToken).ConfigureAwait(false)).Root;
        if (root is null)
        {
            throw InvalidResponse("ListParts", response, "is empty.");
        }

        var parts = root.Elements("Part").Select(p => new OssPart(
            int.Parse(p.Element("PartNumber")?.Value ?? "0", CultureInfo.InvariantCulture),
            p.Element("ETag")?.Value ?? string.Empty,
            long.Parse(p.Element("Size")?.Value ?? "0", CultureInfo.InvariantCulture),
            DateTimeOffset.TryParse(p.Element("LastModified")?.Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var modified) ? modified : null,
            Crc64Ecma.Parse(p.Element("HashCrc64ecma")?.Value))).ToList();
        var truncated = string.Equals(root.Element("IsTruncated")?.Value, "true", StringComparison.OrdinalIgnoreCase);
        int? next = int.TryParse(root.Element("NextPartNumberMarker")?.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;
        return new OssListPartsResult(parts, truncated, next);
    }

    /// <summary>Every part uploaded so far, following ListParts pages.</summary>
    public async Task<IReadOnlyList<OssPart>> ListAllPartsAsync(OssObjectLocation location, string uploadId, AlibabaCredential credential, CancellationToken cancellationToken = default)
    {
        var all = new List<OssPart>();
        int? marker = null;
        while (true)
        {
            var page = await ListPartsAsync(location, uploadId, credential, MaxPartsPerPage, marker, cancellationToken).ConfigureAwait(false);
            all.AddRange(page.Parts);
            if (!page.IsTruncated || page.NextPartNumberMarker is null || page.NextPartNumberMarker == marker)
            {
                return all;
            }

            marker = page.NextPartNumberMarker;
        }
    }

    /// <summary>An object's metadata. A missing object surfaces as <c>NoSuchKey</c>.</summary>
    public async Task<OssObjectMetadata> HeadObjectAsync(OssObjectLocation location, AlibabaCredential credential, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync("HeadObject", ObjectSpec(HttpMethod.Head, location), credential, cancellationToken).ConfigureAwait(false);
        return Metadata(response);
    }

    /// <summary>Reads an object, or a range of it. Dispose the result.</summary>
    public async Task<OssObjectContent> GetObjectAsync(OssObjectLocation location, AlibabaCredential credential, OssByteRange? range = null, CancellationToken cancellationToken = default)
    {
        var spec = ObjectSpec(HttpMethod.Get, location);
        if (range is { } r)
        {
            spec.AddHeader("Range", r.ToString());
        }

        var response = await SendAsync("GetObject", spec, credential, cancellationToken, bufferBody: false).ConfigureAwait(false);
        try
        {
            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return new OssObjectContent(response, body, Metadata(response), response.Content.Headers.ContentRange?.ToString());
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>Deletes an object (deleting a missing object succeeds, as in OSS).</summary>
    public async Task DeleteObjectAsync(OssObjectLocation location, AlibabaCredential credential, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync("DeleteObject", ObjectSpec(HttpMethod.Delete, location), credential, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Builds the signed request of an operation without sending it (diagnostics and tests).</summary>
    internal HttpRequestMessage Build(OssRequestSpec spec, AlibabaCredential credential) =>
        OssRequestBuilder.Build(spec, credential, _options, _time.GetUtcNow());

    /// <summary>The CompleteMultipartUpload XML: parts sorted by number, duplicates dropped (last wins), ETags verbatim.</summary>
    internal static byte[] CompleteBody(IEnumerable<OssPartETag> parts)
    {
        var sorted = parts.GroupBy(p => p.PartNumber).Select(g => g.Last()).OrderBy(p => p.PartNumber).ToList();
        if (sorted.Count == 0)
        {
            throw new ArgumentException("CompleteMultipartUpload needs at least one part.", nameof(parts));
        }

        var builder = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CompleteMultipartUpload>\n");
        foreach (var part in sorted)
        {
            builder.Append("<Part>\n<PartNumber>").Append(part.PartNumber.ToString(CultureInfo.InvariantCulture)).Append("</PartNumber>\n<ETag>")
                .Append(new XText(part.ETag)).Append("</ETag>\n</Part>\n");
        }

        builder.Append("</CompleteMultipartUpload>");
        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    internal static OssRequestSpec ObjectSpec(HttpMethod method, OssObjectLocation location, HttpContent? content = null)
    {
        ArgumentNullException.ThrowIfNull(location);
        ArgumentException.ThrowIfNullOrEmpty(location.Bucket);
        ArgumentException.ThrowIfNullOrEmpty(location.Key);
        return new OssRequestSpec { Method = method, Endpoint = location.Endpoint, Bucket = location.Bucket, Key = location.Key, Content = content };
    }

    private static StreamContent BodyContent(Stream content, long contentLength)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentOutOfRangeException.ThrowIfNegative(contentLength);

        // The body is copied to the socket through a buffer of this size; 80 KiB stays off the large-object heap.
        var body = new StreamContent(new LengthLimitedStream(content, contentLength), 81920);
        body.Headers.ContentLength = contentLength;
        return body;
    }

    // One span per call: the operation, host, status and error code; never the URL or its headers.
    private async Task<HttpResponseMessage> SendAsync(string operation, OssRequestSpec spec, AlibabaCredential credential, CancellationToken cancellationToken, bool bufferBody = true)
    {
        using var span = Telemetry.AlibabaTelemetry.StartCall(AlibabaService.Oss, operation, spec.Endpoint.Host, spec.Method.Method);
        try
        {
            var response = await SendCoreAsync(operation, spec, credential, bufferBody, cancellationToken).ConfigureAwait(false);
            Telemetry.AlibabaTelemetry.Answered(span, (int)response.StatusCode);
            return response;
        }
        catch (AlibabaCloudException ex)
        {
            Telemetry.AlibabaTelemetry.Failed(span, ex);
            throw;
        }
    }

    private async Task<HttpResponseMessage> SendCoreAsync(string operation, OssRequestSpec spec, AlibabaCredential credential, bool bufferBody, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credential);
        using var request = OssRequestBuilder.Build(spec, credential, _options, _time.GetUtcNow());
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, bufferBody ? HttpCompletionOption.ResponseContentRead : HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException ex)
        {
            throw Failure(operation, 0, AlibabaErrorClassifier.TimeoutErrorCode, $"No answer within {_options.Timeout.TotalSeconds:0.#} s.", null, null, credential, ex);
        }
        catch (HttpRequestException ex)
        {
            throw Failure(operation, 0, AlibabaErrorClassifier.NetworkErrorCode, ex.HttpRequestError.ToString(), null, null, credential, ex);
        }
        catch (IOException ex)
        {
            throw Failure(operation, 0, AlibabaErrorClassifier.NetworkErrorCode, "The connection failed while sending the body.", null, null, credential, ex);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await ErrorFromAsync(operation, spec.Method, response, credential, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<AlibabaCloudException> ErrorFromAsync(string operation, HttpMethod method, HttpResponseMessage response, AlibabaCredential credential, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        OssErrorBody? error = null;
        if (method != HttpMethod.Head)
        {
            try
            {
                var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
                error = OssErrorParser.Parse(Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, MaxErrorBodyBytes)));
            }
            catch (HttpRequestException)
            {
                // The error body was lost; the status still classifies the failure.
            }
        }

        error ??= OssErrorParser.ParseHeader(Header(response, "x-oss-err"));
        var code = error?.Code ?? response.StatusCode switch
        {
            HttpStatusCode.NotFound => "NoSuchKey",
            HttpStatusCode.PreconditionFailed => "PreconditionFailed",
            HttpStatusCode.NotModified => "NotModified",
            _ => "HttpError",
        };
        return Failure(operation, status, code, error?.Message ?? response.ReasonPhrase ?? string.Empty, error?.RequestId ?? RequestId(response), error, credential, null);
    }

    private static AlibabaCloudException Failure(string operation, int status, string code, string message, string? requestId, OssErrorBody? error, AlibabaCredential credential, Exception? inner) =>
        new(AlibabaService.Oss, operation, status, code, SecretRedactor.Redact(message, credential.Secrets), requestId,
            AlibabaErrorClassifier.Classify(status, code, credential.IsTemporary), inner, error?.HostId, error?.Ec);

    private static AlibabaCloudException InvalidResponse(string operation, HttpResponseMessage response, string problem) =>
        new(AlibabaService.Oss, operation, (int)response.StatusCode, "InvalidResponse", $"The answer {problem}", RequestId(response), AlibabaErrorKind.Retryable);

    private static async Task<XDocument> ReadXmlAsync(string operation, HttpResponseMessage response, AlibabaCredential credential, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return OssXml.Parse(text);
        }
        catch (System.Xml.XmlException ex)
        {
            throw Failure(operation, (int)response.StatusCode, "InvalidResponse", "The answer is not XML.", RequestId(response), null, credential, ex);
        }
    }

    private static OssWriteResult WriteResult(HttpResponseMessage response) =>
        new(Header(response, "ETag") ?? string.Empty, Crc64Ecma.Parse(Header(response, "x-oss-hash-crc64ecma")), RequestId(response));

    private static OssObjectMetadata Metadata(HttpResponseMessage response)
    {
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in response.Headers)
        {
            if (name.StartsWith("x-oss-meta-", StringComparison.OrdinalIgnoreCase))
            {
                metadata[name["x-oss-meta-".Length..]] = string.Join(',', values);
            }
        }

        return new OssObjectMetadata
        {
            ContentLength = response.Content.Headers.ContentLength ?? 0,
            ContentType = response.Content.Headers.ContentType?.ToString(),
            ETag = Header(response, "ETag"),
            LastModified = response.Content.Headers.LastModified,
            ObjectType = Header(response, "x-oss-object-type"),
            Crc64 = Crc64Ecma.Parse(Header(response, "x-oss-hash-crc64ecma")),
            StorageClass = Header(response, "x-oss-storage-class"),
            Metadata = metadata,
            RequestId = RequestId(response),
        };
    }

    private static string? RequestId(HttpResponseMessage response) => Header(response, "x-oss-request-id");

    private static string? Header(HttpResponseMessage response, string name)
    {
        if (response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values))
        {
            return values.FirstOrDefault();
        }

        return null;
    }
}
