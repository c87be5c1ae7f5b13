using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vod.Upload.Checkpoints;

/// <summary>The checkpoint's JSON form.</summary>
internal static class CheckpointJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        WriteIndented = false,
    };

    public static byte[] Serialize(UploadCheckpoint checkpoint) => JsonSerializer.SerializeToUtf8Bytes(checkpoint, Options);

    public static UploadCheckpoint Deserialize(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize<UploadCheckpoint>(json, Options) ?? throw new JsonException("The checkpoint is empty.");
}
