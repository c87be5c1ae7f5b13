using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vod.Upload.Pull;

/// <summary>The stored form of a <see cref="PullCheckpoint"/>: UTF-8 JSON, states by name.</summary>
internal static class PullCheckpointJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static byte[] Write(PullCheckpoint checkpoint) => JsonSerializer.SerializeToUtf8Bytes(checkpoint, Options);

    public static PullCheckpoint Read(string key, byte[] bytes)
    {
        try
        {
            return JsonSerializer.Deserialize<PullCheckpoint>(bytes, Options)
                ?? throw new UploadException(UploadErrorCodes.CheckpointCorrupt, $"The pull checkpoint '{key}' is empty.", UploadErrorKind.Fatal);
        }
        catch (JsonException ex)
        {
            throw new UploadException(UploadErrorCodes.CheckpointCorrupt, $"The pull checkpoint '{key}' cannot be read: {ex.Message}", UploadErrorKind.Fatal, ex);
        }
    }

    public static PullCheckpoint Copy(PullCheckpoint checkpoint) => Read("copy", Write(checkpoint));
}
