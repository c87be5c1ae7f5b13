using System.CommandLine;
using Vod.Upload;
using Vod.Upload.Engine;

namespace Vod.Cli.Commands;

/// <summary>The options <c>vod upload</c> and <c>vod image</c> take, and how they become engine options and media fields.</summary>
internal sealed class UploadCommandOptions
{
    public Option<long?> PartSize { get; } = CliOptions.PartSize();

    public Option<int> Parallel { get; } = CliOptions.Int("--parallel", "parts in flight", 1, 64, 5, "-p");

    public Option<int> RetryCount { get; } = CliOptions.Int("--retry-count", "retries of a part within a step", 0, 20, 3);

    public Option<int> StepRetryCount { get; } = CliOptions.Int("--step-retry-count",
        "runs of a step again after throttling, 5xx or network errors; a part is sent at most (retry-count + 1) × (step-retry-count + 1) times", 0, 10, 3);

    public Option<TimeSpan?> RetryDuration { get; } = CliOptions.Seconds("--retry-duration", "first retry delay, doubling", 300, TimeSpan.FromSeconds(2));

    public Option<TimeSpan?> RefreshMargin { get; } = CliOptions.Seconds("--refresh-margin", "refresh credentials this long before they expire", 2400, TimeSpan.FromMinutes(5));

    public Option<bool> ContentMd5 { get; } = CliOptions.Flag("--content-md5",
        "also send each part's Content-MD5 (OSS checks it on arrival); off by default: every part's CRC-64 is checked against OSS's either way");

    public Option<bool> Force { get; } = CliOptions.Flag("--force", "upload again even if this version of the file already reached VOD");

    public Option<bool> Wait { get; } = CliOptions.Flag("--wait",
        "after the upload, wait until VOD publishes the media (status Normal) or reports it failed (UploadFail, TranscodeFail, ProduceFail, Blocked)");

    public Option<TimeSpan?> WaitTimeout { get; } = CliOptions.Seconds("--wait-timeout", "with --wait: how long to wait for VOD", 86_400, TimeSpan.FromMinutes(30));

    public Option<string?> Include { get; } = CliOptions.Text("--include", "GLOB", "a folder: file names to upload (default: every file VOD takes)");

    public Option<string?> Exclude { get; } = CliOptions.Text("--exclude", "GLOB", "a folder: file names to leave out");

    public Option<int> Jobs { get; } = CliOptions.Int("--jobs", "a folder: files at a time", 1, 16, 1, "-j");

    public Option<string?> Title { get; } = CliOptions.Text("--title", "TEXT", "title (default: the file name; at most 128 characters)");

    public Option<long?> CateId { get; } = new("--cate-id") { Description = "category id", HelpName = "N" };

    public Option<string?> Tags { get; } = CliOptions.Text("--tags", "a,b", "tags, comma-separated (at most 16)");

    public Option<string?> Description { get; } = CliOptions.Text("--description", "TEXT", "description");

    public Option<string?> TemplateGroupId { get; } = CliOptions.Text("--template-group-id", "ID", "transcoding template group");

    public Option<string?> WorkflowId { get; } = CliOptions.Text("--workflow-id", "ID", "workflow");

    public Option<string?> StorageLocation { get; } = CliOptions.Text("--storage-location", "HOST", "storage address");

    public Option<string?> UserData { get; } = CliOptions.Text("--user-data", "JSON", "UserData JSON (callback settings, Extend)");

    public Option<string?> AppId { get; } = CliOptions.Text("--app-id", "ID", "VOD application id");

    public Option<string?> ImageType { get; } = CliOptions.OneOf("--image-type", "image type (default default)", "default", "cover", "watermark");

    public Option<string?> ImageExt { get; } = CliOptions.OneOf("--image-ext", "image extension (default: the file's)", "png", "jpg", "jpeg", "gif");

    /// <summary>Adds the options to <paramref name="command"/>; image options only to <c>vod image</c>.</summary>
    public void AddTo(Command command, bool image)
    {
        Option[] all =
        [
            PartSize, Parallel, RetryCount, StepRetryCount, RetryDuration, RefreshMargin, ContentMd5, CommonOptions.Region, CommonOptions.VodEndpoint,
            CommonOptions.CheckpointDir, CommonOptions.LogFile, Force, Wait, WaitTimeout, Include, Exclude, Jobs, CommonOptions.Json,
            Title, CateId, Tags, Description, TemplateGroupId, WorkflowId, StorageLocation, UserData, AppId,
        ];
        foreach (var option in all)
        {
            command.Add(option);
        }

        if (image)
        {
            command.Add(ImageType);
            command.Add(ImageExt);
        }
    }

    /// <summary>How long <c>--wait</c> waits for VOD.</summary>
    public TimeSpan WaitTimeoutOf(ParseResult parse) => parse.GetValue(WaitTimeout) ?? TimeSpan.FromMinutes(30);

    /// <summary>The engine options; the ranges were checked by the parser.</summary>
    public UploadOptions Engine(ParseResult parse)
    {
        var options = new UploadOptions
        {
            PartSize = parse.GetValue(PartSize),
            Parallel = parse.GetValue(Parallel),
            RetryCount = parse.GetValue(RetryCount),
            StepRetryCount = parse.GetValue(StepRetryCount),
            RetryDuration = parse.GetValue(RetryDuration) ?? TimeSpan.FromSeconds(2),
            CredentialRefreshMargin = parse.GetValue(RefreshMargin) ?? TimeSpan.FromMinutes(5),
            ContentMd5 = parse.GetValue(ContentMd5),
        };
        options.Validate();
        return options;
    }

    /// <summary>The media fields; VOD's own rules (lengths, counts, characters) are checked by the engine before any call.</summary>
    public MediaMetadata Media(ParseResult parse, bool image) => new()
    {
        Title = parse.GetValue(Title),
        CateId = parse.GetValue(CateId),
        Tags = parse.GetValue(Tags)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        Description = parse.GetValue(Description),
        TemplateGroupId = parse.GetValue(TemplateGroupId),
        WorkflowId = parse.GetValue(WorkflowId),
        StorageLocation = parse.GetValue(StorageLocation),
        UserData = parse.GetValue(UserData),
        AppId = parse.GetValue(AppId),
        ImageType = image ? parse.GetValue(ImageType) : null,
        ImageExt = image ? parse.GetValue(ImageExt) : null,
    };
}
