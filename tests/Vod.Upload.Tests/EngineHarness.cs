using System.Collections.Concurrent;
using System.Text.Json;
using Azure.Storage.Blobs;
using Vod.Alibaba.Credentials;
using Vod.Alibaba.Oss;
using Vod.Alibaba.VodApi;
using Vod.Emulator;
using Vod.Testing;
using Vod.Upload.Checkpoints;
using Vod.Upload.Engine;
using Vod.Upload.Sources;

namespace Vod.Upload.Tests;

/// <summary>Azurite shared by a test class.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    public Azurite Azurite { get; private set; } = null!;

    public BlobServiceClient Blobs { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Azurite = await Azurite.StartAsync();
        Blobs = new BlobServiceClient(Azurite.ConnectionString);
    }

    public async Task DisposeAsync() => await Azurite.DisposeAsync();
}

/// <summary>An emulator and an engine wired to it and to Azurite, as a host would wire them.</summary>
public sealed class EngineHarness : IAsyncDisposable
{
    private EngineHarness(EmulatorHost emulator, BlobServiceClient blobs, ICheckpointStore checkpoints)
    {
        Emulator = emulator;
        Blobs = blobs;
        Checkpoints = checkpoints;
        Engine = NewEngine();
    }

    public EmulatorHost Emulator { get; }

    public BlobServiceClient Blobs { get; }

    public ICheckpointStore Checkpoints { get; }

    public UploadEngine Engine { get; private set; }

    public HttpClient Http { get; private set; } = new();

    public Uri Endpoint => new(Emulator.BaseUri.GetLeftPart(UriPartial.Authority));

    public static async Task<EngineHarness> StartAsync(BlobServiceClient blobs, ICheckpointStore? checkpoints = null)
    {
        var emulator = await EmulatorHost.StartAsync(new EmulatorOptions { Urls = "http://127.0.0.1:0", TranscodeDelay = TimeSpan.FromMilliseconds(200) });
        checkpoints ??= new BlobCheckpointStore(blobs.GetBlobContainerClient("checkpoints-" + Guid.NewGuid().ToString("N")[..12]));
        return new EngineHarness(emulator, blobs, checkpoints);
    }

    public VodClient Vod => new(Http, new AlibabaCredential(Emulator.Options.AccessKeyId, Emulator.Options.AccessKeySecret), new VodClientOptions { Endpoint = Endpoint });

    /// <summary>Drops the engine and every client and builds new ones over the same stores ("simulate disaster").</summary>
    public void RebuildEngine()
    {
        Http.Dispose();
        Http = new HttpClient();
        Engine = NewEngine();
    }

    private UploadEngine NewEngine() => new(
        Vod,
        new OssClient(Http, new OssClientOptions { Addressing = OssAddressingStyle.Automatic }),
        Checkpoints,
        new UploadSourceResolver(Blobs));

    public JsonDocument State() => JsonDocument.Parse(Emulator.StateJson());

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Emulator.DisposeAsync();
    }

    public static byte[] Data(int size, int seed)
    {
        var data = new byte[size];
        new Random(seed).NextBytes(data);
        return data;
    }

    public static string WriteFile(byte[] data, string name)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("vod-src-").FullName, name);
        File.WriteAllBytes(path, data);
        return path;
    }

    public async Task<SourceReference> PutBlobAsync(byte[] data, string name, string container = "incoming")
    {
        var client = Blobs.GetBlobContainerClient(container);
        await client.CreateIfNotExistsAsync();
        await client.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(data), overwrite: true);
        return SourceReference.FromBlob(container, name);
    }

    /// <summary>The bytes the emulator stored for a media's object.</summary>
    public byte[] StoredBytes(string objectKey)
    {
        var stored = Emulator.State.Objects.Values.Single(o => o.Key == objectKey);
        return File.ReadAllBytes(stored.FilePath);
    }
}

/// <summary>Records observer events.</summary>
public sealed class RecordingObserver : IUploadObserver
{
    public ConcurrentQueue<string> Events { get; } = new();

    private int _refreshes;
    private int _retries;

    public int Refreshes => Volatile.Read(ref _refreshes);

    public int Retries => Volatile.Read(ref _retries);
    public Action<UploadProgress>? OnProgressHook { get; set; }

    public void OnStarted(UploadStarted started) => Events.Enqueue("started:" + started.MediaId);

    public void OnProgress(UploadProgress progress)
    {
        Events.Enqueue("progress:" + progress.Percent);
        OnProgressHook?.Invoke(progress);
    }

    public void OnTokenRefreshed(string mediaId, bool afterExpiry)
    {
        Interlocked.Increment(ref _refreshes);
        Events.Enqueue("token:" + afterExpiry);
    }

    public void OnPartRetried(int partNumber, int attempt, string errorCode)
    {
        Interlocked.Increment(ref _retries);
        Events.Enqueue($"retry:{partNumber}:{attempt}:{errorCode}");
    }

    public void OnSucceeded(UploadResult result) => Events.Enqueue("succeeded:" + result.MediaId);

    public void OnFailed(string code, string message) => Events.Enqueue("failed:" + code);
}
