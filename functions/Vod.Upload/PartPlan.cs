namespace Vod.Upload;

/// <summary>How a source is cut into parts.</summary>
/// <param name="TotalSize">Bytes in the source.</param>
/// <param name="PartSize">Bytes per part (the last may be shorter).</param>
/// <param name="PartCount">Number of parts, 1–10,000.</param>
/// <param name="SinglePut">Whether the whole source goes in one PutObject (it fits in one part, or it is an image).</param>
public sealed record PartPlan(long TotalSize, long PartSize, int PartCount, bool SinglePut)
{
    /// <summary>Most parts a multipart upload may have.</summary>
    public const int MaxParts = 10_000;

    /// <summary>Largest object sent in a single PutObject: one buffer (<see cref="UploadOptions.MaxPartSize"/>).</summary>
    public const long MaxSinglePutSize = UploadOptions.MaxPartSize;

    /// <summary>Where part <paramref name="partNumber"/> (1-based) starts, and its length.</summary>
    public (long Offset, long Length) Range(int partNumber)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partNumber, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(partNumber, PartCount);
        var offset = (partNumber - 1) * PartSize;
        return (offset, Math.Min(PartSize, TotalSize - offset));
    }

    /// <summary>
    /// Plans <paramref name="totalSize"/> bytes: the requested part size (8 MiB when null), raised to
    /// <c>ceil(size / 10,000)</c> when needed, at most <see cref="UploadOptions.MaxPartSize"/>; a source that fits in one
    /// part is one PutObject.
    /// </summary>
    /// <exception cref="UploadException">The source is empty, or too large for 10,000 parts of 5 GiB.</exception>
    public static PartPlan For(long totalSize, long? requestedPartSize, MediaKind kind = MediaKind.Video)
    {
        if (totalSize <= 0)
        {
            throw new UploadException(UploadErrorCodes.EmptySource, "The source is empty; VOD cannot take a zero-byte file.", UploadErrorKind.Fatal);
        }

        var partSize = requestedPartSize ?? UploadOptions.DefaultPartSize;
        if (partSize < UploadOptions.MinPartSize || partSize > UploadOptions.MaxPartSize)
        {
            throw new UploadException(UploadErrorCodes.InvalidRequest,
                $"A part size of {partSize} bytes is outside {UploadOptions.MinPartSize}–{UploadOptions.MaxPartSize} bytes (100 KiB to 2 GiB less 57 bytes, the largest part buffer).", UploadErrorKind.Fatal);
        }

        if (kind == MediaKind.Image)
        {
            return totalSize <= MaxSinglePutSize
                ? new PartPlan(totalSize, totalSize, 1, SinglePut: true)
                : throw new UploadException(UploadErrorCodes.SourceTooLarge, $"An image must be at most {MaxSinglePutSize} bytes (one part buffer).", UploadErrorKind.Fatal);
        }

        var smallestAllowed = (totalSize + MaxParts - 1) / MaxParts;
        partSize = Math.Max(partSize, smallestAllowed);
        if (partSize > UploadOptions.MaxPartSize)
        {
            throw new UploadException(UploadErrorCodes.SourceTooLarge, $"{totalSize} bytes need parts larger than {UploadOptions.MaxPartSize} bytes (10,000 parts at most).", UploadErrorKind.Fatal);
        }

        var count = (int)((totalSize + partSize - 1) / partSize);
        return new PartPlan(totalSize, partSize, count, SinglePut: count == 1);
    }
}
