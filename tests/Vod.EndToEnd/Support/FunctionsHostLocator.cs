namespace Vod.EndToEnd.Support;

/// <summary>How to start the Functions host: a folder with <c>run.sh</c>, or Core Tools' <c>func</c>.</summary>
/// <param name="Kind">Which of the two.</param>
/// <param name="Path">The <c>run.sh</c> script, or the <c>func</c> executable.</param>
public sealed record FunctionsHostCommand(FunctionsHostKind Kind, string Path);

/// <summary>The two ways a Functions host is found.</summary>
public enum FunctionsHostKind
{
    /// <summary><c>$FUNCTIONS_HOST_DIR/run.sh &lt;built app&gt; &lt;port&gt;</c>.</summary>
    RunScript,

    /// <summary><c>func start --port &lt;port&gt;</c> in the built app folder (Azure Functions Core Tools).</summary>
    CoreTools,
}

/// <summary>
/// Finds a Functions host, in this order: <c>FUNCTIONS_HOST_DIR</c> (a folder with <c>run.sh</c>), else <c>func</c> on
/// the PATH. The repository never names a host's location itself; <c>.ci/run</c> sets <c>FUNCTIONS_HOST_DIR</c>.
/// </summary>
public static class FunctionsHostLocator
{
    /// <summary>Set by <c>.ci/run</c> in CI: a suite without a host fails instead of being skipped.</summary>
    public const string RequiredVariable = "VOD_E2E_REQUIRED";

    /// <summary>The host found from the process environment, or why there is none (one line).</summary>
    public static (FunctionsHostCommand? Host, string? Reason) Find() => Find(Environment.GetEnvironmentVariable, File.Exists);

    /// <summary>The host found from <paramref name="environment"/>, or why there is none (one line).</summary>
    public static (FunctionsHostCommand? Host, string? Reason) Find(Func<string, string?> environment, Func<string, bool> fileExists)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(fileExists);
        if (environment("FUNCTIONS_HOST_DIR") is { Length: > 0 } dir)
        {
            var script = Path.Combine(dir, "run.sh");
            return fileExists(script)
                ? (new FunctionsHostCommand(FunctionsHostKind.RunScript, script), null)
                : (null, $"FUNCTIONS_HOST_DIR={dir} has no run.sh.");
        }

        foreach (var folder in (environment("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var func = Path.Combine(folder, "func");
            if (fileExists(func))
            {
                return (new FunctionsHostCommand(FunctionsHostKind.CoreTools, func), null);
            }
        }

        return (null, "No Azure Functions host: set FUNCTIONS_HOST_DIR to a folder with run.sh, or install Azure Functions Core Tools (func) on the PATH.");
    }
}
