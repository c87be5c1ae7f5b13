using Vod.Alibaba.Hashing;
using Vod.Alibaba.Oss;
using Vod.Upload.Credentials;

namespace Vod.Upload.Steps;

/// <summary>Sends one part (or a whole small object) and checks that OSS stored exactly the bytes that were read.</summary>
internal static class PartSender
{
    /// <summary>
    /// PUTs <paramref name="data"/> with its Content-MD5 — as part <paramref name="number"/> of
    /// <paramref name="multipartUploadId"/>, or as the whole object when that is null — and compares OSS's CRC-64 with
    /// <paramref name="crc"/>: a mismatch is a retryable IntegrityError (the part is sent again).
    /// </summary>
    public static async Task<OssWriteResult> SendAsync(StepServices services, OssObjectLocation target, string? multipartUploadId, int number,
        ReadOnlyMemory<byte> data, ulong crc, UploadCredentialProvider credentials, CancellationToken cancellationToken)
    {
        var md5 = ContentMd5.Compute(data.Span);
        var stored = await CredentialedCall.RunAsync(credentials, c => multipartUploadId is null
            ? services.Oss.PutObjectAsync(target, data, md5, c, cancellationToken)
            : services.Oss.UploadPartAsync(target, multipartUploadId, number, data, md5, c, cancellationToken), cancellationToken).ConfigureAwait(false);
        if (stored.Crc64 is { } serverCrc && serverCrc != crc)
        {
            throw new UploadException(UploadErrorCodes.IntegrityError, $"OSS's CRC-64 of part {number} differs from the source's.", UploadErrorKind.Retryable);
        }

        return stored;
    }
}
