using System.Globalization;
using System.Net;

namespace Vod.Alibaba.Errors;

/// <summary>
/// A request to VOD, STS or OSS failed: the service answered with an error, the answer could not be understood, or no
/// answer arrived. <see cref="Kind"/> tells the caller what to do about it.
/// </summary>
/// <remarks>The message never contains a secret: service-provided text is redacted before it gets here.</remarks>
public class AlibabaCloudException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AlibabaCloudException(
        AlibabaService service,
        string operation,
        int statusCode,
        string code,
        string serviceMessage,
        string? requestId,
        AlibabaErrorKind kind,
        Exception? innerException = null,
        string? hostId = null,
        string? errorCodeDetail = null)
        : base(FormatMessage(service, operation, statusCode, code, serviceMessage, requestId), innerException)
    {
        Service = service;
        Operation = operation;
        StatusCode = statusCode;
        Code = code;
        ServiceMessage = serviceMessage;
        RequestId = requestId;
        Kind = kind;
        HostId = hostId;
        ErrorCodeDetail = errorCodeDetail;
    }

    /// <summary>The service that failed.</summary>
    public AlibabaService Service { get; }

    /// <summary>The operation, e.g. <c>CreateUploadVideo</c> or <c>UploadPart</c>.</summary>
    public string Operation { get; }

    /// <summary>HTTP status, or 0 when no response arrived.</summary>
    public int StatusCode { get; }

    /// <summary>The HTTP status as an enum, when there was one.</summary>
    public HttpStatusCode? HttpStatus => StatusCode == 0 ? null : (HttpStatusCode)StatusCode;

    /// <summary>The service's error code, e.g. <c>SecurityTokenExpired</c>.</summary>
    public string Code { get; }

    /// <summary>The service's own message (redacted).</summary>
    public string ServiceMessage { get; }

    /// <summary>The request id the service returned, for support tickets.</summary>
    public string? RequestId { get; }

    /// <summary>OSS <c>HostId</c> or VOD <c>HostId</c>, when present.</summary>
    public string? HostId { get; }

    /// <summary>OSS <c>EC</c> detail code, when present.</summary>
    public string? ErrorCodeDetail { get; }

    /// <summary>What to do about it.</summary>
    public AlibabaErrorKind Kind { get; }

    /// <summary>Shorthand for <see cref="AlibabaErrorKind.Retryable"/>.</summary>
    public bool IsRetryable => Kind == AlibabaErrorKind.Retryable;

    private static string FormatMessage(AlibabaService service, string operation, int statusCode, string code, string message, string? requestId)
    {
        var status = statusCode == 0 ? "no response" : statusCode.ToString(CultureInfo.InvariantCulture);
        var text = $"{service} {operation} failed ({status}) {code}: {message}";
        return requestId is null ? text : $"{text} (RequestId {requestId})";
    }
}
