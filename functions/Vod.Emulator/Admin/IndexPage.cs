using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Vod.Emulator.State;

namespace Vod.Emulator.Admin;

/// <summary>
/// <c>GET /_emulator/</c>: one plain HTML page (no script, no external file) with the endpoints and credentials to use,
/// every route, the newest media with links to download their objects, multipart uploads in progress and the newest
/// requests. Lists are cut at <see cref="Rows"/> rows; the paged state has the rest.
/// </summary>
internal static class IndexPage
{
    /// <summary>Rows per list.</summary>
    public const int Rows = 50;

    private static readonly (string Route, string What)[] Routes =
    [
        ("GET|POST /?Action=…", "VOD (2017-03-21) and STS (2015-04-01) RPC API, signature V2 or V3"),
        ("PUT|POST|GET|HEAD|DELETE /{key} (bucket in Host) or /{bucket}/{key}", "OSS objects and multipart uploads, signature V1 or V4"),
        ("GET /_emulator/", "this page"),
        ("GET /_emulator/health", "plain ok"),
        ("GET /_emulator/state", "everything in one document; ?kind=summary counts; ?kind=media|objects|uploads|urlJobs|callbacks|credentials|requests&page=1&pageSize=50 one page, newest first"),
        ("GET /_emulator/objects/{bucket}/{key}", "download a stored object (no signature)"),
        ("POST /_emulator/faults/upload-part", "{count, fraction, status, mode, code}: fail UploadPart calls"),
        ("POST /_emulator/faults/latency", "{ossMilliseconds, vodMilliseconds}"),
        ("POST /_emulator/faults/hold-parts", "{after}: hold UploadPart requests after N"),
        ("POST /_emulator/faults/release-parts", "let held UploadPart requests go on"),
        ("POST /_emulator/faults/pull", "{refuseUrls, failJobs, queueDelayMilliseconds, callbackName}: pull (UploadMediaByURL) faults"),
        ("POST /_emulator/faults/hold-pulls", "hold pull jobs in PENDING (VOD's queue)"),
        ("POST /_emulator/faults/release-pulls", "let held pull jobs start"),
        ("POST /_emulator/faults/throttle-vod", "{count}: answer Throttling.User"),
        ("POST /_emulator/faults/callbacks", "{mode, count, delayMilliseconds}: Drop, Duplicate, Delay, Reorder"),
        ("POST /_emulator/faults/reset", "every switch off"),
        ("POST /_emulator/media/hold-transcoding", "keep videos in UploadSucc"),
        ("POST /_emulator/media/release-transcoding", "let held videos transcode"),
        ("POST /_emulator/credentials/lifetime", "{seconds}: lifetime of new credentials"),
        ("POST /_emulator/credentials/expire-all", "expire every issued credential"),
        ("POST /_emulator/config/callback", "{url, authKey}: callback target and key"),
    ];

    /// <summary>The page as it is now.</summary>
    public static string Render(EmulatorHost host)
    {
        var html = new StringBuilder(16 * 1024);
        var state = host.State;
        html.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>vod-emulator</title>")
            .Append("<style>body{font:14px system-ui,sans-serif;margin:1.5em}table{border-collapse:collapse;margin-bottom:1.5em}")
            .Append("td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}code{font-size:13px}</style></head><body>")
            .Append("<h1>vod-emulator ").Append(E(EmulatorHost.Version)).Append("</h1><table>");
        Row(html, "VOD/STS endpoint", Code(host.BaseUri.GetLeftPart(UriPartial.Authority)));
        Row(html, "OSS endpoint", Code(host.PublicEndpoint.ToString()) + " bucket " + Code(state.Bucket));
        Row(html, "AccessKeyId", Code(host.Options.AccessKeyId) + " (secret: as printed at start)");
        Row(html, "Data folder", Code(host.DataDirectory) + (host.Persistent ? " (kept across restarts)" : " (temporary, deleted at stop)"));
        Row(html, "Callbacks", host.Lifecycle.DefaultCallbackUrl is { } url ? Code(url.OriginalString) + (host.Callbacks.AuthKey is null ? string.Empty : " signed") : "none configured");
        html.Append("</table>");

        html.Append("<h2>Media</h2>");
        lock (state.Sync)
        {
            html.Append("<p>").Append(state.Media.Count).Append(" media, ").Append(state.Objects.Count).Append(" objects, ")
                .Append(state.Uploads.Count).Append(" multipart uploads in progress. ")
                .Append("<a href=\"/_emulator/state?kind=media\">All media as JSON</a>.</p>")
                .Append("<table><tr><th>created (UTC)</th><th>id</th><th>kind</th><th>title</th><th>status</th><th>size</th><th>object</th></tr>");
            foreach (var media in state.Media.Values.OrderByDescending(m => m.CreationTime).Take(Rows))
            {
                var stored = state.Objects.GetValueOrDefault(EmulatorState.ObjectId(media.Bucket, media.Key));
                html.Append("<tr><td>").Append(Time(media.CreationTime)).Append("</td><td>").Append(Code(media.Id))
                    .Append("</td><td>").Append(E(media.Kind)).Append("</td><td>").Append(E(media.Title ?? string.Empty))
                    .Append("</td><td>").Append(E(media.Status)).Append("</td><td>").Append(stored?.Size.ToString("N0", CultureInfo.InvariantCulture) ?? string.Empty)
                    .Append("</td><td>");
                if (stored is not null)
                {
                    html.Append("<a href=\"").Append(E(ObjectDownload.PathOf(stored.Bucket, stored.Key))).Append("\">").Append(E(media.Key)).Append("</a>");
                }
                else
                {
                    html.Append(E(media.Key)).Append(" (not uploaded)");
                }

                html.Append("</td></tr>");
            }

            html.Append("</table><h2>Multipart uploads in progress</h2><table><tr><th>initiated (UTC)</th><th>upload id</th><th>key</th><th>parts</th><th>bytes</th></tr>");
            foreach (var upload in state.Uploads.Values.OrderByDescending(u => u.Initiated).Take(Rows))
            {
                html.Append("<tr><td>").Append(Time(upload.Initiated)).Append("</td><td>").Append(Code(upload.UploadId))
                    .Append("</td><td>").Append(E(upload.Key)).Append("</td><td>").Append(upload.Parts.Count)
                    .Append("</td><td>").Append(upload.Parts.Values.Sum(p => p.Size).ToString("N0", CultureInfo.InvariantCulture)).Append("</td></tr>");
            }
        }

        html.Append("</table><h2>Recent requests</h2><p>").Append(host.Requests.Count.ToString("N0", CultureInfo.InvariantCulture))
            .Append(" since start; every one is in <code>").Append(E(Path.Combine(host.DataDirectory, RequestLog.FileName))).Append("</code>.</p>")
            .Append("<table><tr><th>at (UTC)</th><th>method</th><th>target</th><th>action</th><th>status</th><th>ms</th></tr>");
        foreach (var request in host.Requests.Recent().Take(Rows))
        {
            html.Append("<tr><td>").Append(Time(request.At)).Append("</td><td>").Append(E(request.Method)).Append("</td><td>").Append(Code(request.Target))
                .Append("</td><td>").Append(E(request.Action ?? string.Empty)).Append("</td><td>").Append(request.Status)
                .Append("</td><td>").Append(request.DurationMs.ToString("0.0", CultureInfo.InvariantCulture)).Append("</td></tr>");
        }

        html.Append("</table><h2>Routes</h2><table><tr><th>route</th><th>what</th></tr>");
        foreach (var (route, what) in Routes)
        {
            html.Append("<tr><td>").Append(Code(route)).Append("</td><td>").Append(E(what)).Append("</td></tr>");
        }

        return html.Append("</table></body></html>").ToString();
    }

    private static void Row(StringBuilder html, string name, string valueHtml) =>
        html.Append("<tr><th>").Append(E(name)).Append("</th><td>").Append(valueHtml).Append("</td></tr>");

    private static string Code(string text) => "<code>" + E(text) + "</code>";

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string E(string text) => HtmlEncoder.Default.Encode(text);
}
