using System.Text.Json;

namespace Vod.Functions.Api;

/// <summary>
/// The inline policy the STS token endpoint passes to AssumeRole. A session's rights are what both the role and this
/// policy allow, so a browser holding the token can create uploads and nothing else the role may do (reading, deleting
/// or re-publishing media), whatever the role's own policy says. RefreshUploadVideo is left out on purpose: VOD's
/// policies cannot name "the caller's own video", and a refresh hands out a credential that overwrites the object, so it
/// goes through <c>refresh-upload-video-auth</c>, which checks ownership.
/// </summary>
public static class BrowserStsPolicy
{
    /// <summary>
    /// The VOD actions the upload SDK for JavaScript calls in STS mode to create uploads, and its undocumented progress
    /// reports (the SDK calls them after each part; they carry no credential).
    /// </summary>
    public static IReadOnlyList<string> Actions { get; } =
    [
        "vod:CreateUploadVideo",
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
