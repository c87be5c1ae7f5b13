using Vod.Alibaba.Credentials;
using Vod.Alibaba.Errors;
using Vod.Alibaba.Oss;

namespace Vod.Upload.Ports;

/// <summary><see cref="IOssUploadApi"/> over the OSS client.</summary>
public sealed class OssUploadApi(OssClient oss) : IOssUploadApi
{
    /// <inheritdoc/>
    public Task<OssWriteResult> PutObjectAsync(OssObjectLocation target, PartBody body, string? contentMd5, AlibabaCredential credential, CancellationToken cancellationToken) =>
        CallAsync(async () =>
        {
            ArgumentNullException.ThrowIfNull(body);
            await using var content = body.OpenRead();
            return await oss.PutObjectAsync(target, content, body.Length, credential, new OssRequestOptions { ContentMd5 = contentMd5 }, cancellationToken).ConfigureAwait(false);
        });

    /// <inheritdoc/>
    public Task<string> InitiateAsync(OssObjectLocation target, AlibabaCredential credential, CancellationToken cancellationToken) =>
        CallAsync(() => oss.InitiateMultipartUploadAsync(target, credential, null, cancellationToken));

    /// <inheritdoc/>
    public Task<OssWriteResult> UploadPartAsync(OssObjectLocation target, string multipartUploadId, int partNumber, PartBody body, string? contentMd5, AlibabaCredential credential, CancellationToken cancellationToken) =>
        CallAsync(async () =>
        {
            ArgumentNullException.ThrowIfNull(body);
            await using var content = body.OpenRead();
            return await oss.UploadPartAsync(target, multipartUploadId, partNumber, content, body.Length, credential, new OssRequestOptions { ContentMd5 = contentMd5 }, cancellationToken).ConfigureAwait(false);
        });

    /// <inheritdoc/>
    public Task<IReadOnlyList<OssPart>> ListPartsAsync(OssObjectLocation target, string multipartUploadId, AlibabaCredential credential, CancellationToken cancellationToken) =>
        CallAsync(() => oss.ListAllPartsAsync(target, multipartUploadId, credential, cancellationToken));

    /// <inheritdoc/>
    public Task<OssCompleteResult> CompleteAsync(OssObjectLocation target, string multipartUploadId, IReadOnlyList<OssPartETag> parts, AlibabaCredential credential, CancellationToken cancellationToken) =>
        CallAsync(() => oss.CompleteMultipartUploadAsync(target, multipartUploadId, parts, credential, null, cancellationToken));

    /// <inheritdoc/>
    public async Task AbortAsync(OssObjectLocation target, string multipartUploadId, AlibabaCredential credential, CancellationToken cancellationToken)
    {
        try
        {
            await CallAsync(async () =>
            {
                await oss.AbortMultipartUploadAsync(target, multipartUploadId, credential, cancellationToken).ConfigureAwait(false);
                return true;
            }).ConfigureAwait(false);
        }
        catch (UploadException ex) when (ex.Kind == UploadErrorKind.UploadGone)
        {
            // Already aborted or completed: nothing left to cost money.
        }
    }

    /// <inheritdoc/>
    public async Task<OssObjectMetadata?> HeadAsync(OssObjectLocation target, AlibabaCredential credential, CancellationToken cancellationToken)
    {
        try
        {
            return await oss.HeadObjectAsync(target, credential, cancellationToken).ConfigureAwait(false);
        }
        catch (AlibabaCloudException ex) when (ex.StatusCode == 404)
        {
            return null;
        }
        catch (AlibabaCloudException ex)
        {
            throw UploadException.From(ex);
        }
    }

    private static async Task<T> CallAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (AlibabaCloudException ex)
        {
            throw UploadException.From(ex);
        }
    }
}
