using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Microsoft.AspNetCore.Http;
using Vod.Alibaba.Hashing;
using Vod.Emulator.State;

namespace Vod.Emulator.Oss;

/// <summary>
/// The OSS REST subset VOD uploads use: PutObject, multipart (initiate, part, list, complete, abort), Head, ranged Get,
/// Delete — with OSS's checks, errors, ETags and CRC-64 headers. Bodies stream to disk.
/// </summary>
internal sealed class OssHandler(EmulatorState state, ObjectStorage storage, OssAuthenticator authenticator, FaultSwitches faults, TimeProvider time)
{
    /// <summary>Largest single PutObject: 5 GB.</summary>
    public const long MaxPutObjectSize = 5L * 1024 * 1024 * 1024;

    /// <summary>Smallest part other than the last, checked at completion: 100 KB.</summary>
    public const long MinPartSize = 100 * 1024;

    /// <summary>Raised when an object is complete (PutObject or CompleteMultipartUpload).</summary>
    public Func<StoredObject, Task>? ObjectCompleted { get; set; }

    /// <summary>Answers one OSS request.</summary>
    public async Task HandleAsync(HttpContext http)
    {
        var request = OssRequestContext.From(http);
        if (faults.OssLatency > TimeSpan.Zero)
        {
            await Task.Delay(faults.OssLatency, http.RequestAborted);
        }

        // OSS checks the bucket before the signature: a bucket that does not exist is NoSuchBucket for anyone.
        if (request.Bucket is not null && !string.Equals(request.Bucket, state.Bucket, StringComparison.Ordinal))
        {
            await DrainAsync(http);
            await ErrorAsync(request, 404, "NoSuchBucket", "The specified bucket does not exist.", new Dictionary<string, string> { ["BucketName"] = request.Bucket });
            return;
        }

        if (authenticator.Authenticate(request) is { } failure)
        {
            await DrainAsync(http);
            await ErrorAsync(request, failure.Status, failure.Code, failure.Message, failure.Extra);
            return;
        }

        if (request.Bucket is null || request.Key is null)
        {
            await ErrorAsync(request, 400, "InvalidArgument", "This emulator serves object operations only; name a bucket and a key.");
            return;
        }

        var task = (request.Method, request.Has("uploadId"), request.Has("uploads"), request.Has("partNumber")) switch
        {
            ("PUT", true, _, true) => UploadPartAsync(request),
            ("PUT", false, false, false) => PutObjectAsync(request),
            ("POST", false, true, _) => InitiateAsync(request),
            ("POST", true, _, _) => CompleteAsync(request),
            ("GET", true, _, _) => ListPartsAsync(request),
            ("DELETE", true, _, _) => AbortAsync(request),
            ("GET", false, _, _) => GetObjectAsync(request, includeBody: true),
            ("HEAD", _, _, _) => GetObjectAsync(request, includeBody: false),
            ("DELETE", false, _, _) => DeleteObjectAsync(request),
            _ => ErrorAsync(request, 405, "MethodNotAllowed", "The specified method is not allowed against this resource."),
        };
        await task;
    }

    private async Task PutObjectAsync(OssRequestContext request)
    {
        var bucket = request.Bucket!;
        var key = request.Key!;
        if (request.Http.Request.ContentLength > MaxPutObjectSize)
        {
            await ErrorAsync(request, 400, "InvalidArgument", "Your proposed upload exceeds the maximum allowed size.");
            return;
        }

        var body = await ReceiveAsync(request, ObjectCounterKey(bucket, key), uploadId: null);
        if (body is null)
        {
            return;
        }

        if (!await CheckDigestAsync(request, body))
        {
            return;
        }

        var stored = new StoredObject
        {
            Bucket = bucket,
            Key = key,
            FilePath = storage.ObjectPath(bucket, key),
            Size = body.Size,
            ETag = Quote(Convert.ToHexString(body.Md5)),
            Crc64 = body.Crc64,
            ObjectType = "Normal",
            ContentType = request.Header("Content-Type"),
            Metadata = Metadata(request),
            LastModified = time.GetUtcNow(),
        };
        lock (state.Sync)
        {
            ObjectStorage.Place(body, stored.FilePath);
            state.Objects[EmulatorState.ObjectId(bucket, key)] = stored;
        }

        var response = request.Http.Response;
        response.Headers.ETag = stored.ETag;
        response.Headers["Content-MD5"] = Convert.ToBase64String(body.Md5);
        response.Headers["x-oss-hash-crc64ecma"] = Crc64Ecma.Format(stored.Crc64);
        response.Headers["x-oss-request-id"] = RequestId();
        await NotifyAsync(stored);
    }

    private async Task InitiateAsync(OssRequestContext request)
    {
        var upload = new MultipartUpload
        {
            UploadId = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)),
            Bucket = request.Bucket!,
            Key = request.Key!,
            Initiated = time.GetUtcNow(),
            ContentType = request.Header("Content-Type"),
            Metadata = Metadata(request),
        };
        lock (state.Sync)
        {
            state.Uploads[upload.UploadId] = upload;
        }

        await XmlAsync(request, new XElement("InitiateMultipartUploadResult",
            new XElement("Bucket", upload.Bucket), new XElement("Key", upload.Key), new XElement("UploadId", upload.UploadId)));
    }

    private async Task UploadPartAsync(OssRequestContext request)
    {
        var uploadId = request.Get("uploadId") ?? string.Empty;
        var partNumber = request.IntQuery("partNumber");
        if (partNumber is not (>= 1 and <= 10_000))
        {
            await DrainAsync(request.Http);
            await ErrorAsync(request, 400, "InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive.");
            return;
        }

        if (FindUpload(request, uploadId) is null)
        {
            await DrainAsync(request.Http);
            await NoSuchUploadAsync(request);
            return;
        }

        await faults.PartGate.PassAsync(request.Http.RequestAborted);
        lock (state.Sync)
        {
            // Every UploadPart request that names a live upload counts, whether it then succeeds or not.
            var perPart = state.PartUploadsReceived.TryGetValue(uploadId, out var existing) ? existing : state.PartUploadsReceived[uploadId] = [];
            perPart[partNumber.Value] = perPart.GetValueOrDefault(partNumber.Value) + 1;
            if (request.Header("Content-MD5") is not null)
            {
                state.PartUploadsWithContentMd5[uploadId] = state.PartUploadsWithContentMd5.GetValueOrDefault(uploadId) + 1;
            }
        }

        var failing = faults.TakePartFailure();
        var corrupt = failing && faults.PartFailureMode == PartFailureMode.Corrupt;
        if (failing && !corrupt)
        {
            await InjectPartFailureAsync(request, uploadId);
            return;
        }

        var body = await ReceiveAsync(request, ObjectCounterKey(request.Bucket!, request.Key!), uploadId, corrupt);
        if (body is null || !await CheckDigestAsync(request, body))
        {
            return;
        }

        var part = new StoredPart
        {
            PartNumber = partNumber.Value,
            FilePath = storage.PartPath(uploadId, partNumber.Value),
            Size = body.Size,
            ETag = Quote(Convert.ToHexString(body.Md5)),
            Md5 = body.Md5,
            Crc64 = body.Crc64,
            LastModified = time.GetUtcNow(),
        };
        lock (state.Sync)
        {
            if (!state.Uploads.TryGetValue(uploadId, out var upload))
            {
                ObjectStorage.DeleteQuietly(body.FilePath);
                part = null;
            }
            else
            {
                ObjectStorage.Place(body, part.FilePath);
                upload.Parts[part.PartNumber] = part;
            }
        }

        if (part is null)
        {
            await NoSuchUploadAsync(request);
            return;
        }

        var response = request.Http.Response;
        response.Headers.ETag = part.ETag;
        response.Headers["x-oss-hash-crc64ecma"] = Crc64Ecma.Format(part.Crc64);
        response.Headers["x-oss-request-id"] = RequestId();
    }

    private async Task InjectPartFailureAsync(OssRequestContext request, string uploadId)
    {
        if (faults.PartFailureMode == PartFailureMode.DropConnection)
        {
            // Take some of the body first, as a connection lost mid-transfer would.
            var buffer = new byte[16 * 1024];
            var read = await request.Http.Request.Body.ReadAsync(buffer, request.Http.RequestAborted);
            Count(ObjectCounterKey(request.Bucket!, request.Key!), uploadId, read);
            request.Http.Abort();
            return;
        }

        await DrainAsync(request.Http, ObjectCounterKey(request.Bucket!, request.Key!), uploadId);
        var status = faults.PartFailureStatus;
        await ErrorAsync(request, status, faults.PartFailureCode ?? (status == 503 ? "ServiceUnavailable" : "InternalError"), "Injected failure: the emulator was told to fail this UploadPart.");
    }

    private async Task ListPartsAsync(OssRequestContext request)
    {
        var upload = FindUpload(request, request.Get("uploadId") ?? string.Empty);
        if (upload is null)
        {
            await NoSuchUploadAsync(request);
            return;
        }

        var maxParts = Math.Clamp(request.IntQuery("max-parts") ?? 1000, 1, 1000);
        var marker = request.IntQuery("part-number-marker") ?? 0;
        List<StoredPart> all;
        lock (state.Sync)
        {
            all = upload.Parts.Values.Where(p => p.PartNumber > marker).ToList();
        }

        var page = all.Take(maxParts).ToList();
        var truncated = all.Count > page.Count;
        await XmlAsync(request, new XElement("ListPartsResult",
            new XElement("Bucket", upload.Bucket),
            new XElement("Key", upload.Key),
            new XElement("UploadId", upload.UploadId),
            new XElement("PartNumberMarker", marker),
            new XElement("NextPartNumberMarker", page.Count > 0 ? page[^1].PartNumber : marker),
            new XElement("MaxParts", maxParts),
            new XElement("IsTruncated", truncated ? "true" : "false"),
            page.Select(p => new XElement("Part",
                new XElement("PartNumber", p.PartNumber),
                new XElement("LastModified", p.LastModified.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)),
                new XElement("ETag", p.ETag),
                new XElement("Size", p.Size)))));
    }

    private async Task CompleteAsync(OssRequestContext request)
    {
        var uploadId = request.Get("uploadId") ?? string.Empty;
        var upload = FindUpload(request, uploadId);
        if (upload is null)
        {
            await DrainAsync(request.Http);
            await NoSuchUploadAsync(request);
            return;
        }

        List<(int Number, string ETag)> listed;
        if (string.Equals(request.Header("x-oss-complete-all"), "yes", StringComparison.OrdinalIgnoreCase))
        {
            lock (state.Sync)
            {
                listed = upload.Parts.Values.Select(p => (p.PartNumber, p.ETag)).ToList();
            }
        }
        else
        {
            var parsed = await ParseCompleteBodyAsync(request);
            if (parsed is null)
            {
                await ErrorAsync(request, 400, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema.");
                return;
            }

            listed = parsed;
        }

        if (listed.Count == 0)
        {
            await ErrorAsync(request, 400, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema.");
            return;
        }

        for (var i = 1; i < listed.Count; i++)
        {
            if (listed[i].Number <= listed[i - 1].Number)
            {
                await ErrorAsync(request, 400, "InvalidPartOrder", "The list of parts was not in ascending order. Parts list must be specified in order by part number.");
                return;
            }
        }

        List<StoredPart> parts;
        lock (state.Sync)
        {
            parts = listed.Select(l => upload.Parts.GetValueOrDefault(l.Number)).Where(p => p is not null).ToList()!;
            if (parts.Count != listed.Count || parts.Zip(listed).Any(pair => !SameETag(pair.First.ETag, pair.Second.ETag)))
            {
                parts = [];
            }
        }

        if (parts.Count == 0)
        {
            await ErrorAsync(request, 400, "InvalidPart", "One or more of the specified parts could not be found or the specified entity tag might not have matched the part's entity tag.");
            return;
        }

        if (parts.SkipLast(1).FirstOrDefault(p => p.Size < MinPartSize) is { } small)
        {
            await ErrorAsync(request, 400, "EntityTooSmall", "Your proposed upload smaller than the minimum allowed size.",
                new Dictionary<string, string> { ["PartNumber"] = small.PartNumber.ToString(CultureInfo.InvariantCulture), ["MinSizeAllowed"] = MinPartSize.ToString(CultureInfo.InvariantCulture) });
            return;
        }

        var file = await storage.ConcatenateAsync(parts.Select(p => p.FilePath), request.Http.RequestAborted);
        var crc = parts.Aggregate(0UL, (acc, p) => Crc64Ecma.Combine(acc, p.Crc64, p.Size));
        var md5OfMd5s = ContentMd5Raw(parts.SelectMany(p => p.Md5).ToArray());
        var stored = new StoredObject
        {
            Bucket = upload.Bucket,
            Key = upload.Key,
            FilePath = storage.ObjectPath(upload.Bucket, upload.Key),
            Size = parts.Sum(p => p.Size),
            ETag = Quote(Convert.ToHexString(md5OfMd5s) + "-" + parts.Count.ToString(CultureInfo.InvariantCulture)),
            Crc64 = crc,
            ObjectType = "Multipart",
            ContentType = upload.ContentType,
            Metadata = upload.Metadata,
            LastModified = time.GetUtcNow(),
        };
        lock (state.Sync)
        {
            if (!state.Uploads.Remove(uploadId))
            {
                // Completed or aborted concurrently.
                ObjectStorage.DeleteQuietly(file);
                stored = null;
            }
            else
            {
                File.Move(file, stored.FilePath, overwrite: true);
                state.Objects[EmulatorState.ObjectId(stored.Bucket, stored.Key)] = stored;
            }
        }

        if (stored is null)
        {
            await NoSuchUploadAsync(request);
            return;
        }

        ObjectStorage.DeleteQuietly(Path.Combine(storage.Root, "parts", uploadId));
        request.Http.Response.Headers.ETag = stored.ETag;
        request.Http.Response.Headers["x-oss-hash-crc64ecma"] = Crc64Ecma.Format(stored.Crc64);
        var host = request.Http.Request.Host.Value;
        await XmlAsync(request, new XElement("CompleteMultipartUploadResult",
            new XElement("Location", $"http://{stored.Bucket}.{host}/{Uri.EscapeDataString(stored.Key)}"),
            new XElement("Bucket", stored.Bucket),
            new XElement("Key", stored.Key),
            new XElement("ETag", stored.ETag)));
        await NotifyAsync(stored);
    }

    private async Task AbortAsync(OssRequestContext request)
    {
        var uploadId = request.Get("uploadId") ?? string.Empty;
        bool removed;
        lock (state.Sync)
        {
            removed = FindUpload(request, uploadId) is not null && state.Uploads.Remove(uploadId);
        }

        if (!removed)
        {
            await NoSuchUploadAsync(request);
            return;
        }

        ObjectStorage.DeleteQuietly(Path.Combine(storage.Root, "parts", uploadId));
        request.Http.Response.StatusCode = 204;
        request.Http.Response.Headers["x-oss-request-id"] = RequestId();
    }

    private async Task GetObjectAsync(OssRequestContext request, bool includeBody)
    {
        StoredObject? stored;
        lock (state.Sync)
        {
            stored = state.Objects.GetValueOrDefault(EmulatorState.ObjectId(request.Bucket!, request.Key!));
        }

        if (stored is null)
        {
            await ErrorAsync(request, 404, "NoSuchKey", "The specified key does not exist.");
            return;
        }

        var response = request.Http.Response;
        response.Headers.ETag = stored.ETag;
        response.Headers.LastModified = stored.LastModified.ToString("r", CultureInfo.InvariantCulture);
        response.Headers["x-oss-object-type"] = stored.ObjectType;
        response.Headers["x-oss-hash-crc64ecma"] = Crc64Ecma.Format(stored.Crc64);
        response.Headers["x-oss-storage-class"] = "Standard";
        response.Headers["x-oss-request-id"] = RequestId();
        response.Headers.AcceptRanges = "bytes";
        response.ContentType = stored.ContentType ?? "application/octet-stream";
        foreach (var (name, value) in stored.Metadata)
        {
            response.Headers["x-oss-meta-" + name] = value;
        }

        var (start, end, partial, unsatisfiable) = Range(request, stored.Size);
        if (unsatisfiable)
        {
            await ErrorAsync(request, 416, "InvalidRange", "The requested range cannot be satisfied.");
            return;
        }

        var length = end - start + 1;
        if (partial)
        {
            response.StatusCode = 206;
            response.Headers.ContentRange = $"bytes {start}-{end}/{stored.Size}";
        }

        response.ContentLength = Math.Max(0, length);
        if (!includeBody || length <= 0)
        {
            return;
        }

        await using var file = new FileStream(stored.FilePath, FileMode.Open, FileAccess.Read, FileShare.Read, 256 * 1024, useAsync: true);
        file.Seek(start, SeekOrigin.Begin);
        var buffer = new byte[256 * 1024];
        var remaining = length;
        while (remaining > 0)
        {
            var read = await file.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)), request.Http.RequestAborted);
            if (read == 0)
            {
                break;
            }

            await response.Body.WriteAsync(buffer.AsMemory(0, read), request.Http.RequestAborted);
            remaining -= read;
        }
    }

    private Task DeleteObjectAsync(OssRequestContext request)
    {
        StoredObject? removed;
        lock (state.Sync)
        {
            var id = EmulatorState.ObjectId(request.Bucket!, request.Key!);
            removed = state.Objects.GetValueOrDefault(id);
            state.Objects.Remove(id);
        }

        if (removed is not null)
        {
            ObjectStorage.DeleteQuietly(removed.FilePath);
        }

        request.Http.Response.StatusCode = 204;
        request.Http.Response.Headers["x-oss-request-id"] = RequestId();
        return Task.CompletedTask;
    }

    /// <summary>
    /// One single range. Per OSS: an unparsable or out-of-bounds range is ignored (whole object), unless
    /// <c>x-oss-range-behavior: standard</c>, which truncates an end past the object and refuses a start past it.
    /// </summary>
    private static (long Start, long End, bool Partial, bool Unsatisfiable) Range(OssRequestContext request, long size)
    {
        var whole = (0L, size - 1, false, false);
        var header = request.Header("Range");
        if (string.IsNullOrEmpty(header) || !header.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase) || header.Contains(',', StringComparison.Ordinal))
        {
            return whole;
        }

        var standard = string.Equals(request.Header("x-oss-range-behavior"), "standard", StringComparison.OrdinalIgnoreCase);
        var spec = header[6..].Trim();
        var dash = spec.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0)
        {
            return whole;
        }

        var fromText = spec[..dash];
        var toText = spec[(dash + 1)..];
        if (fromText.Length == 0)
        {
            if (!long.TryParse(toText, NumberStyles.None, CultureInfo.InvariantCulture, out var suffix) || suffix == 0 || size == 0)
            {
                return whole;
            }

            return (Math.Max(0, size - suffix), size - 1, true, false);
        }

        if (!long.TryParse(fromText, NumberStyles.None, CultureInfo.InvariantCulture, out var from))
        {
            return whole;
        }

        long to = size - 1;
        if (toText.Length > 0 && (!long.TryParse(toText, NumberStyles.None, CultureInfo.InvariantCulture, out to) || to < from))
        {
            return whole;
        }

        if (from >= size)
        {
            return standard ? (0, 0, false, true) : whole;
        }

        if (to >= size)
        {
            if (!standard)
            {
                return whole;
            }

            to = size - 1;
        }

        return (from, to, true, false);
    }

    private async Task<WrittenBody?> ReceiveAsync(OssRequestContext request, string objectCounter, string? uploadId, bool corrupt = false)
    {
        try
        {
            return await storage.ReceiveAsync(request.Http.Request.Body, read => Count(objectCounter, uploadId, read), corrupt, request.Http.RequestAborted);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or Microsoft.AspNetCore.Connections.ConnectionResetException or BadHttpRequestException)
        {
            // The client went away mid-body; nothing is stored, the bytes are counted.
            return null;
        }
    }

    private void Count(string objectCounter, string? uploadId, int bytes)
    {
        lock (state.Sync)
        {
            state.BytesReceivedPerObject[objectCounter] = state.BytesReceivedPerObject.GetValueOrDefault(objectCounter) + bytes;
            if (uploadId is not null)
            {
                state.BytesReceivedPerUpload[uploadId] = state.BytesReceivedPerUpload.GetValueOrDefault(uploadId) + bytes;
            }
        }
    }

    private static async Task<bool> CheckDigestAsync(OssRequestContext request, WrittenBody body)
    {
        var md5 = request.Header("Content-MD5");
        if (md5 is null || md5 == Convert.ToBase64String(body.Md5))
        {
            return true;
        }

        ObjectStorage.DeleteQuietly(body.FilePath);
        await ErrorAsync(request, 400, "InvalidDigest", "The Content-MD5 you specified was invalid.",
            new Dictionary<string, string> { ["CalculatedDigest"] = Convert.ToBase64String(body.Md5), ["ProvidedDigest"] = md5 });
        return false;
    }

    private MultipartUpload? FindUpload(OssRequestContext request, string uploadId)
    {
        lock (state.Sync)
        {
            return state.Uploads.TryGetValue(uploadId, out var upload) && upload.Bucket == request.Bucket && upload.Key == request.Key ? upload : null;
        }
    }

    private static Task NoSuchUploadAsync(OssRequestContext request) =>
        ErrorAsync(request, 404, "NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
            new Dictionary<string, string> { ["UploadId"] = request.Get("uploadId") ?? string.Empty });

    private async Task NotifyAsync(StoredObject stored)
    {
        if (ObjectCompleted is { } handler)
        {
            await handler(stored);
        }
    }

    private static async Task<List<(int Number, string ETag)>?> ParseCompleteBodyAsync(OssRequestContext request)
    {
        using var reader = new StreamReader(request.Http.Request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(request.Http.RequestAborted);
        try
        {
            using var xml = XmlReader.Create(new StringReader(text), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            var root = XDocument.Load(xml).Root;
            if (root?.Name.LocalName != "CompleteMultipartUpload")
            {
                return null;
            }

            var parts = new List<(int, string)>();
            foreach (var part in root.Elements("Part"))
            {
                if (!int.TryParse(part.Element("PartNumber")?.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) || part.Element("ETag") is not { } etag)
                {
                    return null;
                }

                parts.Add((number, etag.Value));
            }

            return parts;
        }
        catch (XmlException)
        {
            return null;
        }
    }

    private static Dictionary<string, string> Metadata(OssRequestContext request) =>
        request.Http.Request.Headers.Where(h => h.Key.StartsWith("x-oss-meta-", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(h => h.Key["x-oss-meta-".Length..].ToLowerInvariant(), h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);

    private static bool SameETag(string a, string b) => string.Equals(a.Trim().Trim('"'), b.Trim().Trim('"'), StringComparison.OrdinalIgnoreCase);

    private static string Quote(string hex) => "\"" + hex + "\"";

    private static string ObjectCounterKey(string bucket, string key) => EmulatorState.ObjectId(bucket, key);

#pragma warning disable CA5351 // OSS's multipart ETag is built from MD5s.
    private static byte[] ContentMd5Raw(byte[] data) => MD5.HashData(data);
#pragma warning restore CA5351

    private static string RequestId() => Convert.ToHexString(RandomNumberGenerator.GetBytes(12));

    /// <summary>Reads and discards a request body (counting it when it belongs to an object), so the answer reaches the client.</summary>
    private async Task DrainAsync(HttpContext http, string? objectCounter = null, string? uploadId = null)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await http.Request.Body.ReadAsync(buffer, http.RequestAborted)) > 0)
            {
                if (objectCounter is not null)
                {
                    Count(objectCounter, uploadId, read);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or BadHttpRequestException)
        {
            // The client gave up; nothing to answer.
        }
    }

    /// <summary>Writes the OSS error document (or, for HEAD, the Base64 <c>x-oss-err</c> header).</summary>
    public static async Task ErrorAsync(OssRequestContext request, int status, string code, string message, IReadOnlyDictionary<string, string>? extra = null)
    {
        var requestId = RequestId();
        var error = new XElement("Error",
            new XElement("Code", code),
            new XElement("Message", message),
            new XElement("RequestId", requestId),
            new XElement("HostId", request.Http.Request.Host.Value),
            extra?.Select(e => new XElement(e.Key, e.Value)));
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + error;
        var response = request.Http.Response;
        if (response.HasStarted)
        {
            return;
        }

        response.StatusCode = status;
        response.Headers["x-oss-request-id"] = requestId;
        if (request.Method == "HEAD")
        {
            response.Headers["x-oss-err"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(xml));
            return;
        }

        response.ContentType = "application/xml";
        await response.WriteAsync(xml, request.Http.RequestAborted);
    }

    private static async Task XmlAsync(OssRequestContext request, XElement body)
    {
        var response = request.Http.Response;
        response.ContentType = "application/xml";
        response.Headers["x-oss-request-id"] = RequestId();
        await response.WriteAsync("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + body.ToString(SaveOptions.DisableFormatting), request.Http.RequestAborted);
    }
}
