using System.Diagnostics;
using System.Text.Json;

namespace Vod.Testing;

/// <summary>Runs a script of the npm test tooling (Alibaba's official clients) and returns what it printed.</summary>
public static class NodeScript
{
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string script, IEnumerable<string> arguments, TimeSpan timeout)
    {
        if (!Directory.Exists(Path.Combine(RepositoryPaths.Tooling, "node_modules", "ali-oss")))
        {
            throw new InvalidOperationException("The npm test tooling is not installed: run the README test command (it runs npm ci in tests/tooling).");
        }

        var start = new ProcessStartInfo("node", [Path.Combine(RepositoryPaths.Tooling, script), .. arguments])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = RepositoryPaths.Tooling,
        };
        using var process = StartNode(start);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"node {script} did not finish within {timeout}. stderr: {await stderr}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts a node process; a machine without Node gets a message that names the cause, not ENOENT.</summary>
    /// <exception cref="InvalidOperationException">node is not on the PATH.</exception>
    public static Process StartNode(ProcessStartInfo start)
    {
        try
        {
            return Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException(
                "Node.js ('node') is not on the PATH: the interop, emulator-flow, AppServer and Azurite-backed suites need Node 20 (see the README's test section).", ex);
        }
    }

    /// <summary>Runs a script that prints one JSON document and fails the test when it exits non-zero.</summary>
    public static async Task<JsonDocument> RunJsonAsync(string script, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var (exit, stdout, stderr) = await RunAsync(script, arguments, timeout);
        if (exit != 0)
        {
            throw new InvalidOperationException($"node {script} exited {exit}: {stderr}\n{stdout}");
        }

        return JsonDocument.Parse(stdout);
    }
}
