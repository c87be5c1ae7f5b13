using System.Security.Cryptography;
using System.Text;

namespace Vod.Functions.Uploads;

/// <summary>
/// Upload ids are derived from the blob's container, name and ETag, so a duplicate trigger delivery or a second start
/// of the same blob version names the same orchestration instance.
/// </summary>
public static class UploadIds
{
    private static readonly System.Buffers.SearchValues<char> LowerHex = System.Buffers.SearchValues.Create("0123456789abcdef");

    /// <summary>The upload (orchestration instance) id of one blob version.</summary>
    public static string For(string container, string blobName, string etag)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{container}/{blobName}|{etag.Trim('"')}")));
        return "upl-" + hash[..32];
    }

    /// <summary>
    /// Whether <paramref name="id"/> has the form of an upload id (<c>upl-</c> and 32 hex digits). Anything else names
    /// no upload (a part-range sub-orchestration, a typo, a key the task hub's storage would refuse) and is answered
    /// 404 before the task hub is asked.
    /// </summary>
    public static bool IsUploadId(string? id) =>
        id is { Length: 36 } && id.StartsWith("upl-", StringComparison.Ordinal) && !id.AsSpan(4).ContainsAnyExcept(LowerHex);
}
