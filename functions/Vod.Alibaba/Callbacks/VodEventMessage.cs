using System.Globalization;
using System.Text.Json;

namespace Vod.Alibaba.Callbacks;

/// <summary>
/// A VOD event callback, parsed leniently as VOD really sends them: <c>FileUrl</c> or <c>FileURL</c>, times with a
/// <c>:SSS</c> millisecond part, numbers as strings, keys with stray spaces, <c>Extend</c> as a string or an object.
/// </summary>
public sealed record VodEventMessage
{
    /// <summary>FileUploadComplete, ImageUploadComplete, UploadByURLComplete (URLUploadComplete), …</summary>
    public required string EventType { get; init; }

    /// <summary>When it happened (UTC), when parsable.</summary>
    public DateTimeOffset? EventTime { get; init; }

    /// <summary><c>success</c> or <c>fail</c>.</summary>
    public string? Status { get; init; }

    /// <summary>VideoId, ImageId or AttachedMediaId, whichever the event carries.</summary>
    public string? MediaId { get; init; }

    /// <summary>Pull job id (UploadByURLComplete).</summary>
    public string? JobId { get; init; }

    /// <summary>Size in bytes.</summary>
    public long? Size { get; init; }

    /// <summary><c>FileUrl</c> or <c>FileURL</c>.</summary>
    public string? FileUrl { get; init; }

    /// <summary><c>Extend</c> as the JSON text the upload passed in UserData.</summary>
    public string? Extend { get; init; }

    /// <summary>Error code of a failed event.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>Error message of a failed event.</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>The URL a pull job fetched (<c>SourceURL</c>, a key VOD's samples also spell with a trailing space).</summary>
    public string? SourceUrl { get; init; }

    /// <summary>
    /// Whether this event ends a pull (UploadMediaByURL) job: <c>UploadByURLComplete</c>, or <c>URLUploadComplete</c> as a
    /// newer page names it.
    /// </summary>
    public bool IsPullCompletion => IsPullCompletionType(EventType);

    /// <summary>Whether <paramref name="eventType"/> names the event that ends a pull job (either name).</summary>
    public static bool IsPullCompletionType(string? eventType) =>
        string.Equals(eventType, "UploadByURLComplete", StringComparison.OrdinalIgnoreCase) || string.Equals(eventType, "URLUploadComplete", StringComparison.OrdinalIgnoreCase);

    /// <summary>The value of <c>key</c> in <see cref="Extend"/>, when it is a JSON object holding it.</summary>
    public string? ExtendValue(string key)
    {
        if (string.IsNullOrEmpty(Extend))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(Extend);
            return document.RootElement.ValueKind == JsonValueKind.Object && Find(document.RootElement, key) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Parses a callback body; null when it is not UTF-8 JSON: an object with an event type.</summary>
    public static VodEventMessage? TryParse(ReadOnlySpan<byte> body)
    {
        // Invalid UTF-8 inside a string passes the reader and fails only when the string is read: refuse it up front.
        if (!System.Text.Unicode.Utf8.IsValid(body))
        {
            return null;
        }

        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 16 });
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || Text(root, "EventType") is not { Length: > 0 } eventType)
            {
                return null;
            }

            return new VodEventMessage
            {
                EventType = eventType,
                EventTime = Time(Text(root, "EventTime")),
                Status = Text(root, "Status"),
                MediaId = Text(root, "VideoId") ?? Text(root, "ImageId") ?? Text(root, "AttachedMediaId") ?? Text(root, "MediaId"),
                JobId = Text(root, "JobId"),
                Size = long.TryParse(Text(root, "Size"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var size) ? size : null,
                FileUrl = Text(root, "FileUrl"),
                Extend = Find(root, "Extend") is { } extend ? (extend.ValueKind == JsonValueKind.String ? extend.GetString() : extend.GetRawText()) : null,
                ErrorCode = Text(root, "ErrorCode"),
                ErrorMessage = Text(root, "ErrorMessage"),
                SourceUrl = Text(root, "SourceURL"),
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // Keys compared trimmed and case-insensitively: FileUrl/FileURL, "SourceURL ".
    private static JsonElement? Find(JsonElement root, string name)
    {
        foreach (var property in root.EnumerateObject())
        {
            if (property.Name.Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        return null;
    }

    private static string? Text(JsonElement root, string name) => Find(root, name) switch
    {
        { ValueKind: JsonValueKind.String } value => value.GetString()?.Trim(),
        { ValueKind: JsonValueKind.Number } value => value.GetRawText(),
        _ => null,
    };

    private static DateTimeOffset? Time(string? text)
    {
        if (text is null)
        {
            return null;
        }

        // ImageUploadComplete writes 2024-04-10T01:37:14:627Z (a colon before the milliseconds).
        var normalized = text.Length == 24 && text[19] == ':' ? text[..19] + "." + text[20..] : text;
        return DateTimeOffset.TryParse(normalized, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at) ? at : null;
    }
}
