using System.Diagnostics;
using System.Text.Json;
using Vod.Alibaba.Credentials;
using Vod.Alibaba.Errors;
using Vod.Alibaba.Oss;
using Vod.Alibaba.VodApi;
using Vod.Alibaba.VodApi.Operations;

namespace Vod.Emulator.Tests;

/// <summary>Every fault switch, set through <c>/_emulator/</c>, has the effect it promises.</summary>
public sealed class FaultInjectionTests : IAsyncLifetime
{
    private TestEmulator _emulator = null!;

    public async Task InitializeAsync() => _emulator = await TestEmulator.StartAsync();

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    private async Task<(OssObjectLocation Target, AlibabaCredential Credential, string UploadId)> StartUploadAsync()
    {
        var created = await _emulator.Vod.CreateUploadVideoAsync(new CreateUploadVideoRequest { Title = "f", FileName = "f.mp4" });
        var target = OssObjectLocation.From(created.DecodeAddress());
        var credential = created.DecodeAuth().Credential;
        return (target, credential, await _emulator.Oss.InitiateMultipartUploadAsync(target, credential));
    }

    private Task<OssWriteResult> PartAsync((OssObjectLocation Target, AlibabaCredential Credential, string UploadId) upload, int number, int size = 1000) =>
        _emulator.Oss.UploadPartAsync(upload.Target, upload.UploadId, number, new MemoryStream(new byte[size]), size, upload.Credential);

    [Theory]
    [InlineData(503, "ServiceUnavailable")]
    [InlineData(500, "InternalError")]
    public async Task The_next_n_part_uploads_fail_with_the_chosen_status(int status, string code)
    {
        var upload = await StartUploadAsync();
        (await _emulator.AdminAsync("faults/upload-part", new { count = 2, status })).EnsureSuccessStatusCode();

        var first = await Assert.ThrowsAsync<AlibabaCloudException>(() => PartAsync(upload, 1));
        var second = await Assert.ThrowsAsync<AlibabaCloudException>(() => PartAsync(upload, 2));
        var third = await PartAsync(upload, 3);

        Assert.Equal(status, first.StatusCode);
        Assert.Equal(code, second.Code);
        Assert.Equal(AlibabaErrorKind.Retryable, first.Kind);
        Assert.NotEmpty(third.ETag);
        using var state = _emulator.State();
        Assert.Equal(3000, state.RootElement.GetProperty("bytesReceivedPerUpload").GetProperty(upload.UploadId).GetInt64());
        Assert.Single(state.RootElement.GetProperty("uploads")[0].GetProperty("parts").EnumerateArray());
    }

    [Fact]
    public async Task A_fraction_of_part_uploads_fails()
    {
        var upload = await StartUploadAsync();
        (await _emulator.AdminAsync("faults/upload-part", new { fraction = 0.5 })).EnsureSuccessStatusCode();

        var failures = 0;
        for (var n = 1; n <= 40; n++)
        {
            try
            {
                await PartAsync(upload, n, 10);
            }
            catch (AlibabaCloudException)
            {
                failures++;
            }
        }

        Assert.InRange(failures, 8, 32);
    }

    [Fact]
    public async Task A_dropped_connection_surfaces_as_a_retryable_network_error()
    {
        var upload = await StartUploadAsync();
        (await _emulator.AdminAsync("faults/upload-part", new { count = 1, mode = "DropConnection" })).EnsureSuccessStatusCode();

        var error = await Assert.ThrowsAsync<AlibabaCloudException>(() => PartAsync(upload, 1, 200_000));

        Assert.Equal(AlibabaErrorKind.Retryable, error.Kind);
        Assert.Equal(0, error.StatusCode);
        Assert.NotEmpty((await PartAsync(upload, 1)).ETag);
    }

    [Fact]
    public async Task Latency_delays_oss_and_vod_answers()
    {
        (await _emulator.AdminAsync("faults/latency", new { ossMilliseconds = 300, vodMilliseconds = 300 })).EnsureSuccessStatusCode();
        var clock = Stopwatch.StartNew();

        await _emulator.Vod.GetUrlUploadInfosAsync(new GetUrlUploadInfosRequest { JobIds = ["x"] });
        var vodElapsed = clock.Elapsed;
        await Assert.ThrowsAsync<AlibabaCloudException>(() => _emulator.Oss.HeadObjectAsync(new OssObjectLocation(_emulator.Endpoint, "b", "k"), _emulator.Account));

        Assert.True(vodElapsed >= TimeSpan.FromMilliseconds(290), $"VOD answered in {vodElapsed}");
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(580), $"both answered in {clock.Elapsed}");
    }

    [Fact]
    public async Task A_shortened_credential_lifetime_is_what_upload_auth_says_and_what_oss_enforces()
    {
        (await _emulator.AdminAsync("credentials/lifetime", new { seconds = 1 })).EnsureSuccessStatusCode();
        var before = DateTimeOffset.UtcNow;
        var created = await _emulator.Vod.CreateUploadVideoAsync(new CreateUploadVideoRequest { Title = "short", FileName = "s.mp4" });
        var after = DateTimeOffset.UtcNow;
        var auth = created.DecodeAuth();

        Assert.Equal("1", auth.Expiration);
        // Issued between before and after, for one second; ExpireUTCTime has whole seconds.
        Assert.InRange(auth.ExpireUtcTime!.Value, before.AddSeconds(-1), after.AddSeconds(2));
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        var expired = await Assert.ThrowsAsync<AlibabaCloudException>(() => _emulator.Oss.HeadObjectAsync(OssObjectLocation.From(created.DecodeAddress()), auth.Credential));
        Assert.Equal("SecurityTokenExpired", expired.Code);
        Assert.Equal(400, (int)(await _emulator.AdminAsync("credentials/lifetime", new { seconds = 0 })).StatusCode);
    }

    [Fact]
    public async Task Vod_can_be_throttled()
    {
        (await _emulator.AdminAsync("faults/throttle-vod", new { count = 2 })).EnsureSuccessStatusCode();
        var request = new GetUrlUploadInfosRequest { JobIds = ["x"] };

        var first = await Assert.ThrowsAsync<AlibabaCloudException>(() => _emulator.Vod.GetUrlUploadInfosAsync(request));
        await Assert.ThrowsAsync<AlibabaCloudException>(() => _emulator.Vod.GetUrlUploadInfosAsync(request));
        await _emulator.Vod.GetUrlUploadInfosAsync(request);

        Assert.Equal("Throttling.User", first.Code);
        Assert.Equal(AlibabaErrorKind.Retryable, first.Kind);
    }

    [Fact]
    public async Task Reset_turns_every_switch_off_and_the_state_endpoint_shows_uploads_with_parts()
    {
        var upload = await StartUploadAsync();
        await _emulator.AdminAsync("faults/upload-part", new { count = 5 });
        await _emulator.AdminAsync("faults/throttle-vod", new { count = 5 });
        (await _emulator.AdminAsync("faults/reset")).EnsureSuccessStatusCode();

        await PartAsync(upload, 1, 1234);
        var state = await _emulator.Http.GetStringAsync(new Uri(_emulator.Host.BaseUri, "_emulator/state"));
        using var json = JsonDocument.Parse(state);

        var shown = json.RootElement.GetProperty("uploads").EnumerateArray().Single();
        Assert.Equal(upload.UploadId, shown.GetProperty("uploadId").GetString());
        Assert.Equal(1234, shown.GetProperty("parts")[0].GetProperty("size").GetInt64());
        Assert.Equal(1, json.RootElement.GetProperty("partUploadsReceived").GetProperty(upload.UploadId).GetProperty("1").GetInt32());
        Assert.DoesNotContain(upload.Credential.AccessKeySecret, state);
        Assert.DoesNotContain(upload.Credential.SecurityToken!, state);
        Assert.Equal(404, (int)(await _emulator.AdminAsync("no/such/switch")).StatusCode);
        Assert.Equal(400, (int)(await _emulator.Http.PostAsync(new Uri(_emulator.Host.BaseUri, "_emulator/faults/upload-part"), new StringContent("{\"fraction\":2}", System.Text.Encoding.UTF8, "application/json"))).StatusCode);
    }
}
