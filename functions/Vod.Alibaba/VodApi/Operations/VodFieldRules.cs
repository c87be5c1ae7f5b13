using System.Text;
using System.Text.Json;
using Vod.Alibaba.Errors;

namespace Vod.Alibaba.VodApi.Operations;

/// <summary>Field checks shared by the VOD upload operations.</summary>
internal static class VodFieldRules
{
    public static void Required(string action, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new AlibabaRequestValidationException(action, field, "is required.");
        }
    }

    public static void Title(string action, string? title, bool required, bool limitInBytes = false)
    {
        if (title is null)
        {
            if (required)
            {
                Required(action, "Title", title);
            }

            return;
        }

        Required(action, "Title", title);
        var length = limitInBytes ? Encoding.UTF8.GetByteCount(title) : title.Length;
        if (length > VodMediaRules.MaxTitleLength)
        {
            throw new AlibabaRequestValidationException(action, "Title", $"is {length} {(limitInBytes ? "bytes" : "characters")} long; the limit is {VodMediaRules.MaxTitleLength}.");
        }

        NoEmoji(action, "Title", title);
    }

    public static void Description(string action, string? description)
    {
        if (description is null)
        {
            return;
        }

        if (description.Length > VodMediaRules.MaxDescriptionLength)
        {
            throw new AlibabaRequestValidationException(action, "Description", $"is {description.Length} characters long; the limit is {VodMediaRules.MaxDescriptionLength}.");
        }

        NoEmoji(action, "Description", description);
    }

    public static void Tags(string action, IReadOnlyCollection<string>? tags)
    {
        if (tags is null)
        {
            return;
        }

        if (tags.Count > VodMediaRules.MaxTags)
        {
            throw new AlibabaRequestValidationException(action, "Tags", $"has {tags.Count} tags; the limit is {VodMediaRules.MaxTags}.");
        }

        foreach (var tag in tags)
        {
            if (string.IsNullOrWhiteSpace(tag) || tag.Contains(',', StringComparison.Ordinal))
            {
                throw new AlibabaRequestValidationException(action, "Tags", "has an empty tag or a tag containing a comma.");
            }

            if (tag.Length > VodMediaRules.MaxTagLength)
            {
                throw new AlibabaRequestValidationException(action, "Tags", $"has a tag of {tag.Length} characters; the limit is {VodMediaRules.MaxTagLength}.");
            }

            NoEmoji(action, "Tags", tag);
        }
    }

    public static void FileName(string action, string? fileName, Func<string, bool> acceptsExtension, string kinds)
    {
        Required(action, "FileName", fileName);
        var extension = VodMediaRules.ExtensionOf(fileName!);
        if (extension.Length == 0)
        {
            throw new AlibabaRequestValidationException(action, "FileName", $"has no extension; VOD needs one to know the format ({kinds}).");
        }

        if (!acceptsExtension(extension))
        {
            throw new AlibabaRequestValidationException(action, "FileName", $"has extension '.{extension}', which VOD does not accept for {kinds}.");
        }
    }

    public static void OneOf(string action, string field, string? value, IReadOnlySet<string> allowed, bool required)
    {
        if (value is null)
        {
            if (required)
            {
                Required(action, field, value);
            }

            return;
        }

        if (!allowed.Contains(value))
        {
            throw new AlibabaRequestValidationException(action, field, $"is '{value}'; expected one of {string.Join(", ", allowed.Order(StringComparer.Ordinal))}.");
        }
    }

    public static void NonNegative(string action, string field, long? value)
    {
        if (value < 0)
        {
            throw new AlibabaRequestValidationException(action, field, "must not be negative.");
        }
    }

    public static void UserData(string action, string? userData)
    {
        if (userData is null)
        {
            return;
        }

        try
        {
            using var document = JsonDocument.Parse(userData);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new AlibabaRequestValidationException(action, "UserData", "must be a JSON object.");
            }

            if (document.RootElement.TryGetProperty("Extend", out var extend)
                && Encoding.UTF8.GetByteCount(extend.ValueKind == JsonValueKind.String ? extend.GetString()! : extend.GetRawText()) > VodMediaRules.MaxExtendBytes)
            {
                throw new AlibabaRequestValidationException(action, "UserData", $"has an Extend longer than {VodMediaRules.MaxExtendBytes} bytes.");
            }
        }
        catch (JsonException)
        {
            throw new AlibabaRequestValidationException(action, "UserData", "is not valid JSON.");
        }
    }

    public static void Count(string action, string field, IReadOnlyCollection<string>? values, int max, bool required)
    {
        if (values is null || values.Count == 0)
        {
            if (required)
            {
                throw new AlibabaRequestValidationException(action, field, "needs at least one value.");
            }

            return;
        }

        if (values.Count > max)
        {
            throw new AlibabaRequestValidationException(action, field, $"has {values.Count} values; the limit is {max}.");
        }

        if (values.Any(string.IsNullOrWhiteSpace))
        {
            throw new AlibabaRequestValidationException(action, field, "has an empty value.");
        }
    }

    // VOD refuses emoji in titles, descriptions and tags (IllegalCharacters).
    private static void NoEmoji(string action, string field, string value)
    {
        foreach (var rune in value.EnumerateRunes())
        {
            if (rune.Value is >= 0x1F000 and <= 0x1FAFF or >= 0x2600 and <= 0x27BF or 0xFE0F)
            {
                throw new AlibabaRequestValidationException(action, field, $"contains U+{rune.Value:X4}; VOD does not accept emoji.");
            }
        }
    }
}
