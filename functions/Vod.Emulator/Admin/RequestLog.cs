using System.Text.RegularExpressions;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Vod.Emulator.Admin;

/// <summary>One request the emulator answered.</summary>
/// <param name="At">When it arrived (UTC).</param>
/// <param name="Method">HTTP method.</param>
/// <param name="Target">Path and query as received, with the values of secret parameters replaced by <c>***</c>.</param>
/// <param name="Action">The VOD/STS action of an RPC call, else null.</param>
/// <param name="Status">HTTP status answered (0 when the connection was dropped before an answer).</param>
/// <param name="DurationMs">Milliseconds from arrival to the end of the answer.</param>
public sealed record LoggedRequest(
    DateTimeOffset At,
    string Method,
    string Target,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Action,
    int Status,
    double DurationMs);

/// <summary>
/// Every request: the last <see cref="Capacity"/> in memory (the index and <c>/_emulator/state?kind=requests</c>) and
/// all of them as JSON lines in <c>requests.jsonl</c> in the data folder (renamed to <c>requests.1.jsonl</c> at
/// <see cref="MaxFileBytes"/>, so two files at most). Signatures, security tokens and secrets never reach either: the
/// values of query parameters whose names hold <c>signature</c>, <c>token</c>, <c>secret</c> or <c>credential</c> are
/// masked, and headers and bodies are not logged.
/// </summary>
internal sealed class RequestLog : IDisposable
{
    /// <summary>How many requests stay in memory.</summary>
    public const int Capacity = 500;

    /// <summary>The log file's name in the data folder.</summary>
    public const string FileName = "requests.jsonl";

    /// <summary>Size at which the file is rotated.</summary>
    public const long MaxFileBytes = 32L * 1024 * 1024;

    /// <summary>Set by the RPC handler so the log names the action of a POSTed form (not in the target).</summary>
    public const string ActionItem = "vod-emulator.action";

    private static readonly string[] SecretNameParts = ["signature", "token", "secret", "credential"];

    // The access parameters of a URL inside a value: an Azure SAS's sig, an OSS or S3 signature, a security token.
    private static readonly Regex NestedSecret = new(@"(?i)\b(sig|signature|x-oss-signature|x-amz-signature|security-token|x-oss-security-token|securitytoken)=[^&""\s,}\]]*", RegexOptions.Compiled);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly object _sync = new();
    private readonly LoggedRequest[] _ring = new LoggedRequest[Capacity];
    private readonly string _path;
    private readonly TimeProvider _time;
    private int _next;
    private long _count;
    private StreamWriter _file;

    public RequestLog(string folder, TimeProvider time)
    {
        _path = Path.Combine(folder, FileName);
        _time = time;
        _file = Open(_path);
    }

    /// <summary>How many requests were logged since the start.</summary>
    public long Count
    {
        get
        {
            lock (_sync)
            {
                return _count;
            }
        }
    }

    /// <summary>The requests in memory, newest first.</summary>
    public IReadOnlyList<LoggedRequest> Recent()
    {
        lock (_sync)
        {
            var count = (int)Math.Min(_count, Capacity);
            var recent = new List<LoggedRequest>(count);
            for (var i = 1; i <= count; i++)
            {
                recent.Add(_ring[(_next - i + Capacity) % Capacity]);
            }

            return recent;
        }
    }

    /// <summary>Middleware: times the request and logs it once answered.</summary>
    public async Task MiddlewareAsync(HttpContext http, Func<Task> next)
    {
        var at = _time.GetUtcNow();
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next();
        }
        finally
        {
            var status = http.RequestAborted.IsCancellationRequested && !http.Response.HasStarted ? 0 : http.Response.StatusCode;
            Add(new LoggedRequest(at, http.Request.Method, Redact(RawTarget(http)), http.Items[ActionItem] as string, status,
                Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 1)));
        }
    }

    private void Add(LoggedRequest entry)
    {
        var line = JsonSerializer.Serialize(entry, Json);
        lock (_sync)
        {
            _ring[_next] = entry;
            _next = (_next + 1) % Capacity;
            _count++;
            try
            {
                _file.WriteLine(line);
                _file.Flush();
                if (_file.BaseStream.Length >= MaxFileBytes)
                {
                    _file.Dispose();
                    File.Move(_path, Path.Combine(Path.GetDirectoryName(_path)!, "requests.1.jsonl"), overwrite: true);
                    _file = Open(_path);
                }
            }
            catch (IOException)
            {
                // A full disk must not fail the request; the in-memory log still has it.
            }
        }
    }

    private static string RawTarget(HttpContext http) =>
        http.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw ? raw : http.Request.Path + http.Request.QueryString;

    /// <summary>The target with the values of secret-looking query parameters replaced by <c>***</c>.</summary>
    public static string Redact(string target)
    {
        var q = target.IndexOf('?', StringComparison.Ordinal);
        if (q < 0)
        {
            return target;
        }

        var redacted = new StringBuilder(target, 0, q + 1, target.Length);
        var first = true;
        foreach (var pair in target[(q + 1)..].Split('&'))
        {
            if (!first)
            {
                redacted.Append('&');
            }

            first = false;
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            if (eq >= 0 && SecretNameParts.Any(part => name.Contains(part, StringComparison.OrdinalIgnoreCase)))
            {
                redacted.Append(pair, 0, eq + 1).Append("***");
            }
            else if (eq >= 0 && FullyDecoded(pair[(eq + 1)..]) is var value && NestedSecret.IsMatch(value))
            {
                // A URL passed as a value (UploadMediaByURL's UploadURLs, or the same URL inside UploadMetadatas' JSON)
                // carries its own SAS or OSS signature.
                redacted.Append(pair, 0, eq + 1).Append(Uri.EscapeDataString(NestedSecret.Replace(value, "$1=***")));
            }
            else
            {
                redacted.Append(pair);
            }
        }

        return redacted.ToString();
    }

    // VOD's UploadURLs arrive encoded twice (the client encodes each URL, the RPC query encodes it again): decode until
    // the value stops changing (a few rounds at most), so a signature hidden under two encodings is still seen.
    private static string FullyDecoded(string value)
    {
        for (var round = 0; round < 3; round++)
        {
            var decoded = Uri.UnescapeDataString(value);
            if (decoded == value)
            {
                break;
            }

            value = decoded;
        }

        return value;
    }

    private static StreamWriter Open(string path) =>
        new(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite), new UTF8Encoding(false));

    public void Dispose()
    {
        lock (_sync)
        {
            _file.Dispose();
        }
    }
}
