using System.Net;
using System.Text.Json;
using Vod.EndToEnd.Support;
using Vod.Testing;

namespace Vod.EndToEnd;

/// <summary>
/// The AppServer endpoints driven by Alibaba's ali-oss as the browser, from another origin: CORS, credentials, the file
/// put straight into OSS, and VOD's signed callbacks reaching the app and confirming the records.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class AppServerTests(AppUnderHost app)
{
    [HostFact]
    public Task A_page_on_another_origin_passes_the_preflight_only_when_its_origin_is_allowed() => app.RunAsync(async () =>
    {
        foreach (var (origin, allowed) in new[] { (AppUnderHost.AllowedOrigin, true), ("http://127.0.0.1:9999", false) })
        {
            // Act
            using var preflight = new HttpRequestMessage(HttpMethod.Options, "api/vod/upload-video-auth");
            preflight.Headers.Add("Origin", origin);
            preflight.Headers.Add("Access-Control-Request-Method", "POST");
            preflight.Headers.Add("Access-Control-Request-Headers", "content-type,x-functions-key");
            using var http = new HttpClient { BaseAddress = app.Host.BaseUri };
            using var response = await http.SendAsync(preflight);

            // Assert
            var allowOrigin = response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) ? values.Single() : null;
            if (allowed)
            {
                Assert.True(response.IsSuccessStatusCode, $"preflight: {(int)response.StatusCode}");
                Assert.Equal(origin, allowOrigin);
                Assert.Contains("POST", string.Join(',', response.Headers.GetValues("Access-Control-Allow-Methods")), StringComparison.OrdinalIgnoreCase);
                Assert.Contains("x-functions-key", string.Join(',', response.Headers.GetValues("Access-Control-Allow-Headers")), StringComparison.OrdinalIgnoreCase);
            }
            else
            {
                Assert.NotEqual(origin, allowOrigin);
            }
        }
    });

    [HostFact]
    public Task A_browser_upload_through_the_appserver_endpoints_is_stored_called_back_and_confirmed() => app.RunAsync(async () =>
    {
        // Arrange: a video of several parts and an image, on the "browser's" disk.
        var tag = Sources.Tag();
        var folder = Directory.CreateDirectory(Path.Combine(app.RunFolder, "browser-" + tag)).FullName;
        var video = System.Security.Cryptography.RandomNumberGenerator.GetBytes((AppUnderHost.PartSize * 3) + 500);
        var image = System.Security.Cryptography.RandomNumberGenerator.GetBytes(3000);
        await File.WriteAllBytesAsync(Path.Combine(folder, $"browser-{tag}.mp4"), video);
        await File.WriteAllBytesAsync(Path.Combine(folder, $"browser-{tag}.png"), image);

        // Act
        using var result = await NodeScript.RunJsonAsync(Path.Combine("e2e", "browser-upload.js"),
            ["--app", app.Host.BaseUri.ToString(), "--key", app.Host.FunctionKey, "--origin", AppUnderHost.AllowedOrigin, "--principal", app.Caller,
             "--video", Path.Combine(folder, $"browser-{tag}.mp4"), "--image", Path.Combine(folder, $"browser-{tag}.png")],
            TimeSpan.FromSeconds(120));

        // Assert: the answers the SDK reads, readable from the page's origin.
        var root = result.RootElement;
        var videoId = root.GetProperty("videoId").GetString()!;
        var imageId = root.GetProperty("imageId").GetString()!;
        Assert.Equal(AppUnderHost.AllowedOrigin, root.GetProperty("videoAllowOrigin").GetString());
        Assert.Equal(videoId, root.GetProperty("refreshedVideoId").GetString());
        Assert.True(root.GetProperty("refreshedSecretDiffers").GetBoolean());
        Assert.True(root.GetProperty("sts").GetProperty("hasToken").GetBoolean());

        // The bytes are in VOD's storage.
        Assert.Equal(Sources.Sha256(video), Sources.Sha256(Sources.StoredObject(app.Emulator, videoId)!));
        Assert.Equal(Sources.Sha256(image), Sources.Sha256(Sources.StoredObject(app.Emulator, imageId)!));

        // VOD's signed callbacks reached the receiver, and the records became final with the VOD API's word.
        var videoRecord = await Eventually.WaitForValueAsync("the video record to be confirmed Normal", TimeSpan.FromSeconds(60), async () =>
            await app.GetJsonAsync($"api/media/videos/{videoId}") is { } r && r.GetProperty("status").GetString() == "Normal" && r.GetProperty("confirmed").GetBoolean() ? r : (JsonElement?)null);
        var imageRecord = await Eventually.WaitForValueAsync("the image record to be confirmed", TimeSpan.FromSeconds(60), async () =>
            await app.GetJsonAsync($"api/media/images/{imageId}") is { } r && r.GetProperty("confirmed").GetBoolean() ? r : (JsonElement?)null);
        Assert.Equal("browser", videoRecord.GetProperty("source").GetString());
        Assert.Equal("Normal", imageRecord.GetProperty("status").GetString());
        Assert.Equal("aad/" + app.Caller, videoRecord.GetProperty("owner").GetString());
        Assert.Equal("Normal", videoRecord.GetProperty("history").EnumerateArray().Last().GetProperty("Status").GetString());
        lock (app.Emulator.State.Sync)
        {
            var delivered = app.Emulator.State.Callbacks.Where(c => c.MediaId == videoId && c.EventType == "FileUploadComplete").ToList();
            Assert.Contains(delivered, c => c.Url == app.CallbackUrl && c.CarriedSignature && c.Status == 200);
        }
    });

    [HostFact]
    public Task Callbacks_that_are_not_vods_are_refused_and_oversized_ones_too() => app.RunAsync(async () =>
    {
        // Arrange
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var stale = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        const string Event = """{"EventType":"FileUploadComplete","Status":"success","VideoId":"v-forged","Size":1}""";
        var cases = new (string? Timestamp, string? Signature, string Body, HttpStatusCode Status, string Code)[]
        {
            (now, Sign(now, "not-the-key"), Event, HttpStatusCode.Unauthorized, "CallbackBadSignature"),
            (stale, Sign(stale, app.CallbackAuthKey), Event, HttpStatusCode.Unauthorized, "CallbackStale"),
            (null, null, Event, HttpStatusCode.Unauthorized, "CallbackMissingHeaders"),
            (now, Sign(now, app.CallbackAuthKey), "{\"EventType\":\"FileUploadComplete\",\"Pad\":\"" + new string('x', 70 * 1024) + "\"}", HttpStatusCode.RequestEntityTooLarge, "CallbackTooLarge"),
            (now, Sign(now, app.CallbackAuthKey), "[1,2]", HttpStatusCode.BadRequest, "CallbackMalformed"),
        };
        using var vod = new HttpClient { BaseAddress = app.Host.BaseUri };

        foreach (var (timestamp, signature, body, status, code) in cases)
        {
            // Act: posted as VOD posts, without a function key (the receiver is anonymous at the function level).
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/vod/callback") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
            if (timestamp is not null)
            {
                request.Headers.Add("X-VOD-TIMESTAMP", timestamp);
                request.Headers.Add("X-VOD-SIGNATURE", signature);
            }

            using var response = await vod.SendAsync(request);

            // Assert
            await Problem.AssertAsync(response, status, code);
        }

        Assert.Null(await app.GetJsonAsync("api/media/videos/v-forged"));
    });

    [HostFact]
    public Task A_forged_body_on_a_genuine_signature_changes_no_record_creates_none_and_wakes_nobody() => app.RunAsync(async () =>
    {
        // Arrange: a video the app created for the browser whose file never arrived (VOD says Uploading).
        using var created = await app.Api.PostAsync("api/vod/upload-video-auth", new StringContent("""{"title":"waiting","fileName":"w.mp4"}""", System.Text.Encoding.UTF8, "application/json"));
        created.EnsureSuccessStatusCode();
        var videoId = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("VideoId").GetString()!;
        var before = Facts((await app.GetJsonAsync($"api/media/videos/{videoId}"))!.Value);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        byte[][] forged =
        [
            System.Text.Encoding.UTF8.GetBytes($$"""{"EventType":"FileUploadComplete","Status":"success","VideoId":"{{videoId}}","Size":1,"FileUrl":"https://attacker.example/evil.mp4","Extend":"{\"uploadId\":\"upl-victim\"}"}"""),
            System.Text.Encoding.UTF8.GetBytes($$"""{"EventType":"TranscodeComplete","Status":"success","VideoId":"{{Guid.NewGuid():N}}"}"""),
            """{"EventType":"FileUploadComplete","Status":"success","VideoId":"a/b#c"}"""u8.ToArray(),
            [.. "{\"EventType\":\"FileUploadComplete\",\"VideoId\":\""u8, 0xFF, .. "\"}"u8],
        ];
        using var vod = new HttpClient { BaseAddress = app.Host.BaseUri };
        var statuses = new List<HttpStatusCode>();

        // Act: each body on the same genuine signature, as anyone who saw one callback could send it.
        foreach (var body in forged)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/vod/callback") { Content = new ByteArrayContent(body) };
            request.Headers.Add("X-VOD-TIMESTAMP", now);
            request.Headers.Add("X-VOD-SIGNATURE", Sign(now, app.CallbackAuthKey));
            using var response = await vod.SendAsync(request);
            statuses.Add(response.StatusCode);
        }

        // Assert: answered without a 5xx; the record is as it was; no record for the made-up media.
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest], statuses);
        var after = (await app.GetJsonAsync($"api/media/videos/{videoId}"))!.Value;
        Assert.Equal(before, Facts(after));
        Assert.Equal(("Uploading", JsonValueKind.Null), (after.GetProperty("status").GetString(), after.GetProperty("fileUrl").ValueKind));
        var (items, _) = await ListMediaAsync();
        Assert.DoesNotContain(items, r => r.GetProperty("source").GetString() == "unknown");
    });

    /// <summary>What a record says of a media (the VOD API may have confirmed it since; that is no change of fact).</summary>
    private static string Facts(JsonElement record) => string.Join('|', new[] { "status", "fileUrl", "size", "source", "owner", "uploadId" }.Select(p => record.GetProperty(p).ToString()));

    private async Task<(List<JsonElement> Items, string? Next)> ListMediaAsync()
    {
        var page = (await app.GetJsonAsync("api/media?kind=video&pageSize=500"))!.Value;
        return (page.GetProperty("items").EnumerateArray().ToList(), page.GetProperty("continuationToken").GetString());
    }

    private string Sign(string timestamp, string key) =>
        Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes($"{app.CallbackUrl}|{timestamp}|{key}")));
}
