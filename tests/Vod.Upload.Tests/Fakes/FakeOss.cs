using System.Security.Cryptography;
using Vod.Alibaba.Credentials;
using Vod.Alibaba.Hashing;
using Vod.Alibaba.Oss;
using Vod.Upload.Ports;

namespace Vod.Upload.Tests.Fakes;

/// <summary>
/// OSS in memory: objects, multipart uploads and their parts, with ETags (the MD5) and CRC-64s as OSS gives them.
/// Every call checks its STS credential against the ones the fake VOD issued: one for another media, or expired, is
/// refused as OSS refuses it.
/// </summary>
public sealed class FakeOss(FakeWorld world) : IOssUploadApi
{
    private readonly Lock _gate = new();
    private readonly Queue<(string Operation, UploadException Error)> _failures = new();
    private int _next;
    private int _corruptions;

    /// <summary>Complete objects by key.</summary>
    public Dictionary<string, byte[]> Objects { get; } = [];

    /// <summary>Multipart uploads in progress, by id: their key and parts.</summary>
    public Dictionary<string, (string Key, SortedDictionary<int, byte[]> Parts)> Uploads { get; } = [];

    /// <summary>Bytes received by UploadPart and PutObject over the test, whatever became of them.</summary>
    public long BytesReceived { get; private set; }

    /// <summary>Calls made, by operation.</summary>
    public Dictionary<string, int> Calls { get; } = [];

    /// <summary>Makes the next call of <paramref name="operation"/> fail with <paramref name="error"/>, <paramref name="times"/> times.</summary>
    public void FailNext(string operation, UploadException error, int times = 1)
    {
        lock (_gate)
        {
            for (var i = 0; i < times; i++)
            {
                _failures.Enqueue((operation, error));
            }
        }
    }

    /// <summary>Fails every call of the operations it answers an error for, from now on (null: none).</summary>
    public Func<string, UploadException?>? Always { get; set; }

    public async Task<OssWriteResult> PutObjectAsync(OssObjectLocation target, PartBody body, string? contentMd5, AlibabaCredential credential, CancellationToken cancellationToken)
    {
        Check("PutObject", target, credential, body.Length);
        var bytes = await Receive(body, contentMd5, cancellationToken);
        return world.Effect("PutObject", () =>
        {
            lock (_gate)
            {
                Objects[target.Key] = bytes;
                return new OssWriteResult(ETag(bytes), Crc64Ecma.Compute(bytes), null);
            }
        });
    }

    public Task<string> InitiateAsync(OssObjectLocation target, AlibabaCredential credential, CancellationToken cancellationToken)
    {
        Check("Initiate", target, credential);
        return Task.FromResult(world.Effect("Initiate", () =>
        {
            lock (_gate)
            {
                var id = $"mpu{++_next:D4}";
                Uploads[id] = (target.Key, new SortedDictionary<int, byte[]>());
                return id;
            }
        }));
    }

    /// <summary>Runs before each UploadPart is received (a test holds parts there); cancellable like a request in flight.</summary>
    public Func<int, CancellationToken, Task>? BeforeUploadPart { get; set; }

    public async Task<OssWriteResult> UploadPartAsync(OssObjectLocation target, string multipartUploadId, int partNumber, PartBody body, string? contentMd5, AlibabaCredential credential, CancellationToken cancellationToken)
    {
        if (BeforeUploadPart is { } hold)
        {
            await hold(partNumber, cancellationToken);
        }

        Check("UploadPart", target, credential, body.Length);
        var bytes = await Receive(body, contentMd5, cancellationToken);
        return world.Effect("UploadPart " + partNumber, () =>
        {
            lock (_gate)
            {
                if (!Uploads.TryGetValue(multipartUploadId, out var upload))
                {
                    throw Gone(multipartUploadId);
                }

                upload.Parts[partNumber] = bytes;
                return new OssWriteResult(ETag(bytes), Crc64Ecma.Compute(bytes), null);
            }
        });
    }

    public Task<IReadOnlyList<OssPart>> ListPartsAsync(OssObjectLocation target, string multipartUploadId, AlibabaCredential credential, CancellationToken cancellationToken)
    {
        Check("ListParts", target, credential);
        world.Alive("ListParts");
        lock (_gate)
        {
            if (!Uploads.TryGetValue(multipartUploadId, out var upload))
            {
                throw Gone(multipartUploadId);
            }

            return Task.FromResult<IReadOnlyList<OssPart>>([.. upload.Parts.Select(p => new OssPart(p.Key, ETag(p.Value), p.Value.Length, null, Crc64Ecma.Compute(p.Value)))]);
        }
    }

    public Task<OssCompleteResult> CompleteAsync(OssObjectLocation target, string multipartUploadId, IReadOnlyList<OssPartETag> parts, AlibabaCredential credential, CancellationToken cancellationToken)
    {
        Check("Complete", target, credential);
        return Task.FromResult(world.Effect("Complete", () =>
        {
            lock (_gate)
            {
                if (!Uploads.TryGetValue(multipartUploadId, out var upload))
                {
                    throw Gone(multipartUploadId);
                }

                var body = new List<byte>();
                foreach (var part in parts)
                {
                    if (!upload.Parts.TryGetValue(part.PartNumber, out var bytes) || ETag(bytes) != part.ETag)
                    {
                        throw new UploadException("InvalidPart", $"Part {part.PartNumber} is not the one uploaded.", UploadErrorKind.Fatal);
                    }

                    body.AddRange(bytes);
                }

                Uploads.Remove(multipartUploadId);
                var whole = body.ToArray();
                Objects[target.Key] = whole;
                return new OssCompleteResult(ETag(whole) + "-" + parts.Count, Crc64Ecma.Compute(whole), null, null);
            }
        }));
    }

    public Task AbortAsync(OssObjectLocation target, string multipartUploadId, AlibabaCredential credential, CancellationToken cancellationToken)
    {
        Check("Abort", target, credential);
        world.Effect("Abort", () =>
        {
            lock (_gate)
            {
                return Uploads.Remove(multipartUploadId);
            }
        });
        return Task.CompletedTask;
    }

    public Task<OssObjectMetadata?> HeadAsync(OssObjectLocation target, AlibabaCredential credential, CancellationToken cancellationToken)
    {
        Check("Head", target, credential);
        world.Alive("Head");
        lock (_gate)
        {
            return Task.FromResult(Objects.TryGetValue(target.Key, out var bytes)
                ? new OssObjectMetadata { ContentLength = bytes.Length, ETag = ETag(bytes), Crc64 = Crc64Ecma.Compute(bytes) }
                : null);
        }
    }

    private static UploadException Gone(string id) => new("NoSuchUpload", $"The multipart upload {id} does not exist.", UploadErrorKind.UploadGone);

    /// <summary>Damages the next <paramref name="times"/> part or object bodies on their way in (one byte flipped), as a faulty network path would.</summary>
    public void CorruptNext(int times = 1)
    {
        lock (_gate)
        {
            _corruptions += times;
        }
    }

    /// <summary>The Content-MD5 each UploadPart and PutObject carried (null when none), in arrival order.</summary>
    public List<string?> ContentMd5s { get; } = [];

    // Reads the body as OSS would: to its end, then checks the Content-MD5 it came with against what arrived.
    private async Task<byte[]> Receive(PartBody body, string? contentMd5, CancellationToken cancellationToken)
    {
        var received = new MemoryStream(body.Length);
        await using (var content = body.OpenRead())
        {
            await content.CopyToAsync(received, cancellationToken);
        }

        var bytes = received.ToArray();
        lock (_gate)
        {
            ContentMd5s.Add(contentMd5);
            if (bytes.Length > 0 && _corruptions > 0)
            {
                _corruptions--;
                bytes[bytes.Length / 2] ^= 0x5A;
            }
        }

        if (contentMd5 is not null && contentMd5 != Convert.ToBase64String(MD5.HashData(bytes)))
        {
            throw new UploadException("InvalidDigest", "The Content-MD5 you specified was invalid.", UploadErrorKind.Retryable);
        }

        return bytes;
    }

    private static string ETag(byte[] bytes) => "\"" + Convert.ToHexString(MD5.HashData(bytes)) + "\"";

    private void Check(string operation, OssObjectLocation target, AlibabaCredential credential, long bytes = 0)
    {
        world.Alive(operation);
        lock (_gate)
        {
            Calls[operation] = Calls.GetValueOrDefault(operation) + 1;
            BytesReceived += bytes;
            if (_failures.TryPeek(out var failure) && failure.Operation == operation)
            {
                _failures.Dequeue();
                throw failure.Error;
            }

            if (Always?.Invoke(operation) is { } always)
            {
                throw always;
            }
        }

        lock (world.Vod.Credentials)
        {
            if (!world.Vod.Credentials.TryGetValue(credential.AccessKeyId, out var issued) || !target.Key.Contains(issued.MediaId, StringComparison.Ordinal))
            {
                throw new UploadException("InvalidAccessKeyId", "The credential is not one issued for this object.", UploadErrorKind.Fatal);
            }

            if (issued.ExpiresAt <= DateTimeOffset.UtcNow)
            {
                throw new UploadException("SecurityTokenExpired", "The security token expired.", UploadErrorKind.CredentialExpired);
            }
        }
    }
}
