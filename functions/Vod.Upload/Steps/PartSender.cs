using Vod.Alibaba.Oss;
using Vod.Upload.Credentials;
using Vod.Upload.Ports;

namespace Vod.Upload.Steps;

/// <summary>Sends one part (or a whole small object) and checks that OSS stored exactly the bytes that were read.</summary>
internal static class PartSender
{
    /// <summary>
    /// PUTs <paramref name="body"/> — as part <paramref name="number"/> of <paramref name="multipartUploadId"/>, or as
    /// the whole object when that is null — while it is still being read, unless <paramref name="contentMd5"/> asks
    /// for a <c>Content-MD5</c> header, which needs the whole part hashed first. Then compares OSS's CRC-64 with the
    /// one <paramref name="digest"/> computed during the read: a mismatch is a retryable IntegrityError (the part is
    /// sent again). A failed read fails the send with the read's own error, not as a network failure.
    /// </summary>
    public static async Task<OssWriteResult> SendAsync(StepServices services, OssObjectLocation target, string? multipartUploadId, int number,
        PartBody body, Task<PartDigest> digest, bool contentMd5, UploadCredentialProvider credentials, CancellationToken cancellationToken)
    {
        var md5 = contentMd5 ? (await digest.ConfigureAwait(false)).ContentMd5 : null;
        OssWriteResult stored;
        try
        {
            stored = await CredentialedCall.RunAsync(credentials, c => multipartUploadId is null
                ? services.Oss.PutObjectAsync(target, body, md5, c, cancellationToken)
                : services.Oss.UploadPartAsync(target, multipartUploadId, number, body, md5, c, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (body.Filled.IsFaulted)
        {
            await body.Filled.ConfigureAwait(false);
            throw;
        }

        var crc = (await digest.ConfigureAwait(false)).Crc64;
        if (stored.Crc64 is { } serverCrc && serverCrc != crc)
        {
            throw new UploadException(UploadErrorCodes.IntegrityError, $"OSS's CRC-64 of part {number} differs from the source's.", UploadErrorKind.Retryable);
        }

        return stored;
    }
}
