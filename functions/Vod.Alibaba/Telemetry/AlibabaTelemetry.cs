using System.Diagnostics;
using Vod.Alibaba.Errors;

namespace Vod.Alibaba.Telemetry;

/// <summary>
/// One client span per VOD, STS or OSS call (<c>VOD CreateUploadVideo</c>, <c>OSS UploadPart</c>): the operation, the
/// host, the HTTP status and, on failure, the error code. Never a URL (a V2 RPC URL carries the signature and the
/// security token in its query), a header or a credential.
/// </summary>
public static class AlibabaTelemetry
{
    /// <summary>The name of the <see cref="ActivitySource"/>: subscribe to it to export.</summary>
    public const string Name = "Vod.Alibaba";

    /// <summary>The calls' spans.</summary>
    public static readonly ActivitySource Source = new(Name, typeof(AlibabaTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>Starts the span of one call; null when nobody listens.</summary>
    internal static Activity? StartCall(AlibabaService service, string operation, string host, string method)
    {
        var activity = Source.StartActivity($"{service.ToString().ToUpperInvariant()} {operation}", ActivityKind.Client);
        if (activity is not null)
        {
            activity.SetTag("rpc.system", $"alibaba_{service.ToString().ToLowerInvariant()}");
            activity.SetTag("rpc.method", operation);
            activity.SetTag("server.address", host);
            activity.SetTag("http.request.method", method);
        }

        return activity;
    }

    /// <summary>Records the answer's status.</summary>
    internal static void Answered(Activity? activity, int status) => activity?.SetTag("http.response.status_code", status);

    /// <summary>Marks the span failed with the service's error code (the message stays out: it may name a resource).</summary>
    internal static void Failed(Activity? activity, AlibabaCloudException error)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetStatus(ActivityStatusCode.Error, error.Code);
        activity.SetTag("error.type", error.Code);
        if (error.StatusCode > 0)
        {
            activity.SetTag("http.response.status_code", error.StatusCode);
        }

        if (error.RequestId is not null)
        {
            activity.SetTag("vod.request_id", error.RequestId);
        }
    }
}
