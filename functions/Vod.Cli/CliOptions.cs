using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Vod.Upload;

namespace Vod.Cli;

/// <summary>
/// Typed options with their accepted ranges. A value outside the range is a parse error naming the option and the
/// range, so every bad number exits 2 with one line before anything starts.
/// </summary>
internal static class CliOptions
{
    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static Option<int> Int(string name, string description, int min, int max, int defaultValue, params string[] aliases) => new(name, aliases)
    {
        Description = $"{description} ({min}–{max})",
        HelpName = "N",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            var text = result.Tokens[0].Value;
            if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            {
                return (int)value;
            }

            result.AddError($"{name} must be a whole number from {min} to {max}, not '{text}'.");
            return defaultValue;
        },
    };

    /// <summary>A number of seconds from <paramref name="minSeconds"/> to <paramref name="maxSeconds"/> (fractions allowed); <paramref name="defaultValue"/> is for the help text.</summary>
    public static Option<TimeSpan?> Seconds(string name, string description, int maxSeconds, TimeSpan defaultValue, int minSeconds = 0) => new(name)
    {
        Description = string.Create(CultureInfo.InvariantCulture, $"{description} (seconds, {minSeconds}–{maxSeconds}; default {defaultValue.TotalSeconds})"),
        HelpName = "SECONDS",
        CustomParser = result =>
        {
            var text = result.Tokens[0].Value;
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && double.IsFinite(seconds) && seconds >= minSeconds && seconds <= maxSeconds)
            {
                return TimeSpan.FromSeconds(seconds);
            }

            result.AddError($"{name} must be a number of seconds from {minSeconds} to {maxSeconds}, not '{text}'.");
            return null;
        },
    };

    /// <summary>A part size: bytes, or with a KiB/MiB/GiB (K/M/G) suffix, within OSS's part limits.</summary>
    public static Option<long?> PartSize() => new("--part-size")
    {
        Description = "part size, e.g. 8MiB (default 8 MiB, raised to fit 10,000 parts; 100 KiB to 2 GiB less 57 bytes)",
        HelpName = "SIZE",
        CustomParser = result =>
        {
            var text = result.Tokens[0].Value;
            if (ParseSize(text) is { } size && size >= UploadOptions.MinPartSize && size <= UploadOptions.MaxPartSize)
            {
                return size;
            }

            result.AddError($"--part-size must be a size from 100KiB to 2GiB less 57 bytes ({UploadOptions.MaxPartSize} bytes), such as 8MiB, not '{text}'.");
            return null;
        },
    };

    /// <summary>A flag: on by itself, or <c>--name true|false</c>.</summary>
    public static Option<bool> Flag(string name, string description) => new(name) { Description = description };

    /// <summary>A text value.</summary>
    public static Option<string?> Text(string name, string helpName, string description) => new(name) { Description = description, HelpName = helpName };

    /// <summary>A text value that must be one of <paramref name="values"/>.</summary>
    public static Option<string?> OneOf(string name, string description, params string[] values)
    {
        var option = new Option<string?>(name) { Description = description, HelpName = string.Join("|", values) };
        option.CompletionSources.Add(values);
        option.Validators.Add(result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : null;
            if (text is not null && !values.Contains(text, StringComparer.Ordinal))
            {
                result.AddError($"{name} must be one of {string.Join(", ", values)}, not '{text}'.");
            }
        });
        return option;
    }

    private static long? ParseSize(string text)
    {
        text = text.Trim();
        var units = new (string Suffix, long Factor)[] { ("GiB", 1L << 30), ("MiB", 1L << 20), ("KiB", 1L << 10), ("G", 1L << 30), ("M", 1L << 20), ("K", 1L << 10), ("B", 1) };
        foreach (var (suffix, factor) in units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                && double.IsFinite(number) && number > 0 && number * factor < long.MaxValue)
            {
                return (long)(number * factor);
            }
        }

        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var bytes) ? bytes : null;
    }
}
