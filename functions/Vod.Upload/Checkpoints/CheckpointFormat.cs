using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vod.Upload.Checkpoints;

/// <summary>
/// The stored form of a checkpoint, version 2: a header (JSON, everything but the parts) and a part log (one JSON line
/// per recorded part, tagged with the header's generation). Reading checks everything it can: the version, the
/// header's own consistency, every part record; anything else is <see cref="UploadErrorCodes.CheckpointCorrupt"/>.
/// </summary>
public static class CheckpointFormat
{
    /// <summary>The version this engine writes and reads.</summary>
    public const int Version = 2;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        WriteIndented = false,
    };

    /// <summary>The header's bytes.</summary>
    public static byte[] Header(UploadCheckpoint checkpoint) => JsonSerializer.SerializeToUtf8Bytes(checkpoint, Json);

    /// <summary>One part record, newline included.</summary>
    public static byte[] PartLine(int generation, CheckpointPart part)
    {
        ArgumentNullException.ThrowIfNull(part);
        return Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new PartRecord(generation, part.Number, part.ETag, part.Size, part.Crc64), Json) + "\n");
    }

    /// <summary>Part records, one line each.</summary>
    public static byte[] PartLines(int generation, IEnumerable<CheckpointPart> parts) =>
        [.. parts.SelectMany(p => PartLine(generation, p))];

    /// <summary>
    /// The checkpoint from its header and part log (null: no log). A torn last line — a process stopped mid-append —
    /// is not a record and is ignored; any other line that does not read is damage.
    /// </summary>
    public static UploadCheckpoint Read(string key, ReadOnlySpan<byte> header, ReadOnlySpan<byte> log)
    {
        UploadCheckpoint checkpoint;
        try
        {
            using var document = JsonDocument.Parse(header.ToArray());
            var version = document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("formatVersion", out var v) && v.TryGetInt32(out var n) ? n
                : document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("version", out var old) && old.TryGetInt32(out var o) ? o : 0;
            if (version != Version)
            {
                throw Corrupt(key, version is > 0 and < Version
                    ? $"it was written by an earlier version (format {version}); cancel the upload and start it again"
                    : $"its format version is {(version == 0 ? "missing" : version.ToString(CultureInfo.InvariantCulture))}, not {Version}");
            }

            checkpoint = JsonSerializer.Deserialize<UploadCheckpoint>(document, Json) ?? throw Corrupt(key, "its header is empty");
        }
        catch (JsonException ex)
        {
            throw Corrupt(key, "its header is not valid JSON", ex);
        }

        Validate(key, checkpoint);
        var text = Encoding.UTF8.GetString(log);
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length == 0)
            {
                continue;
            }

            PartRecord? record;
            try
            {
                record = JsonSerializer.Deserialize<PartRecord>(line, Json);
            }
            catch (JsonException ex)
            {
                if (i == lines.Length - 1)
                {
                    break; // the torn tail of an append that did not finish
                }

                throw Corrupt(key, $"part record {i + 1} is not valid JSON", ex);
            }

            if (record is null || record.N < 1 || record.N > Math.Max(1, checkpoint.PartCount) || record.S <= 0 || string.IsNullOrEmpty(record.E))
            {
                throw Corrupt(key, $"part record {i + 1} does not describe a part of this plan");
            }

            if (record.G == checkpoint.Generation)
            {
                checkpoint.Record(new CheckpointPart(record.N, record.E, record.S, record.C));
            }
        }

        return checkpoint;
    }

    /// <summary>The typed error for a checkpoint that cannot be used: fatal (no retry reads it better), naming its key.</summary>
    public static UploadException Corrupt(string key, string reason, Exception? inner = null) =>
        new(UploadErrorCodes.CheckpointCorrupt, $"The checkpoint '{key}' cannot be used: {reason}.", UploadErrorKind.Fatal, inner);

    private static void Validate(string key, UploadCheckpoint c)
    {
        string? problem = null;
        if (c.Source is null || c.Identity is null)
        {
            problem = "it names no source";
        }
        else if (c.Generation < 1)
        {
            problem = "its generation is not positive";
        }
        else if (c.PartCount is < 0 or > PartPlan.MaxParts
            || (c.PartCount > 0 && (c.PartSize <= 0 || (c.PartCount - 1) * c.PartSize >= c.Identity.Size || c.PartCount * c.PartSize < c.Identity.Size)))
        {
            problem = $"its plan ({c.PartCount} parts of {c.PartSize} bytes) does not fit the source's {c.Identity.Size} bytes";
        }
        else if (c.MediaId is not null && (c.Bucket is null || c.ObjectKey is null || !Uri.TryCreate(c.Endpoint, UriKind.Absolute, out _)))
        {
            problem = "it names a media without an upload address";
        }
        else if (!Enum.IsDefined(c.Kind))
        {
            problem = "its media kind is unknown";
        }

        if (problem is not null)
        {
            throw Corrupt(key, problem);
        }
    }

    // Short names: a 10,000-part log stays near a megabyte.
    private sealed record PartRecord(int G, int N, string E, long S, ulong C);
}
