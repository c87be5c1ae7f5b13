using System.CommandLine;
using System.Text.Json;
using Vod.Alibaba.Credentials;
using Vod.Alibaba.Oss;
using Vod.Alibaba.VodApi;
using Vod.Cli.Output;
using Vod.Upload.Checkpoints;
using Vod.Upload.Engine;
using Vod.Upload.Sources;

namespace Vod.Cli;

/// <summary>What every command's action starts from: the parsed line, the output mode, the folders and the clients.</summary>
internal sealed class CliContext(ParseResult parse, CancellationToken interrupt) : IDisposable
{
    private FileLog? _log;

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    /// <summary>The parsed command line.</summary>
    public ParseResult Parse { get; } = parse;

    /// <summary>Cancelled by Ctrl+C or SIGTERM.</summary>
    public CancellationToken Interrupt { get; } = interrupt;

    /// <summary>Whether <c>--json</c> is on.</summary>
    public bool Json { get; } = parse.GetValue(CommonOptions.Json);

    /// <summary>How progress is shown: JSON, plain lines when redirected, else a live display.</summary>
    public OutputMode Mode => Json ? OutputMode.Json : Console.IsOutputRedirected ? OutputMode.Lines : OutputMode.Terminal;

    /// <summary>The checkpoint folder: <c>--checkpoint-dir</c>, else the one under the state folder.</summary>
    public string CheckpointDir { get; } = Path.GetFullPath(parse.GetValue(CommonOptions.CheckpointDir) ?? StateDirectory.Checkpoints);

    /// <summary>The checkpoint store.</summary>
    public LocalCheckpointStore Checkpoints => new(CheckpointDir);

    /// <summary>Writes one JSON object as a line on stdout.</summary>
    public static void WriteJson(object value) => Console.WriteLine(JsonSerializer.Serialize(value, JsonOptions));

    /// <summary>A VOD client from the environment's credentials and the command's region and endpoint.</summary>
    public VodClient VodApi(HttpClient http)
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("ALIBABA_CLOUD_REGION");
        var region = Parse.GetValue(CommonOptions.Region) ?? (string.IsNullOrEmpty(fromEnvironment) ? null : fromEnvironment) ?? "cn-shanghai";
        if (!CommonOptions.IsRegionId(region))
        {
            throw new UsageException($"ALIBABA_CLOUD_REGION must be a region id such as cn-shanghai or ap-southeast-1, not '{region}'.");
        }

        var id = Environment.GetEnvironmentVariable("ALIBABA_CLOUD_ACCESS_KEY_ID");
        var secret = Environment.GetEnvironmentVariable("ALIBABA_CLOUD_ACCESS_KEY_SECRET");
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(secret))
        {
            throw new UsageException("Set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET (and ALIBABA_CLOUD_SECURITY_TOKEN for STS credentials).");
        }

        var endpointText = Parse.GetValue(CommonOptions.VodEndpoint) ?? Environment.GetEnvironmentVariable("ALIBABA_CLOUD_VOD_ENDPOINT");
        Uri? endpoint = null;
        if (endpointText is not null && (!Uri.TryCreate(endpointText, UriKind.Absolute, out endpoint) || endpoint.Scheme is not ("http" or "https")))
        {
            throw new UsageException($"ALIBABA_CLOUD_VOD_ENDPOINT must be an http(s) URL, not '{endpointText}'.");
        }

        var credential = new AlibabaCredential(id, secret, Environment.GetEnvironmentVariable("ALIBABA_CLOUD_SECURITY_TOKEN"));
        return new VodClient(http, credential, new VodClientOptions { Region = region, Endpoint = endpoint });
    }

    /// <summary>The engine over <paramref name="vod"/>, OSS and the local checkpoint store, logging to the log file.</summary>
    public UploadEngine Engine(VodClient vod, HttpClient http, Azure.Storage.Blobs.BlobServiceClient? blobs = null) =>
        new(vod, new OssClient(http, new OssClientOptions { Addressing = OssAddressingStyle.Automatic }), Checkpoints, new UploadSourceResolver(blobs), logger: OpenLog(vod));

    /// <summary>The log file as the logger of <typeparamref name="T"/> (the same events, ids and fields as the engine's).</summary>
    public Microsoft.Extensions.Logging.ILogger<T>? Log<T>(VodClient vod) => OpenLog(vod) is { } log ? new TypedLog<T>(log) : null;

    private FileLog? OpenLog(VodClient vod)
    {
        if (_log is null)
        {
            _log = FileLog.Open(Parse.GetValue(CommonOptions.LogFile) ?? FileLog.DefaultPath);
            _log?.Note("command", new { command = Parse.CommandResult.Command.Name, endpoint = vod.Endpoint.Host, checkpointDir = CheckpointDir });
        }

        return _log;
    }

    /// <summary>Closes the log file.</summary>
    public void Dispose() => _log?.Dispose();
}

/// <summary>A logger of <typeparamref name="T"/> that writes to another logger (the log file).</summary>
internal sealed class TypedLog<T>(Microsoft.Extensions.Logging.ILogger inner) : Microsoft.Extensions.Logging.ILogger<T>
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => inner.IsEnabled(logLevel);

    public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        inner.Log(logLevel, eventId, state, exception, formatter);
}
