using System.Net;
using System.Net.Sockets;

namespace Vod.EndToEnd.Support;

/// <summary>Free loopback ports, never the same one twice in a run (a port just released may be probed again).</summary>
public static class FreePorts
{
    private static readonly HashSet<int> Given = [];

    /// <summary>A port nothing listens on now and this run has not handed out before.</summary>
    public static int Take()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            lock (Given)
            {
                if (Given.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
