using System.Diagnostics;
using Vod.Testing;

namespace Vod.Emulator.Tests;

/// <summary>
/// <c>vod-emulator</c> as users get it: packed as a .NET tool, installed with <c>dotnet tool install</c> (once per test
/// run, into a folder of its own) and run as a command.
/// </summary>
public sealed class ToolTests
{
    private static readonly Lazy<string> Installed = new(InstallTool);

    private static string InstallTool()
    {
        var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var root = Directory.CreateTempSubdirectory("vod-emulator-tool-").FullName;
        var feed = Path.Combine(root, "feed");
        Run("dotnet", "pack", Path.Combine(RepositoryPaths.Root, "functions", "Vod.Emulator", "Vod.Emulator.csproj"), "-c", configuration, "--no-build", "-o", feed, "--nologo");
        var package = Path.GetFileNameWithoutExtension(Directory.GetFiles(feed, "vod-emulator.*.nupkg").Single());
        Run("dotnet", "tool", "install", "vod-emulator", "--tool-path", Path.Combine(root, "tools"), "--add-source", feed, "--version", package["vod-emulator.".Length..]);
        return Path.Combine(root, "tools", "vod-emulator");
    }

    private static string Run(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{file} {string.Join(' ', args)}' failed ({process.ExitCode}): {output.Result}{error}");
        }

        return output.Result;
    }

    [Fact]
    public void The_installed_tool_prints_its_version()
    {
        Assert.Equal($"vod-emulator {EmulatorHost.Version}", Run(Installed.Value, "--version").Trim());
        Assert.Matches(@"^\d+\.\d+\.\d+", EmulatorHost.Version);
        Assert.Contains("--data-dir", Run(Installed.Value, "--help"));
    }

    [Fact]
    public async Task The_installed_tool_serves_health_and_keeps_its_state_in_the_data_dir()
    {
        var data = Directory.CreateTempSubdirectory("vod-emulator-tool-data-").FullName;
        using var process = Process.Start(new ProcessStartInfo(Installed.Value, ["--urls", "http://127.0.0.1:0", "--data-dir", data]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        try
        {
            var first = await process.StandardOutput.ReadLineAsync().WaitAsync(Poll.DefaultTimeout);
            Assert.StartsWith("VOD emulator listening on http://127.0.0.1:", first);
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            var baseUri = new Uri(first!["VOD emulator listening on ".Length..]);

            using var http = new HttpClient();
            Assert.Equal("ok", await http.GetStringAsync(new Uri(baseUri, "_emulator/health")));
            Assert.Contains("vod-emulator", await http.GetStringAsync(new Uri(baseUri, "_emulator/")));
            await Poll.UntilAsync(() => File.Exists(Path.Combine(data, "state.json")), "the state file is written");
            Assert.True(File.Exists(Path.Combine(data, "requests.jsonl")));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Directory.Delete(data, recursive: true);
        }
    }
}
