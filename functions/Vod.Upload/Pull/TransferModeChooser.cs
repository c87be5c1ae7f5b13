using Vod.Alibaba.VodApi;

namespace Vod.Upload.Pull;

/// <summary>What the app knows about pulling, from its settings.</summary>
public sealed record PullLimits
{
    /// <summary>The regions whose VOD offers UploadMediaByURL. Defaults to <c>cn-shanghai</c> and <c>ap-southeast-1</c> (Singapore).</summary>
    public IReadOnlyCollection<string> Regions { get; init; } = ["cn-shanghai", "ap-southeast-1"];

    /// <summary>Largest source VOD is asked to pull, in bytes. Defaults to 5 GiB (the lower of the two published limits).</summary>
    public long MaxBytes { get; init; } = 5L * 1024 * 1024 * 1024;

    /// <summary>Whether VOD can reach the source storage account from the internet (no private endpoint, no firewall in the way).</summary>
    public bool SourceReachable { get; init; } = true;

    /// <summary>The region of the VOD the app uploads to.</summary>
    public required string Region { get; init; }
}

/// <summary>The transfer mode an upload runs in and why (a stable reason code, shown by the API).</summary>
/// <param name="Mode"><see cref="TransferMode.Push"/> or <see cref="TransferMode.Pull"/>, never Auto.</param>
/// <param name="Reason">
/// <c>requested</c> (the Functions app says <c>default</c> when its default mode applied), or for <see cref="TransferMode.Auto"/>: <c>pull-fits</c>, <c>not-audio-video</c>, <c>too-large</c>,
/// <c>size-unknown</c>, <c>region-without-pull</c>, <c>source-unreachable</c>.
/// </param>
public sealed record TransferModeChoice(TransferMode Mode, string Reason);

/// <summary>
/// Decides push or pull: an explicit mode is kept (a pull VOD cannot do is refused with <see cref="UploadErrorCodes.PullNotSupported"/>
/// or <see cref="UploadErrorCodes.PullTooLarge"/>); <see cref="TransferMode.Auto"/> pulls audio and video within the limits,
/// from a reachable account, in a region that pulls — and pushes everything else. Pure: no I/O.
/// </summary>
public static class TransferModeChooser
{
    /// <summary>Parses <c>push</c>, <c>pull</c> or <c>auto</c> (any case); null for anything else.</summary>
    public static TransferMode? Parse(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "push" => TransferMode.Push,
        "pull" => TransferMode.Pull,
        "auto" => TransferMode.Auto,
        _ => null,
    };

    /// <summary>The mode for a source named <paramref name="fileName"/> of <paramref name="size"/> bytes (null: unknown).</summary>
    /// <exception cref="UploadException">An explicit pull VOD cannot do.</exception>
    public static TransferModeChoice Choose(TransferMode requested, string fileName, long? size, PullLimits limits)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentNullException.ThrowIfNull(limits);
        if (requested == TransferMode.Push)
        {
            return new TransferModeChoice(TransferMode.Push, "requested");
        }

        var reason = Unfit(fileName, size, limits);
        if (requested == TransferMode.Auto)
        {
            return reason is null ? new TransferModeChoice(TransferMode.Pull, "pull-fits") : new TransferModeChoice(TransferMode.Push, reason);
        }

        return reason switch
        {
            null or "size-unknown" => new TransferModeChoice(TransferMode.Pull, "requested"),
            "too-large" => throw new UploadException(UploadErrorCodes.PullTooLarge, $"The source has {size} bytes; a pull takes at most {limits.MaxBytes} (Vod__PullMaxBytes).", UploadErrorKind.Fatal),
            "not-audio-video" => throw new UploadException(UploadErrorCodes.PullNotSupported, "VOD pulls audio and video only; upload this file with transferMode push.", UploadErrorKind.Fatal),
            "region-without-pull" => throw new UploadException(UploadErrorCodes.PullNotSupported, $"VOD in {limits.Region} has no pull upload (Vod__PullRegions); use transferMode push.", UploadErrorKind.Fatal),
            _ => throw new UploadException(UploadErrorCodes.PullNotSupported, "VOD cannot reach the source storage account (Vod__PullSourceReachable is false); use transferMode push.", UploadErrorKind.Fatal),
        };
    }

    private static string? Unfit(string fileName, long? size, PullLimits limits) =>
        !VodMediaRules.IsVideoOrAudio(VodMediaRules.ExtensionOf(fileName)) ? "not-audio-video"
        : !limits.Regions.Contains(limits.Region, StringComparer.OrdinalIgnoreCase) ? "region-without-pull"
        : !limits.SourceReachable ? "source-unreachable"
        : size is null ? "size-unknown"
        : size > limits.MaxBytes ? "too-large"
        : null;
}
