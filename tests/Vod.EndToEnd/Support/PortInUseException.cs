namespace Vod.EndToEnd.Support;

/// <summary>The port probed for the Functions host was taken by another process before the host bound it.</summary>
public sealed class PortInUseException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PortInUseException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public PortInUseException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public PortInUseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
