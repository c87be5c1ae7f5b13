using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Vod.Alibaba.Credentials;
using Vod.Alibaba.Errors;
using Vod.Alibaba.Signing;

namespace Vod.Alibaba.Rpc;

/// <summary>
/// Builds, signs and sends RPC-style requests (VOD, STS) and turns their JSON answers into typed results or
/// <see cref="AlibabaCloudException"/>.
/// </summary>
internal sealed class RpcCaller
{
    private const int MaxResponseBytes = 4 * 1024 * 1024;
    private static readonly HashSet<string> SuccessCodes = new(StringComparer.Ordinal) { "200", "OK", "Success", "success" };

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowReadingFromString,
    };

    private readonly HttpClient _http;
    private readonly AlibabaService _service;
    private readonly string _version;
    private readonly AlibabaCredential _credential;
    private readonly RpcEndpointOptions _options;
    private readonly TimeProvider _time;

    public RpcCaller(HttpClient http, AlibabaService service, string version, Uri endpoint, AlibabaCredential credential, RpcEndpointOptions options, TimeProvider time)
    {
        _http = http;
        _service = service;
        _version = version;
        Endpoint = endpoint;
        _credential = credential;
        _options = options;
        _time = time;
    }

    /// <summary>The endpoint requests go to.</summary>
    public Uri Endpoint { get; }

    /// <summary>Makes the <c>SignatureNonce</c>; replaceable so tests can freeze it.</summary>
    public Func<string> NonceFactory { get; set; } = static () => Guid.NewGuid().ToString("N");

    /// <summary>Builds the signed request for <paramref name="action"/>.</summary>
    public HttpRequestMessage BuildRequest(string action, IReadOnlyList<KeyValuePair<string, string>> parameters) =>
        _options.SignatureVersion == RpcSignatureVersion.V3 ? BuildV3(action, parameters) : BuildV2(action, parameters);

    /// <summary>Sends <paramref name="action"/> and deserializes a successful answer into <typeparamref name="T"/>; one span per call.</summary>
    public async Task<T> CallAsync<T>(string action, IReadOnlyList<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken)
    {
        using var span = Telemetry.AlibabaTelemetry.StartCall(_service, action, Endpoint.Host, _options.HttpMethod.Method);
        try
        {
            var result = await CallCoreAsync<T>(action, parameters, cancellationToken).ConfigureAwait(false);
            Telemetry.AlibabaTelemetry.Answered(span, 200);
            return result;
        }
        catch (AlibabaCloudException ex)
        {
            Telemetry.AlibabaTelemetry.Failed(span, ex);
            throw;
        }
    }

    private async Task<T> CallCoreAsync<T>(string action, IReadOnlyList<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken)
    {
        using var request = BuildRequest(action, parameters);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);

        HttpResponseMessage response;
        string body;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            body = await ReadBodyAsync(response, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException ex)
        {
            throw Failure(action, 0, AlibabaErrorClassifier.TimeoutErrorCode, $"No answer within {_options.Timeout.TotalSeconds:0.#} s.", null, null, ex);
        }
        catch (HttpRequestException ex)
        {
            throw Failure(action, 0, AlibabaErrorClassifier.NetworkErrorCode, ex.HttpRequestError.ToString(), null, null, ex);
        }

        using (response)
        {
            return Interpret<T>(action, (int)response.StatusCode, body);
        }
    }

    private T Interpret<T>(string action, int status, string body)
    {
        JsonDocument? document = null;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            // Not JSON: a gateway or proxy page. Classified by status alone.
        }

        using (document)
        {
            if (document is null || document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Failure(action, status, status >= 500 ? "InternalError" : "InvalidResponse", "The service answered with a body that is not a JSON object.", null, null, null);
            }

            var root = document.RootElement;
            var code = StringProperty(root, "Code");
            var requestId = StringProperty(root, "RequestId");
            if (status >= 300 || code is not null && !SuccessCodes.Contains(code))
            {
                throw Failure(action, status, code ?? "HttpError", StringProperty(root, "Message") ?? string.Empty, requestId, StringProperty(root, "HostId"), null);
            }

            try
            {
                return root.Deserialize<T>(Json) ?? throw new JsonException("null");
            }
            catch (JsonException ex)
            {
                throw Failure(action, status, "InvalidResponse", "The service's answer does not have the documented shape.", requestId, null, ex);
            }
        }
    }

    private static string? StringProperty(JsonElement root, string name)
    {
        foreach (var property in root.EnumerateObject())
        {
            if (property.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString(),
                    JsonValueKind.Number => property.Value.GetRawText(),
                    _ => null,
                };
            }
        }

        return null;
    }

    private AlibabaCloudException Failure(string action, int status, string code, string message, string? requestId, string? hostId, Exception? inner) =>
        new(_service, action, status, code, SecretRedactor.Redact(message, _credential.Secrets), requestId,
            AlibabaErrorClassifier.Classify(status, code, _credential.IsTemporary), inner, hostId);

    private static async Task<string> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > MaxResponseBytes)
                {
                    break;
                }

                buffer.Write(chunk, 0, read);
            }

            return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
    }

    private string Timestamp() => _time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private HttpRequestMessage BuildV2(string action, IReadOnlyList<KeyValuePair<string, string>> operationParameters)
    {
        var all = new List<KeyValuePair<string, string>>(operationParameters.Count + 9)
        {
            new("Action", action),
            new("Format", "JSON"),
            new("Timestamp", Timestamp()),
            new("Version", _version),
            new("SignatureMethod", RpcSignatureV2.SignatureMethod),
            new("SignatureVersion", RpcSignatureV2.SignatureVersion),
            new("SignatureNonce", NonceFactory()),
            new("AccessKeyId", _credential.AccessKeyId),
        };
        if (_credential.SecurityToken is { } token)
        {
            all.Add(new("SecurityToken", token));
        }

        foreach (var parameter in operationParameters)
        {
            all.RemoveAll(p => p.Key == parameter.Key);
            all.Add(parameter);
        }

        var method = _options.HttpMethod;
        var canonical = RpcSignatureV2.CanonicalQuery(all);
        var signature = RpcSignatureV2.Sign(method.Method + "&" + AcsPercentEncoding.Encode("/") + "&" + AcsPercentEncoding.Encode(canonical), _credential.AccessKeySecret);
        var signed = canonical + "&Signature=" + AcsPercentEncoding.Encode(signature);

        HttpRequestMessage request;
        if (method == HttpMethod.Post)
        {
            request = new HttpRequestMessage(HttpMethod.Post, ExactUri(Endpoint.GetLeftPart(UriPartial.Authority) + "/"))
            {
                Content = new ByteArrayContent(Encoding.UTF8.GetBytes(signed)),
            };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        }
        else
        {
            request = new HttpRequestMessage(HttpMethod.Get, ExactUri(Endpoint.GetLeftPart(UriPartial.Authority) + "/?" + signed));
        }

        request.Headers.TryAddWithoutValidation("x-acs-action", action);
        request.Headers.TryAddWithoutValidation("x-acs-version", _version);
        return request;
    }

    private HttpRequestMessage BuildV3(string action, IReadOnlyList<KeyValuePair<string, string>> operationParameters)
    {
        var query = operationParameters.ToList();
        var headers = new List<KeyValuePair<string, string>>
        {
            new("host", Endpoint.Authority),
            new("x-acs-action", action),
            new("x-acs-version", _version),
            new("x-acs-date", Timestamp()),
            new("x-acs-signature-nonce", NonceFactory()),
            new("x-acs-content-sha256", AcsSignatureV3.EmptyBodySha256),
        };
        if (_credential.SecurityToken is { } token)
        {
            headers.Add(new("x-acs-security-token", token));
            headers.Add(new("x-acs-accesskey-id", _credential.AccessKeyId));
        }

        var (canonicalRequest, signedHeaders) = AcsSignatureV3.CanonicalRequest(_options.HttpMethod.Method, "/", query, headers, AcsSignatureV3.EmptyBodySha256);
        var signature = AcsSignatureV3.Sign(AcsSignatureV3.StringToSign(canonicalRequest), _credential.AccessKeySecret);
        var queryString = string.Join('&', query.Select(p => AcsPercentEncoding.Encode(p.Key) + "=" + AcsPercentEncoding.Encode(p.Value)));
        var request = new HttpRequestMessage(_options.HttpMethod, ExactUri(Endpoint.GetLeftPart(UriPartial.Authority) + "/" + (queryString.Length > 0 ? "?" + queryString : string.Empty)));
        foreach (var (name, value) in headers.Where(h => h.Key != "host"))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        request.Headers.TryAddWithoutValidation("Authorization", AcsSignatureV3.Authorization(_credential.AccessKeyId, signedHeaders, signature));
        return request;
    }

    /// <summary>A URI whose path and query are sent exactly as signed (no re-escaping by <see cref="Uri"/>).</summary>
    internal static Uri ExactUri(string uri) => new(uri, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
}
