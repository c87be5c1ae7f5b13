using System.Security.Cryptography;

namespace Vod.Alibaba.Hashing;

/// <summary>
/// The <c>Content-MD5</c> header value: Base64 of the raw 16-byte MD5. MD5 here is an integrity check the OSS protocol
/// mandates, not a security control.
/// </summary>
public static class ContentMd5
{
    /// <summary>Base64 MD5 of <paramref name="data"/>.</summary>
#pragma warning disable CA5351 // Mandated by the OSS protocol for transport integrity.
    public static string Compute(ReadOnlySpan<byte> data) => Convert.ToBase64String(MD5.HashData(data));

    /// <summary>An incremental MD5 for data that arrives in pieces; <c>GetHashAndReset</c> gives the raw digest.</summary>
    public static IncrementalHash CreateIncremental() => IncrementalHash.CreateHash(HashAlgorithmName.MD5);
#pragma warning restore CA5351
}
