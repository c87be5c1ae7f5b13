using Vod.Alibaba.Hashing;
using Vod.Upload.Ports;
using Vod.Upload.Sources;

namespace Vod.Upload.Steps;

/// <summary>What a part's read computed: its CRC-64 and, when asked for, its <c>Content-MD5</c>.</summary>
internal sealed record PartDigest(ulong Crc64, string? ContentMd5);

/// <summary>
/// Fills a part's body from the source and hashes it in the same pass: each piece is added to the CRC-64 (and the MD5,
/// when <see cref="UploadOptions.ContentMd5"/> is on) as soon as it lands, while it is still in the CPU's cache, and
/// only then made readable to the request sending it. One read and one hashing pass per part, whatever the retries.
/// </summary>
internal static class PartReader
{
    public static async Task<PartDigest> FillAsync(IUploadSource source, long offset, PartBody body, bool contentMd5, CancellationToken cancellationToken)
    {
        var crc = new Crc64Ecma();
        using var md5 = contentMd5 ? ContentMd5.CreateIncremental() : null;
        try
        {
            await source.ReadInPiecesAsync(offset, body.Unfilled, read =>
            {
                var piece = body.Unfilled.Span[..read];
                crc.Append(piece);
                md5?.AppendData(piece);
                body.Advance(read);
            }, cancellationToken).ConfigureAwait(false);
            if (body.Available != body.Length)
            {
                throw new UploadException(UploadErrorCodes.SourceChanged, $"'{source.Identity.Location}' gave {body.Available} of a part's {body.Length} bytes.", UploadErrorKind.Fatal);
            }
        }
        catch (Exception ex)
        {
            body.Fail(ex);
            throw;
        }

        return new PartDigest(crc.Value, md5 is null ? null : Convert.ToBase64String(md5.GetHashAndReset()));
    }
}
