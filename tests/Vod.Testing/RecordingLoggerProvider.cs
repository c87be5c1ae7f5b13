using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Vod.Testing;

/// <summary>Keeps every log line — category, level, message and exception — so a test can search them (for secrets).</summary>
public sealed class RecordingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    /// <summary>Every line logged so far.</summary>
    public IReadOnlyCollection<string> Lines => _lines;

    /// <summary>Everything logged so far as one text.</summary>
    public string Text => string.Join('\n', _lines);

    /// <inheritdoc/>
    public ILogger CreateLogger(string categoryName) => new Recorder(categoryName, _lines);

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    private sealed class Recorder(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var properties = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(' ', pairs.Select(p => $"{p.Key}={p.Value}")) : string.Empty;
            lines.Enqueue($"{logLevel} {category} [{eventId.Id}] {formatter(state, exception)} {properties} {exception}");
        }
    }
}
