using System.Text.Json;
using System.Text.Json.Nodes;

namespace Vod.Alibaba.VodApi;

/// <summary>
/// Builds the <c>UserData</c> JSON of VOD upload operations: a per-upload callback URL and an <c>Extend</c> object that
/// VOD echoes back (as a JSON string) in event callbacks.
/// </summary>
public sealed record VodUserData
{
    /// <summary>Per-upload HTTP callback URL (<c>MessageCallback.CallbackURL</c>); overrides the console setting.</summary>
    public Uri? CallbackUrl { get; init; }

    /// <summary>Pass-through values echoed in callbacks as <c>Extend</c> (≤ 512 bytes once serialized).</summary>
    public IReadOnlyDictionary<string, string>? Extend { get; init; }

    private const string ExtendProperty = "Extend";

    /// <summary>The JSON string for the <c>UserData</c> parameter.</summary>
    public string ToJson()
    {
        var root = new JsonObject();
        if (CallbackUrl is not null)
        {
            root["MessageCallback"] = new JsonObject { ["CallbackURL"] = CallbackUrl.ToString(), ["CallbackType"] = "http" };
        }

        if (Extend is { Count: > 0 })
        {
            var extend = new JsonObject();
            foreach (var (key, value) in Extend)
            {
                extend[key] = value;
            }

            root[ExtendProperty] = extend;
        }

        return root.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }
}
