namespace Vod.Functions.Records;

/// <summary>The kinds of media a record holds (its partition key), and which VOD events speak of which kind.</summary>
public static class RecordKinds
{
    /// <summary>A video (or audio) file.</summary>
    public const string Video = "video";

    /// <summary>An image.</summary>
    public const string Image = "image";

    /// <summary>An attached media: watermark, subtitle or material.</summary>
    public const string Attached = "attached";

    /// <summary>Whether <paramref name="kind"/> is one of the three.</summary>
    public static bool IsKnown(string? kind) => kind is Video or Image or Attached;

    /// <summary>The kind an event speaks of.</summary>
    public static string Of(string eventType) => eventType switch
    {
        "ImageUploadComplete" => Image,
        "AttachedMediaUploadComplete" => Attached,
        _ => Video,
    };

    /// <summary>
    /// The statuses after which nothing more is expected from VOD for this kind (an upload waiting for its media is
    /// woken by them; reconciliation stops asking).
    /// </summary>
    public static bool IsUploaded(string kind, string? status) => kind == Video
        ? status is not (null or "Uploading" or "UploadFail" or "Deleted")
        : status is "Normal";

    /// <summary>Whether VOD will change this status by itself (reconciliation keeps asking until it stops).</summary>
    public static bool IsSettled(string? status) => status is "Normal" or "TranscodeFail" or "ProduceFail" or "Blocked" or "Deleted" or "UploadFail";
}
