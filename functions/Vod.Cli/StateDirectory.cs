namespace Vod.Cli;

/// <summary>
/// Where `vod` keeps what must outlive a run — checkpoints and the upload history — so an upload resumes from any
/// working directory: <c>$XDG_STATE_HOME/vod</c>, else <c>~/.local/state/vod</c> (on Windows
/// <c>%LOCALAPPDATA%\vod</c>). <c>--checkpoint-dir</c> still chooses the checkpoint folder.
/// </summary>
internal static class StateDirectory
{
    /// <summary>The state folder.</summary>
    public static string Root
    {
        get
        {
            if (Environment.GetEnvironmentVariable("XDG_STATE_HOME") is { Length: > 0 } xdg && Path.IsPathRooted(xdg))
            {
                return Path.Combine(xdg, "vod");
            }

            return OperatingSystem.IsWindows()
                ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "vod")
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state", "vod");
        }
    }

    /// <summary>The default checkpoint folder.</summary>
    public static string Checkpoints => Path.Combine(Root, "checkpoints");

    /// <summary>The upload history.</summary>
    public static string History => Path.Combine(Root, "history.jsonl");
}
