using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Vod.Upload.Engine;

namespace Vod.Cli.Output;

/// <summary>
/// The engine's log events (the same ids and fields as in the Functions app) as JSON lines in a file: by default
/// <c>$XDG_STATE_HOME/vod/logs/vod-YYYYMMDD.log</c>, or <c>--log-file</c>. Several vod processes may append to one
/// file: each line is written whole, under a lock, with the process id.
/// </summary>
internal sealed class FileLog : ILogger<UploadEngine>, IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Lock _sync = new();
    private readonly StreamWriter _writer;
    private readonly AsyncLocal<Scope?> _scope = new();

    private FileLog(StreamWriter writer, string path) => (_writer, Path) = (writer, path);

    /// <summary>The file written to.</summary>
    public string Path { get; }

    /// <summary>Today's default log file under the state folder.</summary>
    public static string DefaultPath => System.IO.Path.Combine(StateDirectory.Root, "logs", string.Create(CultureInfo.InvariantCulture, $"vod-{DateTime.UtcNow:yyyyMMdd}.log"));

    /// <summary>Opens <paramref name="path"/> for appending; null when it cannot be written (a log must never stop an upload).</summary>
    public static FileLog? Open(string path)
    {
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
            var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            return new FileLog(new StreamWriter(stream) { AutoFlush = true }, System.IO.Path.GetFullPath(path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"Note: the log file {path} cannot be written ({ex.GetType().Name}); going on without it.");
            return null;
        }
    }

    /// <summary>Writes one line that is not an engine event (the command that ran, and how it ended).</summary>
    public void Note(string name, object fields) => WriteLine(new Dictionary<string, object?>
    {
        ["time"] = DateTimeOffset.UtcNow, ["level"] = "Information", ["pid"] = Environment.ProcessId, ["event"] = name, ["fields"] = fields,
    });

    public IDisposable BeginScope<TState>(TState state)
        where TState : notnull
    {
        var scope = new Scope(this, _scope.Value, state);
        _scope.Value = scope;
        return scope;
    }

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        var line = new Dictionary<string, object?>
        {
            ["time"] = DateTimeOffset.UtcNow,
            ["level"] = logLevel.ToString(),
            ["pid"] = Environment.ProcessId,
            ["eventId"] = eventId.Id,
            ["event"] = eventId.Name,
            ["message"] = formatter(state, exception),
        };
        if (state is IEnumerable<KeyValuePair<string, object?>> fields)
        {
            line["fields"] = fields.Where(f => f.Key != "{OriginalFormat}").ToDictionary(f => f.Key, f => f.Value?.ToString());
        }

        // The scopes' fields (step, checkpoint key, media, part range) as one object, the innermost winning; a scope that
        // is not a set of fields keeps its text.
        var chain = new List<object>();
        for (var scope = _scope.Value; scope is not null; scope = scope.Parent)
        {
            chain.Add(scope.State);
        }

        var scopeFields = new Dictionary<string, string?>();
        foreach (var held in Enumerable.Reverse(chain))
        {
            if (held is IEnumerable<KeyValuePair<string, object?>> pairs)
            {
                foreach (var (key, value) in pairs.Where(p => p.Key != "{OriginalFormat}" && p.Value is not null))
                {
                    scopeFields[key] = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture);
                }
            }
            else
            {
                scopeFields["scope"] = held.ToString();
            }
        }

        if (scopeFields.Count > 0)
        {
            line["scope"] = scopeFields;
        }

        if (exception is not null)
        {
            line["exception"] = exception.GetType().FullName;
        }

        WriteLine(line);
    }

    public void Dispose() => _writer.Dispose();

    private void WriteLine(object line)
    {
        var text = JsonSerializer.Serialize(line, Json);
        lock (_sync)
        {
            _writer.WriteLine(text);
        }
    }

    private sealed class Scope(FileLog log, Scope? parent, object state) : IDisposable
    {
        public Scope? Parent { get; } = parent;

        public object State { get; } = state;

        public void Dispose() => log._scope.Value = Parent;
    }
}
