using System.Text.Json;
using Vod.Alibaba.Oss;
using Vod.Alibaba.VodApi.Operations;

namespace Vod.Emulator.Tests;

/// <summary>What a person (or a script) sees of the emulator: the index page, object downloads, paged state, the request log.</summary>
public sealed class IntrospectionTests : IAsyncLifetime
{
    private TestEmulator _emulator = null!;

    public async Task InitializeAsync() => _emulator = await TestEmulator.StartAsync();

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    private Uri Admin(string path) => new(_emulator.Host.BaseUri, "_emulator/" + path);

    private async Task<(string VideoId, byte[] Data)> UploadVideoAsync(string title, int size)
    {
        var data = new byte[size];
        new Random(size).NextBytes(data);
        var created = await _emulator.Vod.CreateUploadVideoAsync(new CreateUploadVideoRequest { Title = title, FileName = "clip.mp4" });
        await _emulator.Oss.PutObjectAsync(OssObjectLocation.From(created.DecodeAddress()), new MemoryStream(data), data.Length, created.DecodeAuth().Credential);
        return (created.VideoId, data);
    }

    [Fact]
    public async Task The_index_lists_media_with_download_links_recent_requests_and_routes()
    {
        var (videoId, data) = await UploadVideoAsync("<b>Keynote</b> & more", 4321);
        var pending = await _emulator.Vod.CreateUploadVideoAsync(new CreateUploadVideoRequest { Title = "not yet", FileName = "later.mp4" });

        using var response = await _emulator.Http.GetAsync(Admin(string.Empty));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(videoId, html);
        Assert.Contains(pending.VideoId, html);
        Assert.Contains("&lt;b&gt;Keynote&lt;/b&gt; &amp; more", html); // titles are text, never markup
        Assert.DoesNotContain("<b>Keynote", html);
        Assert.Contains("CreateUploadVideo", html); // the recent requests name the action
        Assert.Contains("/_emulator/state", html); // the routes
        Assert.Contains("/_emulator/faults/upload-part", html);
        Assert.DoesNotContain(EmulatorOptions.DevAccessKeySecret, html);

        // Each uploaded media links to its object; following the link gives the bytes.
        var link = System.Text.RegularExpressions.Regex.Match(html, "href=\"(/_emulator/objects/[^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(link);
        using var download = await _emulator.Http.GetAsync(new Uri(_emulator.Host.BaseUri, System.Net.WebUtility.HtmlDecode(link)));
        Assert.Equal(200, (int)download.StatusCode);
        Assert.Equal(data, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);

        using var missing = await _emulator.Http.GetAsync(Admin($"objects/{_emulator.Host.Bucket}/sv/none.mp4"));
        Assert.Equal(404, (int)missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task State_pages_by_kind_newest_first_and_the_summary_counts()
    {
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await _emulator.Vod.CreateUploadImageAsync(new CreateUploadImageRequest { ImageType = "default", Title = "image " + i })).ImageId);
            await Task.Delay(5); // distinct creation times
        }

        using var first = JsonDocument.Parse(await _emulator.Http.GetStringAsync(Admin("state?kind=media&page=1&pageSize=2")));
        using var last = JsonDocument.Parse(await _emulator.Http.GetStringAsync(Admin("state?kind=media&page=3&pageSize=2")));
        using var summary = JsonDocument.Parse(await _emulator.Http.GetStringAsync(Admin("state?kind=summary")));
        using var requests = JsonDocument.Parse(await _emulator.Http.GetStringAsync(Admin("state?kind=requests&pageSize=3")));

        Assert.Equal(5, first.RootElement.GetProperty("total").GetInt32());
        Assert.Equal(3, first.RootElement.GetProperty("pages").GetInt32());
        Assert.Equal([ids[4], ids[3]], first.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("media").GetProperty("id").GetString()));
        Assert.Equal([ids[0]], last.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("media").GetProperty("id").GetString()));
        Assert.Equal(5, summary.RootElement.GetProperty("counts").GetProperty("media").GetInt32());
        Assert.Equal(_emulator.Host.Bucket, summary.RootElement.GetProperty("bucket").GetString());
        Assert.Equal(3, requests.RootElement.GetProperty("items").GetArrayLength());

        foreach (var bad in new[] { "state?kind=nope", "state?kind=media&page=0", "state?kind=media&pageSize=5000", "state?kind=media&page=x" })
        {
            using var refused = await _emulator.Http.GetAsync(Admin(bad));
            Assert.Equal(400, (int)refused.StatusCode);
            using var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
            Assert.Equal("emulator.bad-request", problem.RootElement.GetProperty("code").GetString());
        }
    }

    [Fact]
    public async Task Every_request_is_logged_to_a_json_lines_file_and_the_ring_without_signatures_tokens_or_secrets()
    {
        var created = await _emulator.Vod.CreateUploadVideoAsync(new CreateUploadVideoRequest { Title = "logged", FileName = "l.mp4" });
        var credential = created.DecodeAuth().Credential;
        await _emulator.Oss.PutObjectAsync(OssObjectLocation.From(created.DecodeAddress()), new MemoryStream(new byte[100]), 100, credential);

        // A presigned-style URL carries the signature and the token in the query; a V2 RPC GET carries its signature there too.
        var presigned = $"{created.DecodeAddress().FileName}?OSSAccessKeyId={credential.AccessKeyId}&Expires=1&Signature=SIGNATURE-VALUE&security-token={Uri.EscapeDataString(credential.SecurityToken!)}";
        using (var get = new HttpRequestMessage(HttpMethod.Get, new Uri(_emulator.Host.BaseUri, _emulator.Host.Bucket + "/" + presigned)))
        {
            (await _emulator.Http.SendAsync(get)).Dispose();
        }

        (await _emulator.Http.GetAsync(new Uri(_emulator.Host.BaseUri, "?Action=GetVideoInfo&VideoId=x&Signature=RPC-SIGNATURE&SecurityToken=RPC-TOKEN&AccessKeySecret=NEVER"))).Dispose();

        // A pull's source URL travels as a value, with its SAS, encoded as our VOD client sends it.
        var sas = "http://127.0.0.1:9/media/a.mp4?sv=2025-01-05&se=2030-01-01T00%3A00%3A00Z&sp=r&sig=SAS-SIGNATURE";
        await _emulator.Vod.UploadMediaByUrlAsync(new UploadMediaByUrlRequest
        {
            UploadUrls = [sas],
            UploadMetadatas = [new UrlUploadMetadata { SourceUrl = sas, Title = "a" }],
        });

        var file = Path.Combine(_emulator.Host.DataDirectory, "requests.jsonl");
        var lines = await ReadSharedAsync(file);
        var entries = lines.Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

        Assert.Contains(entries, e => e.TryGetProperty("action", out var action) && action.GetString() == "CreateUploadVideo" && e.GetProperty("status").GetInt32() == 200
            && e.GetProperty("target").GetString()!.Contains("Signature=***", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.GetProperty("method").GetString() == "PUT" && e.GetProperty("target").GetString()!.EndsWith(".mp4", StringComparison.Ordinal) && e.GetProperty("status").GetInt32() == 200);
        Assert.Contains(entries, e => e.GetProperty("status").GetInt32() == 403 && e.GetProperty("target").GetString()!.Contains("Signature=***", StringComparison.Ordinal));
        Assert.All(entries, e => Assert.True(e.GetProperty("durationMs").GetDouble() >= 0));
        var all = string.Join('\n', lines);
        foreach (var secret in new[] { credential.AccessKeySecret, credential.SecurityToken!, Uri.EscapeDataString(credential.SecurityToken!), "SIGNATURE-VALUE", "RPC-SIGNATURE", "RPC-TOKEN", "NEVER", "SAS-SIGNATURE", EmulatorOptions.DevAccessKeySecret })
        {
            Assert.DoesNotContain(secret, all);
        }

        using var ring = JsonDocument.Parse(await _emulator.Http.GetStringAsync(Admin("state?kind=requests")));
        Assert.True(ring.RootElement.GetProperty("total").GetInt32() >= entries.Count);
        Assert.Contains("GetVideoInfo", ring.RootElement.GetProperty("items").GetRawText());
    }

    private static async Task<string[]> ReadSharedAsync(string file)
    {
        await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return (await reader.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
