using System.Diagnostics;

namespace Vod.Benchmarks;

/// <summary>
/// The emulator as its own process, warm for the whole run (a fresh one per upload spent seconds of JIT on every
/// run), with its data in a folder emptied after each upload and deleted at the end.
/// </summary>
internal sealed class EmulatorProcess : IAsyncDisposable
{
    public const string AccessKeyId = "LTAI5tEmulatorDevKey";
    public const string AccessKeySecret = "emulator-dev-secret-not-for-production";
    public const string CallbackAuthKey = "benchmark-callback-key";

    private readonly Process _process;

    private EmulatorProcess(Process process, string data, string endpoint)
    {
        _process = process;
        DataDirectory = data;
        Endpoint = endpoint;
    }

    public string Endpoint { get; }

    public string DataDirectory { get; }

    public int Pid => _process.Id;

    public static async Task<EmulatorProcess> StartAsync(string dll, string data)
    {
        Directory.CreateDirectory(data);
        var process = Process.Start(new ProcessStartInfo("dotnet", [dll, "--urls", "http://127.0.0.1:0", "--data-dir", data, "--callback-auth-key", CallbackAuthKey, "--transcode-delay", "1"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var first = await process.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("the emulator printed nothing");
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        var endpoint = new Uri(first["VOD emulator listening on ".Length..]).GetLeftPart(UriPartial.Authority);
        return new EmulatorProcess(process, data, endpoint);
    }

    /// <summary>Deletes the stored objects and parts (the emulator keeps their records; nothing reads them again).</summary>
    public void DropStoredBytes()
    {
        foreach (var file in Directory.EnumerateFiles(DataDirectory, "*", SearchOption.AllDirectories))
        {
            if (!file.Contains("/incoming/", StringComparison.Ordinal))
            {
                File.Delete(file);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        Directory.Delete(DataDirectory, recursive: true);
    }
}
