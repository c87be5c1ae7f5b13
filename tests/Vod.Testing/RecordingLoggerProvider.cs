using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Vod.Testing;

/// <summary>Keeps every log line — category, level, message, scopes and exception — so a test can search them (for secrets, for the upload's scope).</summary>
public sealed class RecordingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<string> _lines = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    /// <summary>Every line logged so far.</summary>
    public IReadOnlyCollection<string> Lines => _lines;

    /// <summary>Everything logged so far as one text.</summary>
    public string Text => string.Join('\n', _lines);

    /// <inheritdoc/>
    public ILogger CreateLogger(string categoryName) => new Recorder(categoryName, _lines, this);

    /// <inheritdoc/>
    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    private sealed class Recorder(string category, ConcurrentQueue<string> lines, RecordingLoggerProvider provider) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => provider._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var properties = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(' ', pairs.Select(p => $"{p.Key}={p.Value}")) : string.Empty;
            var scopes = new List<string>();
            provider._scopes.ForEachScope(
                (scope, found) => found.Add(scope is IEnumerable<KeyValuePair<string, object?>> fields ? string.Join(' ', fields.Select(f => $"{f.Key}={f.Value}")) : $"{scope}"),
                scopes);
            var scopeText = scopes.Count == 0 ? string.Empty : $" scope: {string.Join(" | ", scopes)}";
            lines.Enqueue($"{logLevel} {category} [{eventId.Id}] {formatter(state, exception)} {properties} {exception}{scopeText}");
        }
    }
}
