using System.Text.Json;
using Vod.Alibaba.Credentials;
using Vod.Alibaba.Oss;
using Vod.Alibaba.VodApi;

namespace Vod.Emulator.Tests;

/// <summary>A fresh emulator on a free loopback port, with quick transcoding and callback retries, and clients for it.</summary>
public sealed class TestEmulator : IAsyncDisposable
{
    private TestEmulator(EmulatorHost host)
    {
        Host = host;
        Http = new HttpClient();
        Account = new AlibabaCredential(host.Options.AccessKeyId, host.Options.AccessKeySecret);
        Vod = VodClientFor(Account);
        Oss = new OssClient(Http, new OssClientOptions { Addressing = OssAddressingStyle.BucketInHostHeader, Region = host.Options.Region });
    }

    public EmulatorHost Host { get; }

    public HttpClient Http { get; }

    public AlibabaCredential Account { get; }

    public VodClient Vod { get; }

    public OssClient Oss { get; }

    public Uri Endpoint => new(Host.BaseUri.GetLeftPart(UriPartial.Authority));

    public static async Task<TestEmulator> StartAsync(Action<EmulatorOptions>? configure = null)
    {
        var options = new EmulatorOptions
        {
            Urls = "http://127.0.0.1:0",
            TranscodeDelay = TimeSpan.FromMilliseconds(300),
            CallbackRetryInterval = TimeSpan.FromMilliseconds(100),
        };
        configure?.Invoke(options);
        return new TestEmulator(await EmulatorHost.StartAsync(options));
    }

    public VodClient VodClientFor(AlibabaCredential credential, VodClientOptions? options = null, TimeProvider? time = null)
    {
        options ??= new VodClientOptions();
        options.Endpoint = Endpoint;
        return new VodClient(Http, credential, options, time);
    }

    public OssClient OssClientFor(OssClientOptions options, TimeProvider? time = null) => new(Http, options, time);

    public JsonDocument State() => JsonDocument.Parse(Host.StateJson());

    public async Task<HttpResponseMessage> AdminAsync(string path, object? body = null) =>
        await Http.PostAsync(new Uri(Host.BaseUri, "_emulator/" + path), new StringContent(JsonSerializer.Serialize(body ?? new { }), System.Text.Encoding.UTF8, "application/json"));

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Host.DisposeAsync();
    }
}
