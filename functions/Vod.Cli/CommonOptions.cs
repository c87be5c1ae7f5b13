using System.CommandLine;

namespace Vod.Cli;

/// <summary>The options several commands share: one instance each, added to every command that takes it.</summary>
internal static class CommonOptions
{
    /// <summary><c>--json</c>: one JSON object per line on stdout (the schema is in the README).</summary>
    public static readonly Option<bool> Json = CliOptions.Flag("--json", "one JSON object per event on stdout, for scripts (schema in the README)");

    /// <summary><c>--checkpoint-dir</c>: where checkpoints live.</summary>
    public static readonly Option<string?> CheckpointDir = CliOptions.Text("--checkpoint-dir", "DIR",
        "where resumable checkpoints live (default $XDG_STATE_HOME/vod/checkpoints, else ~/.local/state/vod/checkpoints), so a run resumes from any directory");

    /// <summary><c>--region</c>: the VOD region.</summary>
    public static readonly Option<string?> Region = CliOptions.Text("--region", "REGION", "VOD region (default ALIBABA_CLOUD_REGION, else cn-shanghai)");

    /// <summary><c>--vod-endpoint</c>: the VOD API endpoint.</summary>
    public static readonly Option<string?> VodEndpoint = CliOptions.Text("--vod-endpoint", "URL", "VOD API endpoint (default ALIBABA_CLOUD_VOD_ENDPOINT, else the region's), e.g. the local emulator");

    /// <summary><c>--keep-media</c>: cancel leaves the VOD media in place.</summary>
    public static readonly Option<bool> KeepMedia = CliOptions.Flag("--keep-media", "keep the VOD media the upload created (default: delete it)");

    /// <summary><c>--log-file</c>: where the engine's events go.</summary>
    public static readonly Option<string?> LogFile = CliOptions.Text("--log-file", "FILE",
        "append the engine's log events (JSON lines) to FILE (default $XDG_STATE_HOME/vod/logs/vod-YYYYMMDD.log)");

    /// <summary>Whether <paramref name="region"/> looks like an Alibaba Cloud region id (cn-shanghai, ap-southeast-1, cn-hangzhou-finance).</summary>
    public static bool IsRegionId(string region) => System.Text.RegularExpressions.Regex.IsMatch(region, "^[a-z]{2,}(-[a-z0-9]+)+$");

    static CommonOptions()
    {
        VodEndpoint.Validators.Add(result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : null;
            if (text is not null && (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
            {
                result.AddError($"--vod-endpoint must be an http(s) URL, not '{text}'.");
            }
        });

        // A region names the endpoint (vod.<region>.aliyuncs.com): an empty or odd one would make a host that does not exist.
        Region.Validators.Add(result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : null;
            if (text is not null && !IsRegionId(text))
            {
                result.AddError($"--region must be a region id such as cn-shanghai or ap-southeast-1, not '{text}'.");
            }
        });
    }
}
