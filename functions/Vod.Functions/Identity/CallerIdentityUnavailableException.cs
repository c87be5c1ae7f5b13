namespace Vod.Functions.Identity;

/// <summary>The identity source cannot authenticate anyone right now (its keys cannot be read): a 503, not a 401.</summary>
public sealed class CallerIdentityUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CallerIdentityUnavailableException(string message, Exception? inner)
        : base(message, inner)
    {
    }
}
