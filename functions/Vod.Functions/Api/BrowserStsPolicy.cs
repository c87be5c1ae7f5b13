using System.Text.Json;

namespace Vod.Functions.Api;

/// <summary>
/// The inline policy the STS token endpoint passes to AssumeRole. A session's rights are what both the role and this
/// policy allow, so a browser holding the token can create and refresh uploads and nothing else the role may do
/// (reading, deleting or re-publishing other media), whatever the role's own policy says.
/// </summary>
public static class BrowserStsPolicy
{
    /// <summary>
    /// The VOD actions the upload SDK for JavaScript calls in STS mode: creating and refreshing uploads, and its
    /// undocumented progress reports (the SDK calls them after each part; they carry no credential).
    /// </summary>
    public static IReadOnlyList<string> Actions { get; } =
    [
        "vod:CreateUploadVideo",
        "vod:RefreshUploadVideo",
        "vod:CreateUploadImage",
        "vod:CreateUploadAttachedMedia",
        "vod:ReportUploadProgress",
        "vod:GetUploadProgress",
    ];

    /// <summary>The policy document (RAM policy grammar, version 1).</summary>
    public static string Document { get; } = JsonSerializer.Serialize(new
    {
        Version = "1",
        Statement = new[] { new { Effect = "Allow", Action = Actions, Resource = "*" } },
    });
}
