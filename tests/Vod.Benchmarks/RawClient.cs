using System.Diagnostics;
using System.Globalization;
using Microsoft.Win32.SafeHandles;
using Vod.Alibaba.Credentials;
using Vod.Alibaba.Oss;
using Vod.Alibaba.VodApi;
using Vod.Alibaba.VodApi.Operations;

namespace Vod.Benchmarks;

/// <summary>
/// The raw-PUT limit: the least a client must do to put a file into VOD's storage — create the video, initiate,
/// Parallel UploadParts read straight from the file into one reused buffer per worker, complete — with no hashing, no
/// checkpoint, no retry. Runs as its own process (<c>Vod.Benchmarks raw …</c>) so its CPU and memory are its own.
/// </summary>
internal static class RawClient
{
    public static async Task<int> RunAsync(string endpoint, string file, long partSize, int parallel)
    {
        using var http = new HttpClient(OssClient.CreateHandler()) { Timeout = Timeout.InfiniteTimeSpan };
        var vod = new VodClient(http, new AlibabaCredential(EmulatorProcess.AccessKeyId, EmulatorProcess.AccessKeySecret), new VodClientOptions { Endpoint = new Uri(endpoint) });
        var created = await vod.CreateUploadVideoAsync(new CreateUploadVideoRequest { Title = "raw benchmark", FileName = "raw.mp4" });
        var target = OssObjectLocation.From(created.DecodeAddress());
        var credential = created.DecodeAuth().Credential;
        var oss = new OssClient(http, new OssClientOptions { Addressing = OssAddressingStyle.Automatic });
        var clock = Stopwatch.StartNew();
        var size = new FileInfo(file).Length;
        var parts = (int)((size + partSize - 1) / partSize);
        using SafeFileHandle handle = File.OpenHandle(file, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
        var uploadId = await oss.InitiateMultipartUploadAsync(target, credential);
        var etags = new OssPartETag[parts];
        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, parallel).Select(async _ =>
        {
            var buffer = new byte[partSize];
            int number;
            while ((number = Interlocked.Increment(ref next)) <= parts)
            {
                var offset = (number - 1) * partSize;
                var length = (int)Math.Min(partSize, size - offset);
                for (var read = 0; read < length;)
                {
                    read += await RandomAccess.ReadAsync(handle, buffer.AsMemory(read, length - read), offset + read);
                }

                var stored = await oss.UploadPartAsync(target, uploadId, number, new MemoryStream(buffer, 0, length, writable: false), length, credential);
                etags[number - 1] = new OssPartETag(number, stored.ETag);
            }
        }));
        await oss.CompleteMultipartUploadAsync(target, uploadId, etags, credential);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{{\"seconds\":{clock.Elapsed.TotalSeconds}}}"));
        return 0;
    }
}
