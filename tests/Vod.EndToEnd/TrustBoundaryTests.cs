using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Vod.Alibaba.Credentials;
using Vod.Alibaba.Errors;
using Vod.Alibaba.VodApi;
using Vod.Alibaba.VodApi.Operations;
using Vod.EndToEnd.Support;

namespace Vod.EndToEnd;

/// <summary>
/// The browser endpoints under the real host, deployed as in Azure behind App Service Authentication: a function key is
/// not enough, credentials belong to their caller, each caller has a limit, and an STS token can only upload.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class TrustBoundaryTests(AppUnderHost app)
{
    /// <summary>A client with the function key, signed in as <paramref name="principal"/> (or as nobody).</summary>
    private HttpClient Client(string? principal)
    {
        var client = new HttpClient { BaseAddress = app.Host.BaseUri, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Add("x-functions-key", app.Host.FunctionKey);
        if (principal is not null)
        {
            AppUnderHost.SignIn(client, principal);
        }

        return client;
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).Clone();
    }

    [HostFact]
    public Task Credentials_need_a_caller_are_refreshed_only_for_their_owner_and_are_limited_per_caller() => app.RunAsync(async () =>
    {
        // Arrange
        var tag = Sources.Tag();
        using var anonymous = Client(null);
        using var alice = Client("alice-" + tag);
        using var bob = Client("bob-" + tag);
        using var busy = Client("busy-" + tag);
        var body = new { title = "mine", fileName = "mine.mp4" };

        // Act
        using var unauthenticated = await anonymous.PostAsJsonAsync("api/vod/upload-video-auth", body);
        var videoId = (await JsonAsync(await alice.PostAsJsonAsync("api/vod/upload-video-auth", body))).GetProperty("VideoId").GetString()!;
        using var bobsRefresh = await bob.PostAsJsonAsync("api/vod/refresh-upload-video-auth", new { videoId });
        var alicesRefresh = await JsonAsync(await alice.PostAsJsonAsync("api/vod/refresh-upload-video-auth", new { videoId }));
        var answers = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 21; i++)
        {
            var response = await busy.PostAsJsonAsync("api/vod/upload-image-auth", new { title = "i" + i });
            answers.Add(response.StatusCode);
            limited = response;
        }

        // Assert
        await Problem.AssertAsync(unauthenticated, HttpStatusCode.Unauthorized, "Unauthenticated");
        await Problem.AssertAsync(bobsRefresh, HttpStatusCode.NotFound, "NotFound");
        Assert.Equal(videoId, alicesRefresh.GetProperty("VideoId").GetString());
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.OK, 20).Append(HttpStatusCode.TooManyRequests), answers);
        Assert.True(limited!.Headers.RetryAfter?.Delta > TimeSpan.Zero, "no Retry-After");
        await Problem.AssertAsync(limited, HttpStatusCode.TooManyRequests, "TooManyCredentialRequests");
        var record = (await app.GetJsonAsync($"api/media/videos/{videoId}"))!.Value;
        Assert.Equal(("browser", "aad/alice-" + tag), (record.GetProperty("source").GetString(), record.GetProperty("owner").GetString()));
    });

    [HostFact]
    public Task An_sts_token_can_only_upload_and_the_video_it_created_is_claimed_by_its_caller() => app.RunAsync(async () =>
    {
        // Arrange: the browser's STS token, used as the SDK uses it in STS mode.
        var tag = Sources.Tag();
        using var carol = Client("carol-" + tag);
        using var dave = Client("dave-" + tag);
        var info = (await JsonAsync(await carol.PostAsJsonAsync("api/vod/sts-token", new { }))).GetProperty("SecurityTokenInfo");
        using var http = new HttpClient();
        var browser = new VodClient(http, new AlibabaCredential(info.GetProperty("AccessKeyId").GetString()!, info.GetProperty("AccessKeySecret").GetString()!, info.GetProperty("SecretToken").GetString()),
            new VodClientOptions { Endpoint = new Uri(app.Emulator.BaseUri.GetLeftPart(UriPartial.Authority)) });

        // Act
        var created = await browser.CreateUploadVideoAsync(new CreateUploadVideoRequest { Title = "sts-" + tag, FileName = "s.mp4" });
        var read = await Assert.ThrowsAsync<AlibabaCloudException>(() => browser.GetVideoInfoAsync(new GetVideoInfoRequest { VideoId = created.VideoId }));
        var delete = await Assert.ThrowsAsync<AlibabaCloudException>(() => browser.DeleteVideoAsync(new DeleteVideoRequest { VideoIds = [created.VideoId] }));
        var claimed = await JsonAsync(await carol.PostAsJsonAsync("api/vod/claim-video", new { videoId = created.VideoId }));
        using var stolen = await dave.PostAsJsonAsync("api/vod/claim-video", new { videoId = created.VideoId });

        // Assert
        Assert.Equal(("Forbidden.RAM", "Forbidden.RAM"), (read.Code, delete.Code));
        Assert.InRange(DateTimeOffset.Parse(info.GetProperty("Expiration").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
            DateTimeOffset.UtcNow.AddMinutes(13), DateTimeOffset.UtcNow.AddMinutes(15.5));
        Assert.Equal("Uploading", claimed.GetProperty("Status").GetString());
        await Problem.AssertAsync(stolen, HttpStatusCode.NotFound, "NotFound");
        var record = (await app.GetJsonAsync($"api/media/videos/{created.VideoId}"))!.Value;
        Assert.Equal(("browser", "aad/carol-" + tag), (record.GetProperty("source").GetString(), record.GetProperty("owner").GetString()));
    });
}
