using System.Globalization;

namespace Vod.Emulator;

/// <summary>
/// Settings of the emulator, from the command line (<c>--name value</c>) or the environment (<c>VOD_EMULATOR_NAME</c>).
/// </summary>
public sealed class EmulatorOptions
{
    /// <summary>The documented development AccessKeyId the emulator accepts by default.</summary>
    public const string DevAccessKeyId = "LTAI5tEmulatorDevKey";

    /// <summary>The documented development AccessKeySecret. Not a secret: it only opens the local emulator.</summary>
    public const string DevAccessKeySecret = "emulator-dev-secret-not-for-production";

    /// <summary>Loopback address and port to listen on; port 0 picks a free one. Default <c>http://127.0.0.1:5080</c>.</summary>
    public string Urls { get; set; } = "http://127.0.0.1:5080";

    /// <summary>The account AccessKeyId. Default <see cref="DevAccessKeyId"/>.</summary>
    public string AccessKeyId { get; set; } = DevAccessKeyId;

    /// <summary>The account AccessKeySecret. Default <see cref="DevAccessKeySecret"/>.</summary>
    public string AccessKeySecret { get; set; } = DevAccessKeySecret;

    /// <summary>Where VOD events are POSTed when an upload names no callback URL of its own. Default: none.</summary>
    public Uri? CallbackUrl { get; set; }

    /// <summary>The callback auth key; when set, callbacks carry <c>X-VOD-TIMESTAMP</c> and <c>X-VOD-SIGNATURE</c>.</summary>
    public string? CallbackAuthKey { get; set; }

    /// <summary>Lifetime of issued upload and STS credentials. Default 3000 s (VOD's documented value).</summary>
    public TimeSpan CredentialLifetime { get; set; } = TimeSpan.FromSeconds(3000);

    /// <summary>
    /// Folder for object bytes, the state (<c>state.json</c>) and the request log (<c>requests.jsonl</c>); a restart
    /// with the same folder finds everything again. Default: a new folder under the system temp folder, deleted at stop.
    /// </summary>
    public string? DataDirectory { get; set; }

    /// <summary>
    /// The name of the VOD-owned bucket for a new data folder (a folder keeps the name it was given). Default:
    /// <c>outin-</c> and 32 random hex digits, as VOD's buckets are named.
    /// </summary>
    public string? Bucket { get; set; }

    /// <summary>
    /// The OSS endpoint written into UploadAddress, scheme included. Default: the address the emulator listens on.
    /// </summary>
    public Uri? PublicEndpoint { get; set; }

    /// <summary>The region reported in UploadAuth and used for V4 OSS signatures. Default <c>cn-shanghai</c>.</summary>
    public string Region { get; set; } = "cn-shanghai";

    /// <summary>How long a video stays in <c>Transcoding</c> before it becomes <c>Normal</c>. Default 2 s.</summary>
    public TimeSpan TranscodeDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Pause between callback delivery attempts. Default 1 s (as VOD).</summary>
    public TimeSpan CallbackRetryInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Reads options from <c>--name value</c> arguments, then environment variables for the rest.</summary>
    /// <exception cref="ArgumentException">An option is unknown or its value is malformed.</exception>
    public static EmulatorOptions Parse(IReadOnlyList<string> args, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in Names)
        {
            if (environment("VOD_EMULATOR_" + name.Replace('-', '_').ToUpperInvariant()) is { Length: > 0 } value)
            {
                values[name] = value;
            }
        }

        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || !Names.Contains(arg[2..], StringComparer.OrdinalIgnoreCase) || i + 1 >= args.Count)
            {
                throw new ArgumentException($"Unknown or incomplete option '{arg}'. Options: {string.Join(", ", Names.Select(n => "--" + n))}.");
            }

            values[arg[2..]] = args[++i];
        }

        var options = new EmulatorOptions();
        foreach (var (name, value) in values)
        {
            switch (name.ToLowerInvariant())
            {
                case "urls": options.Urls = ParseUrls(name, value); break;
                case "access-key-id": options.AccessKeyId = value; break;
                case "access-key-secret": options.AccessKeySecret = value; break;
                case "callback-url": options.CallbackUrl = ParseUri(name, value); break;
                case "callback-auth-key": options.CallbackAuthKey = value; break;
                case "credential-lifetime": options.CredentialLifetime = TimeSpan.FromSeconds(ParseSeconds(name, value)); break;
                case "data-dir": options.DataDirectory = value; break;
                case "bucket": options.Bucket = ParseBucket(value); break;
                case "public-endpoint": options.PublicEndpoint = ParseUri(name, value); break;
                case "region": options.Region = value; break;
                case "transcode-delay": options.TranscodeDelay = TimeSpan.FromSeconds(ParseSeconds(name, value)); break;
            }
        }

        return options;
    }

    private static readonly string[] Names =
    [
        "urls", "access-key-id", "access-key-secret", "callback-url", "callback-auth-key", "credential-lifetime",
        "data-dir", "bucket", "public-endpoint", "region", "transcode-delay",
    ];

    // OSS bucket names: 3-63 lower-case letters, digits and hyphens, starting and ending with a letter or digit.
    private static string ParseBucket(string value) =>
        value.Length is >= 3 and <= 63 && value.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-') && value[0] != '-' && value[^1] != '-'
            ? value
            : throw new ArgumentException($"--bucket must be an OSS bucket name (3-63 lower-case letters, digits and hyphens), not '{value}'.");

    // Kestrel's form: absolute http(s) URLs separated by ';', where the host may be '*' or '+' (every address).
    private static string ParseUrls(string name, string value)
    {
        var urls = value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var url in urls)
        {
            ParseUri(name, url.Replace("://*", "://localhost", StringComparison.Ordinal).Replace("://+", "://localhost", StringComparison.Ordinal));
        }

        return urls.Length > 0 ? string.Join(';', urls) : throw new ArgumentException($"--{name} needs at least one URL.");
    }

    private static Uri ParseUri(string name, string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new ArgumentException($"--{name} must be an absolute http(s) URL, not '{value}'.");

    private static double ParseSeconds(string name, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0
            ? seconds
            : throw new ArgumentException($"--{name} must be a number of seconds, not '{value}'.");
}
