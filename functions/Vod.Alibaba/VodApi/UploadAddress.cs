using System.Text;
using System.Text.Json;
using Vod.Alibaba.Errors;

namespace Vod.Alibaba.VodApi;

/// <summary>
/// Where VOD wants a media file written: the decoded <c>UploadAddress</c> (Base64 JSON) of CreateUploadVideo,
/// RefreshUploadVideo, CreateUploadImage and CreateUploadAttachedMedia.
/// </summary>
/// <param name="Endpoint">OSS endpoint URL with scheme and no bucket, e.g. <c>https://oss-cn-shanghai.aliyuncs.com</c>.</param>
/// <param name="Bucket">The VOD-owned bucket (<c>outin-…</c>).</param>
/// <param name="FileName">The object key to write.</param>
/// <param name="ObjectPrefix">For M3U8 uploads, the prefix slice files go under; otherwise null.</param>
public sealed record UploadAddress(Uri Endpoint, string Bucket, string FileName, string? ObjectPrefix = null)
{
    /// <summary>Decodes a Base64 <c>UploadAddress</c>.</summary>
    /// <exception cref="FormatException">Not Base64 JSON, or a required field (Endpoint, Bucket, FileName) is missing.</exception>
    public static UploadAddress Decode(string base64)
    {
        using var document = Base64Json.Parse(base64, "UploadAddress");
        var root = document.RootElement;
        var endpoint = Base64Json.RequiredString(root, "Endpoint", "UploadAddress");
        if (!endpoint.Contains("://", StringComparison.Ordinal))
        {
            endpoint = "https://" + endpoint;
        }

        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var endpointUri))
        {
            throw new FormatException("UploadAddress.Endpoint is not a URL.");
        }

        return new UploadAddress(
            endpointUri,
            Base64Json.RequiredString(root, "Bucket", "UploadAddress"),
            Base64Json.RequiredString(root, "FileName", "UploadAddress"),
            Base64Json.OptionalString(root, "ObjectPrefix"));
    }

    /// <summary>Encodes this address the way VOD sends it (for the emulator and tests).</summary>
    public string Encode()
    {
        var json = new Dictionary<string, string> { ["Endpoint"] = Endpoint.GetLeftPart(UriPartial.Authority), ["Bucket"] = Bucket, ["FileName"] = FileName };
        if (ObjectPrefix is not null)
        {
            json["ObjectPrefix"] = ObjectPrefix;
        }

        return Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(json)));
    }
}

/// <summary>Parsing helpers for VOD's Base64 JSON blobs.</summary>
internal static class Base64Json
{
    public static JsonDocument Parse(string base64, string what)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(base64);
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException)
        {
            throw new FormatException($"{what} is not Base64.");
        }

        try
        {
            var document = JsonDocument.Parse(bytes);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                throw new FormatException($"{what} is not a JSON object.");
            }

            return document;
        }
        catch (JsonException)
        {
            throw new FormatException($"{what} is not JSON.");
        }
    }

    public static string? OptionalString(JsonElement root, string name)
    {
        foreach (var property in root.EnumerateObject())
        {
            if (property.Name.Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString(),
                    JsonValueKind.Number => property.Value.GetRawText(),
                    _ => null,
                };
            }
        }

        return null;
    }

    public static string RequiredString(JsonElement root, string name, string what) =>
        OptionalString(root, name) is { Length: > 0 } value ? value : throw new FormatException($"{what}.{name} is missing.");
}
