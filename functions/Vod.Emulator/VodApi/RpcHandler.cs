using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Vod.Emulator.Admin;
using Vod.Emulator.State;

namespace Vod.Emulator.VodApi;

/// <summary>Serves VOD/STS RPC requests: authentication, throttling injection, dispatch, JSON envelopes.</summary>
internal sealed class RpcHandler(VodOperations operations, CredentialStore credentials, FaultSwitches faults, TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Answers one RPC request.</summary>
    public async Task HandleAsync(HttpContext http)
    {
        if (faults.VodLatency > TimeSpan.Zero)
        {
            await Task.Delay(faults.VodLatency, http.RequestAborted);
        }

        var requestId = Guid.NewGuid().ToString("D").ToUpperInvariant();
        Dictionary<string, object?> body;
        try
        {
            var request = await RpcRequest.ReadAsync(http);
            http.Items[RequestLog.ActionItem] = request.Action;
            if (faults.TakeVodThrottle())
            {
                throw new RpcException(400, "Throttling.User", "Request was denied due to user flow control.");
            }

            request.Authenticate(credentials, time);
            var expected = request.Action == "AssumeRole" ? "2015-04-01" : "2017-03-21";
            var version = request.Get("Version") ?? http.Request.Headers["x-acs-version"].ToString();
            if (version != expected)
            {
                throw new RpcException(400, "InvalidVersion", $"Specified parameter Version is not valid; {request.Action} is served by version {expected}.");
            }

            body = operations.Invoke(request);
            http.Response.StatusCode = 200;
        }
        catch (RpcException error)
        {
            http.Response.StatusCode = error.Status;
            body = new()
            {
                ["HostId"] = http.Request.Host.Value,
                ["Code"] = error.Code,
                ["Message"] = error.Message,
                ["Recommend"] = "https://api.aliyun.com/troubleshoot?q=" + error.Code,
            };
        }

        body["RequestId"] = requestId;
        http.Response.ContentType = "application/json;charset=utf-8";
        await http.Response.WriteAsync(JsonSerializer.Serialize(body.Where(p => p.Value is not null).ToDictionary(), Json), http.RequestAborted);
    }
}
