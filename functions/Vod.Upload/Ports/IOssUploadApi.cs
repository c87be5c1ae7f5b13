using Vod.Alibaba.Credentials;
using Vod.Alibaba.Oss;

namespace Vod.Upload.Ports;

/// <summary>
/// The OSS calls an upload makes, each with the media's STS credential. Failures are <see cref="UploadException"/>s:
/// <see cref="UploadErrorKind.CredentialExpired"/> (renew and call again), <see cref="UploadErrorKind.UploadGone"/>
/// (the multipart upload no longer exists), <see cref="UploadErrorKind.Retryable"/> or <see cref="UploadErrorKind.Fatal"/>.
/// </summary>
public interface IOssUploadApi
{
    /// <summary>
    /// PutObject of a whole (small) source; <paramref name="contentMd5"/> is sent when given. The body may still be
    /// filling: its bytes are sent as they arrive.
    /// </summary>
    Task<OssWriteResult> PutObjectAsync(OssObjectLocation target, PartBody body, string? contentMd5, AlibabaCredential credential, CancellationToken cancellationToken);

    /// <summary>InitiateMultipartUpload; returns the multipart upload id.</summary>
    Task<string> InitiateAsync(OssObjectLocation target, AlibabaCredential credential, CancellationToken cancellationToken);

    /// <summary>UploadPart; <paramref name="contentMd5"/> is sent when given. The body may still be filling: its bytes are sent as they arrive.</summary>
    Task<OssWriteResult> UploadPartAsync(OssObjectLocation target, string multipartUploadId, int partNumber, PartBody body, string? contentMd5, AlibabaCredential credential, CancellationToken cancellationToken);

    /// <summary>Every part OSS holds for the multipart upload (ListParts, all pages).</summary>
    Task<IReadOnlyList<OssPart>> ListPartsAsync(OssObjectLocation target, string multipartUploadId, AlibabaCredential credential, CancellationToken cancellationToken);

    /// <summary>CompleteMultipartUpload with the given parts.</summary>
    Task<OssCompleteResult> CompleteAsync(OssObjectLocation target, string multipartUploadId, IReadOnlyList<OssPartETag> parts, AlibabaCredential credential, CancellationToken cancellationToken);

    /// <summary>AbortMultipartUpload; one that no longer exists is no error.</summary>
    Task AbortAsync(OssObjectLocation target, string multipartUploadId, AlibabaCredential credential, CancellationToken cancellationToken);

    /// <summary>HeadObject: the object's size and CRC-64, or null when there is no object.</summary>
    Task<OssObjectMetadata?> HeadAsync(OssObjectLocation target, AlibabaCredential credential, CancellationToken cancellationToken);
}
