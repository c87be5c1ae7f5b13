using System.Buffers.Text;
using System.Text.Json;

namespace Vod.Functions.Api;

/// <summary>
/// Where a page of <c>GET /api/uploads</c> goes on: the backend's continuation token of the page being read and how
/// many uploads of that page were already returned. Part-range sub-orchestrations share the upload id prefix, so a
/// backend page holds fewer uploads than it has instances; the cursor lets a page stop in the middle of a backend page
/// and still answer exactly <c>pageSize</c> items. Sent to clients as base64url JSON, safe in a query string as is.
/// </summary>
/// <param name="Backend">The backend token that fetches the page being read; null for the first page.</param>
/// <param name="Skip">Uploads of that backend page already returned.</param>
public sealed record ListCursor(string? Backend, int Skip)
{
    /// <summary>The start of the list.</summary>
    public static ListCursor Start { get; } = new(null, 0);

    /// <summary>The opaque token a client sends back.</summary>
    public string Encode() => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new Wire(Backend, Skip)));

    /// <summary>Reads a token sent by a client; null (and no exception) when it is not one this API gave out.</summary>
    public static ListCursor? TryDecode(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return Start;
        }

        try
        {
            var wire = JsonSerializer.Deserialize<Wire>(Base64Url.DecodeFromChars(token));
            return wire is { S: >= 0 } ? new ListCursor(wire.T, wire.S) : null;
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return null;
        }
    }

    private sealed record Wire(string? T, int S);
}
