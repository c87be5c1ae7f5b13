using System.Diagnostics;
using System.Text.Json;
using Vod.Testing;

namespace Vod.Alibaba.Tests.Interop;

/// <summary>
/// Runs the generator over Alibaba's official npm clients once per test run and exposes the captured cases.
/// The seed is fixed (override with <c>INTEROP_SEED</c> to explore other inputs).
/// </summary>
public sealed class OfficialClientCases : IDisposable
{
    public const int DefaultSeed = 20261125;

    public OfficialClientCases()
    {
        Seed = int.TryParse(Environment.GetEnvironmentVariable("INTEROP_SEED"), out var seed) ? seed : DefaultSeed;
        var output = Path.Combine(Path.GetTempPath(), $"vod-interop-{Environment.ProcessId}-{Seed}.json");
        var script = Path.Combine(RepositoryPaths.Tooling, "interop", "generate-cases.js");
        if (!Directory.Exists(Path.Combine(RepositoryPaths.Tooling, "node_modules", "ali-oss")))
        {
            throw new InvalidOperationException("The npm test tooling is not installed: run the README test command (it runs npm ci in tests/tooling).");
        }

        var start = new ProcessStartInfo("node", [script, "--seed", Seed.ToString(), "--perKind", "4", "--out", output])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = RepositoryPaths.Tooling,
        };
        using var process = NodeScript.StartNode(start);
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(120_000) || process.ExitCode != 0)
        {
            throw new InvalidOperationException("The interop generator failed: " + stderr.Result);
        }

        Document = JsonDocument.Parse(File.ReadAllBytes(output));
        File.Delete(output);
        Cases = Document.RootElement.GetProperty("cases").EnumerateArray().ToList();
    }

    public int Seed { get; }

    public JsonDocument Document { get; }

    public IReadOnlyList<JsonElement> Cases { get; }

    public IEnumerable<JsonElement> OfKind(string kind) => Cases.Where(c => c.GetProperty("kind").GetString() == kind);

    public void Dispose() => Document.Dispose();
}

[CollectionDefinition(Name)]
public sealed class InteropCollection : ICollectionFixture<OfficialClientCases>
{
    public const string Name = "Official client interop";
}
