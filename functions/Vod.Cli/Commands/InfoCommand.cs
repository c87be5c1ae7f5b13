using System.CommandLine;
using System.Globalization;
using Vod.Alibaba.Errors;
using Vod.Alibaba.VodApi.Operations;

namespace Vod.Cli.Commands;

/// <summary><c>vod info</c>: VOD's own view of a media — a video (GetVideoInfo), else an image (GetImageInfo).</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("id") { Description = "a VideoId or ImageId" };
        var command = new Command("info", "Shows VOD's view of a media: title, status, size, duration or URL.")
        {
            id, CommonOptions.Region, CommonOptions.VodEndpoint, CommonOptions.Json,
        };
        command.SetAction((parse, token) => RunAsync(new CliContext(parse, token), parse.GetRequiredValue(id)));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, string id)
    {
        using var http = new HttpClient();
        var vod = context.VodApi(http);
        Dictionary<string, object?> fields;
        try
        {
            try
            {
                var video = (await vod.GetVideoInfoAsync(new GetVideoInfoRequest { VideoId = id }, context.Interrupt)).Video;
                fields = new() { ["event"] = "media", ["kind"] = "Video", ["id"] = video.VideoId, ["title"] = video.Title, ["status"] = video.Status, ["size"] = video.Size, ["duration"] = video.Duration, ["created"] = video.CreationTime, ["storageLocation"] = video.StorageLocation };
            }
            catch (AlibabaCloudException ex) when (ex.Kind == AlibabaErrorKind.MediaGone || ex.Code.EndsWith("NotFound", StringComparison.Ordinal))
            {
                var image = (await vod.GetImageInfoAsync(new GetImageInfoRequest { ImageId = id }, context.Interrupt)).ImageInfo;
                fields = new() { ["event"] = "media", ["kind"] = "Image", ["id"] = image.ImageId, ["title"] = image.Title, ["status"] = image.Status, ["size"] = image.Mezzanine?.FileSize, ["url"] = image.URL, ["created"] = image.CreationTime, ["storageLocation"] = image.StorageLocation };
            }
        }
        catch (AlibabaCloudException ex) when (ex.Code.EndsWith("NotFound", StringComparison.Ordinal))
        {
            return Failed(context, "NotFound", $"VOD has no video or image '{id}'.");
        }
        catch (AlibabaCloudException ex)
        {
            return Failed(context, ex.Code, $"vod info failed: {ex.Code} from {vod.Endpoint.Host}: {ex.ServiceMessage}");
        }

        if (context.Json)
        {
            CliContext.WriteJson(fields);
        }
        else
        {
            foreach (var (name, value) in fields.Where(f => f.Value is not null && f.Key != "event"))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-16} {value}"));
            }
        }

        return ExitCodes.Success;
    }

    private static int Failed(CliContext context, string code, string message)
    {
        if (context.Json)
        {
            CliContext.WriteJson(new { @event = "failed", code, message });
        }

        Console.Error.WriteLine(message);
        return ExitCodes.Failed;
    }
}
