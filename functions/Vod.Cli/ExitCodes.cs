namespace Vod.Cli;

/// <summary>What <c>vod</c> exits with; <c>vod --help</c> lists them.</summary>
internal static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Success = 0;

    /// <summary>Something no command foresaw: one line, the details in a log file under the state folder.</summary>
    public const int Unexpected = 1;

    /// <summary>Bad input: an unknown option, a value out of range, a missing file. Nothing was started.</summary>
    public const int Usage = 2;

    /// <summary>The upload (or cancel, or lookup) failed; the error code is printed.</summary>
    public const int Failed = 3;

    /// <summary>Interrupted (Ctrl+C or SIGTERM); running the same command again resumes.</summary>
    public const int Interrupted = 130;

    /// <summary>The lines <c>vod --help</c> ends with.</summary>
    public const string Help = "Exit codes: 0 success, 1 unexpected failure (one line; details in a log file), 2 usage error, 3 failed (code printed), 130 interrupted (resumable).";
}

/// <summary>A usage error found after parsing (a missing file, a folder where a file is needed): exit 2 with a message.</summary>
internal sealed class UsageException(string message) : Exception(message);
