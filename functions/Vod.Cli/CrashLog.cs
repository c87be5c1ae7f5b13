using System.Globalization;

namespace Vod.Cli;

/// <summary>Where the details of an unexpected failure go: a file under the state folder, never the terminal.</summary>
internal static class CrashLog
{
    /// <summary>Writes <paramref name="error"/> with the command's name (not its arguments, which may hold a SAS) and returns the file's path.</summary>
    public static string Write(Exception error, IReadOnlyList<string> args)
    {
        var folder = Path.Combine(StateDirectory.Root, "logs");
        var path = Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"crash-{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}.log"));
        try
        {
            Directory.CreateDirectory(folder);
            File.WriteAllText(path, $"vod {(args.Count > 0 ? args[0] : string.Empty)} failed at {DateTimeOffset.UtcNow:u}\n{error}\n");
            return path;
        }
        catch (IOException)
        {
            return "(the log could not be written)";
        }
        catch (UnauthorizedAccessException)
        {
            return "(the log could not be written)";
        }
    }
}
