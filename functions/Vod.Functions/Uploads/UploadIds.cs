using System.Security.Cryptography;
using System.Text;

namespace Vod.Functions.Uploads;

/// <summary>
/// Upload ids are derived from the blob's container, name and ETag, so a duplicate trigger delivery or a second start
/// of the same blob version names the same orchestration instance.
/// </summary>
public static class UploadIds
{
    /// <summary>The upload (orchestration instance) id of one blob version.</summary>
    public static string For(string container, string blobName, string etag)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{container}/{blobName}|{etag.Trim('"')}")));
        return "upl-" + hash[..32];
    }
}
