using System.Text.Json;
using Vod.Alibaba.VodApi.Operations;
using Vod.Testing;

namespace Vod.Emulator.Tests;

/// <summary>UploadMediaByURL as VOD runs it: the queue, the statuses, SAS expiry, the callback under either name, and the pull faults.</summary>
public sealed class PullJobTests : IAsyncLifetime
{
    private TestEmulator _emulator = null!;
    private RecordingServer _source = null!;
    private RecordingServer _receiver = null!;
    private readonly byte[] _bytes = Enumerable.Range(0, 50_000).Select(i => (byte)(i * 7)).ToArray();

    public async Task InitializeAsync()
    {
        _source = await RecordingServer.StartAsync();
        _source.Respond = _ => new ScriptedResponse(200, Convert.ToBase64String(_bytes), ContentType: "application/octet-stream");
        _receiver = await RecordingServer.StartAsync();
        _receiver.Respond = _ => new ScriptedResponse(200, "ok");
        var callbackUrl = new Uri(_receiver.BaseUri, "api/vod/callback");
        _emulator = await TestEmulator.StartAsync(o =>
        {
            o.CallbackUrl = callbackUrl;
            o.CallbackAuthKey = "pull-key";
        });
    }

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        await _source.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task A_held_job_stays_PENDING_then_succeeds_and_calls_back_under_the_chosen_name()
    {
        // Arrange
        (await _emulator.AdminAsync("faults/pull", new { callbackName = "URLUploadComplete" })).EnsureSuccessStatusCode();
        (await _emulator.AdminAsync("faults/hold-pulls")).EnsureSuccessStatusCode();
        var url = new Uri(_source.BaseUri, "c/a.mp4?se=2999-01-01T00%3A00%3A00Z&sig=secret").ToString();

        // Act
        var jobId = await SubmitAsync(url);
        var held = await InfoAsync(jobId);
        (await _emulator.AdminAsync("faults/release-pulls")).EnsureSuccessStatusCode();
        var done = await WaitForAsync(jobId, "SUCCESS");
        var callback = await CallbackAsync();

        // Assert
        Assert.Equal("PENDING", held.Status);
        Assert.Null(held.MediaId);
        Assert.Equal(Convert.ToBase64String(_bytes).Length.ToString(System.Globalization.CultureInfo.InvariantCulture), done.FileSize);
        Assert.Equal("URLUploadComplete", callback.Json.GetProperty("EventType").GetString());
        Assert.Equal(("success", done.MediaId, jobId), (callback.Json.GetProperty("Status").GetString(), callback.Json.GetProperty("VideoId").GetString(), callback.Json.GetProperty("JobId").GetString()));
        Assert.NotNull(callback.Request.Header("X-VOD-SIGNATURE"));
        Assert.Single(_source.Requests);
    }

    [Fact]
    public async Task A_sas_past_its_expiry_is_refused_without_a_request()
    {
        var url = new Uri(_source.BaseUri, "c/old.mp4?sv=2024&se=2020-01-01T00%3A00%3A00Z&sp=r&sig=abc").ToString();

        var jobId = await SubmitAsync(url);
        var info = await WaitForAsync(jobId, "DOWNLOAD_FAIL");
        var callback = await CallbackAsync();

        Assert.Equal("URLExpiredError", info.ErrorCode);
        Assert.Empty(_source.Requests);
        Assert.Equal(("UploadByURLComplete", "fail", "URLExpiredError"), (callback.Json.GetProperty("EventType").GetString(), callback.Json.GetProperty("Status").GetString(), callback.Json.GetProperty("ErrorCode").GetString()));
    }

    [Fact]
    public async Task Fault_switches_refuse_the_url_and_fail_the_job()
    {
        (await _emulator.AdminAsync("faults/pull", new { refuseUrls = 1, failJobs = 1 })).EnsureSuccessStatusCode();
        var url = new Uri(_source.BaseUri, "c/f.mp4").ToString();

        var refused = await WaitForAsync(await SubmitAsync(url), "DOWNLOAD_FAIL");
        var failed = await WaitForAsync(await SubmitAsync(url), "UPLOAD_FAIL");
        var fine = await WaitForAsync(await SubmitAsync(url), "SUCCESS");

        Assert.Equal("URLAccessDeniedError", refused.ErrorCode);
        Assert.Equal("InternalError", failed.ErrorCode);
        Assert.Equal("UploadFail", _emulator.Host.State.Media[failed.MediaId!].Status);
        Assert.NotNull(fine.MediaId);
        Assert.Equal(2, _source.Requests.Count);
    }

    [Fact]
    public async Task A_source_answering_403_ends_DOWNLOAD_FAIL_access_denied()
    {
        _source.Respond = _ => new ScriptedResponse(403, "<Error><Code>AuthenticationFailed</Code></Error>", ContentType: "application/xml");

        var info = await WaitForAsync(await SubmitAsync(new Uri(_source.BaseUri, "c/no.mp4").ToString()), "DOWNLOAD_FAIL");

        Assert.Equal("URLAccessDeniedError", info.ErrorCode);
        Assert.Contains("403", info.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_slow_queue_keeps_jobs_pending_for_its_delay_and_bad_switches_are_refused()
    {
        (await _emulator.AdminAsync("faults/pull", new { queueDelayMilliseconds = 1500 })).EnsureSuccessStatusCode();
        var url = new Uri(_source.BaseUri, "c/slow.mp4").ToString();

        var started = DateTime.UtcNow;
        var jobId = await SubmitAsync(url);
        var pending = await InfoAsync(jobId);
        await WaitForAsync(jobId, "SUCCESS");
        var took = DateTime.UtcNow - started;
        using var bad = await _emulator.AdminAsync("faults/pull", new { callbackName = "SomethingElse" });
        using var negative = await _emulator.AdminAsync("faults/pull", new { refuseUrls = -1 });

        Assert.Equal("PENDING", pending.Status);
        Assert.True(took >= TimeSpan.FromMilliseconds(1400), $"took {took}");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, negative.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
    }

    private async Task<string> SubmitAsync(string url) =>
        (await _emulator.Vod.UploadMediaByUrlAsync(new UploadMediaByUrlRequest { UploadUrls = [url], UploadMetadatas = [new UrlUploadMetadata { SourceUrl = url, Title = "p" }] })).UploadJobs.Single().JobId;

    private async Task<UrlUploadInfo> InfoAsync(string jobId) =>
        (await _emulator.Vod.GetUrlUploadInfosAsync(new GetUrlUploadInfosRequest { JobIds = [jobId] })).UrlUploadInfoList.Single();

    private async Task<UrlUploadInfo> WaitForAsync(string jobId, string status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var info = await InfoAsync(jobId);
            if (info.Status == status || DateTime.UtcNow > deadline)
            {
                Assert.Equal(status, info.Status);
                return info;
            }

            await Task.Delay(20);
        }
    }

    private async Task<(RecordedRequest Request, JsonElement Json)> CallbackAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var found = _receiver.Requests.FirstOrDefault(r => r.Body.Length > 0 && JsonDocument.Parse(r.Body).RootElement.GetProperty("EventType").GetString() is "UploadByURLComplete" or "URLUploadComplete");
            if (found is not null)
            {
                return (found, JsonDocument.Parse(found.Body).RootElement.Clone());
            }

            Assert.True(DateTime.UtcNow < deadline, "no pull callback within 15 s");
            await Task.Delay(20);
        }
    }
}
