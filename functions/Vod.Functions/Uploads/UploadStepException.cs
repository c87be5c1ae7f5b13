namespace Vod.Functions.Uploads;

/// <summary>
/// How activities report engine failures to the orchestrator: the type says whether a retry can help, the message
/// starts with the stable error code (<c>Code: message</c>). Messages never contain secrets.
/// </summary>
public class UploadStepException(string code, string message) : Exception($"{code}: {message}")
{
    /// <summary>The stable error code.</summary>
    public string Code { get; } = code;

    /// <summary>The code at the start of a failure message, or <c>UploadFailed</c>.</summary>
    public static string CodeOf(string? message)
    {
        var colon = message?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        return colon > 0 && !message![..colon].Contains(' ', StringComparison.Ordinal) ? message[..colon] : "UploadFailed";
    }
}

/// <summary>A failure a retry of the same step can fix (the step resumes from the checkpoint).</summary>
public sealed class TransientUploadException(string code, string message) : UploadStepException(code, message);

/// <summary>A failure no retry can fix.</summary>
public sealed class FatalUploadException(string code, string message) : UploadStepException(code, message);
