using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Vod.Alibaba.Credentials;
using Vod.Alibaba.Hashing;
using Vod.Alibaba.Oss;
using Vod.Alibaba.Rpc;
using Vod.Alibaba.Sts;
using Vod.Testing;
using Vod.Alibaba.VodApi;
using Vod.Alibaba.VodApi.Operations;
using Xunit.Abstractions;

namespace Vod.Alibaba.Tests.Interop;

/// <summary>
/// The heart of the protocol proof: for every case the official clients produced, our clients, given the same typed
/// inputs, clock and nonce, must put the identical request on the wire (same path and query, same body, same
/// signature).
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class OfficialClientInteropTests(OfficialClientCases cases, ITestOutputHelper output) : IAsyncLifetime
{
    private RecordingServer _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _server = await RecordingServer.StartAsync();
        _server.Respond = OssLikeAnswer;
        _http = new HttpClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public void Generator_produced_at_least_300_cases_from_the_official_clients()
    {
        var byKind = cases.Cases.GroupBy(c => c.GetProperty("kind").GetString()).ToDictionary(g => g.Key!, g => g.Count());
        output.WriteLine($"interop cases: {cases.Cases.Count} (seed {cases.Seed}): " + string.Join(", ", byKind.Select(k => $"{k.Key} {k.Value}")));
        Assert.True(cases.Cases.Count >= 300, $"only {cases.Cases.Count} cases");
        Assert.All(["vod-v2", "sts-v2", "vod-v3", "oss-v1", "oss-v4"], kind => Assert.True(byKind.GetValueOrDefault(kind) > 0, kind));
        var actions = cases.OfKind("vod-v2").Select(c => c.GetProperty("action").GetString()).Distinct().Count();
        Assert.Equal(11, actions);
        var ossActions = cases.OfKind("oss-v1").Select(c => c.GetProperty("action").GetString()).Distinct().Count();
        Assert.Equal(9, ossActions);
    }

    [Fact]
    public async Task Vod_and_sts_signature_v2_requests_match_pop_core_byte_for_byte()
    {
        var mismatches = new List<string>();
        var count = 0;
        foreach (var @case in cases.OfKind("vod-v2").Concat(cases.OfKind("sts-v2")))
        {
            count++;
            var method = new HttpMethod(@case.GetProperty("method").GetString()!);
            var action = @case.GetProperty("action").GetString()!;
            var fields = @case.GetProperty("fields");
            var nonce = @case.GetProperty("nonce").GetString()!;
            var time = new FixedTimeProvider(CaseFields.Time(@case));
            if (action == "AssumeRole")
            {
                var sts = new StsClient(_http, CaseFields.Credential(@case), new StsClientOptions { Endpoint = _server.BaseUri, HttpMethod = method }, time) { NonceFactory = () => nonce };
                await sts.AssumeRoleAsync(CaseFields.AssumeRole(fields));
            }
            else
            {
                var vod = new VodClient(_http, CaseFields.Credential(@case), new VodClientOptions { Endpoint = _server.BaseUri, HttpMethod = method }, time) { NonceFactory = () => nonce };
                await SendAsync(vod, CaseFields.VodRequest(action, fields));
            }

            var ours = _server.Last;
            var theirs = @case.GetProperty("request");
            Compare(mismatches, @case, "method", theirs.GetProperty("method").GetString(), ours.Method);
            Compare(mismatches, @case, "target", theirs.GetProperty("url").GetString(), ours.RawTarget);
            Compare(mismatches, @case, "body", Encoding.UTF8.GetString(Convert.FromBase64String(theirs.GetProperty("body").GetString()!)), Encoding.UTF8.GetString(ours.Body));
            if (method == HttpMethod.Post)
            {
                Compare(mismatches, @case, "content-type", Header(theirs, "content-type"), ours.Header("content-type"));
            }
        }

        output.WriteLine($"VOD/STS signature V2: {count} cases, {mismatches.Count} mismatches");
        Assert.True(mismatches.Count == 0, string.Join('\n', mismatches.Take(20)));
        Assert.True(count >= 100);
    }

    [Fact]
    public void Vod_signature_v3_authorization_matches_openapi_util()
    {
        var mismatches = new List<string>();
        var count = 0;
        foreach (var @case in cases.OfKind("vod-v3"))
        {
            count++;
            var theirs = @case.GetProperty("request");
            var options = new VodClientOptions
            {
                Endpoint = new Uri("https://" + Header(theirs, "host")),
                SignatureVersion = RpcSignatureVersion.V3,
                HttpMethod = new HttpMethod(@case.GetProperty("method").GetString()!),
            };
            var nonce = @case.GetProperty("nonce").GetString()!;
            var vod = new VodClient(_http, CaseFields.Credential(@case), options, new FixedTimeProvider(CaseFields.Time(@case))) { NonceFactory = () => nonce };
            using var request = vod.BuildHttpRequest(CaseFields.VodRequest(@case.GetProperty("action").GetString()!, @case.GetProperty("fields")));
            Compare(mismatches, @case, "authorization", Header(theirs, "authorization"), request.Headers.GetValues("Authorization").Single());
            foreach (var name in new[] { "x-acs-action", "x-acs-version", "x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256", "x-acs-security-token" })
            {
                Compare(mismatches, @case, name, Header(theirs, name), request.Headers.TryGetValues(name, out var v) ? v.Single() : null);
            }

            var theirQuery = theirs.GetProperty("query").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
            var ourQuery = ParseQuery(request.RequestUri!.Query);
            Compare(mismatches, @case, "query", Canonical(theirQuery), Canonical(ourQuery));
        }

        output.WriteLine($"VOD signature V3: {count} cases, {mismatches.Count} mismatches");
        Assert.True(mismatches.Count == 0, string.Join('\n', mismatches.Take(20)));
        Assert.True(count >= 30);
    }

    [Theory]
    [InlineData("oss-v1", OssSignatureVersion.V1)]
    [InlineData("oss-v4", OssSignatureVersion.V4)]
    public async Task Oss_requests_match_ali_oss_byte_for_byte(string kind, OssSignatureVersion version)
    {
        var mismatches = new List<string>();
        var count = 0;
        foreach (var @case in cases.OfKind(kind))
        {
            count++;
            var theirs = @case.GetProperty("request");
            var fields = @case.GetProperty("fields");
            var credential = CaseFields.Credential(@case);
            var client = new OssClient(_http, new OssClientOptions
            {
                Addressing = OssAddressingStyle.BucketInHostHeader,
                SignatureVersion = version,
                Region = "cn-shanghai",
            }, new FixedTimeProvider(CaseFields.Time(@case)));
            await SendAsync(client, _server.BaseUri, @case.GetProperty("action").GetString()!, fields, theirs, credential);
            var ours = _server.Last;

            Compare(mismatches, @case, "method", theirs.GetProperty("method").GetString(), ours.Method);
            var (theirPath, theirQuery) = Split(theirs.GetProperty("url").GetString()!);
            var (ourPath, ourQuery) = Split(ours.RawTarget);
            Compare(mismatches, @case, "path", theirPath, ourPath);
            Compare(mismatches, @case, "query", Canonical(theirQuery), Canonical(ourQuery));
            Compare(mismatches, @case, "authorization", Header(theirs, "authorization"), ours.Header("authorization"));
            var signedHeaderNames = theirs.GetProperty("headers").EnumerateObject().Select(h => h.Name)
                .Concat(ours.Headers.Keys)
                .Where(n => n.StartsWith("x-oss-", StringComparison.Ordinal) || n is "content-type" or "content-md5")
                .Distinct();
            foreach (var name in signedHeaderNames)
            {
                Compare(mismatches, @case, name, Header(theirs, name), ours.Header(name));
            }

            Compare(mismatches, @case, "body", theirs.GetProperty("body").GetString(), Convert.ToBase64String(ours.Body));
        }

        output.WriteLine($"OSS {version}: {count} cases, {mismatches.Count} mismatches");
        Assert.True(mismatches.Count == 0, string.Join('\n', mismatches.Take(20)));
        Assert.True(count >= 30);
    }

    private static async Task SendAsync(OssClient client, Uri endpoint, string action, JsonElement f, JsonElement theirs, AlibabaCredential credential)
    {
        var location = new OssObjectLocation(endpoint, f.Str("bucket")!, f.Str("key")!);
        var body = f.TryGetProperty("body", out var b) ? Convert.FromBase64String(b.GetString()!) : [];
        var options = new OssRequestOptions
        {
            // ali-oss derives Content-Type from the key's extension; that derivation is its own, so it is an input here.
            ContentType = Header(theirs, "content-type"),
            ContentMd5 = f.TryGetProperty("contentMd5", out var md5) && md5.GetBoolean() ? ContentMd5.Compute(body) : null,
            Metadata = f.TryGetProperty("meta", out var meta) ? meta.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!) : null,
            Notification = f.Str("notification"),
        };
        switch (action)
        {
            case "PutObject":
                await client.PutObjectAsync(location, new MemoryStream(body), body.Length, credential, options);
                break;
            case "InitiateMultipartUpload":
                await client.InitiateMultipartUploadAsync(location, credential, options);
                break;
            case "UploadPart":
                await client.UploadPartAsync(location, f.Str("uploadId")!, f.Int("partNumber")!.Value, new MemoryStream(body), body.Length, credential, options);
                break;
            case "CompleteMultipartUpload":
                var parts = f.GetProperty("parts").EnumerateArray().Select(p => new OssPartETag(p.GetProperty("number").GetInt32(), p.GetProperty("etag").GetString()!));
                await client.CompleteMultipartUploadAsync(location, f.Str("uploadId")!, parts, credential, options);
                break;
            case "AbortMultipartUpload":
                await client.AbortMultipartUploadAsync(location, f.Str("uploadId")!, credential);
                break;
            case "ListParts":
                await client.ListPartsAsync(location, f.Str("uploadId")!, credential, f.Int("maxParts"), f.Int("partNumberMarker"));
                break;
            case "HeadObject":
                await client.HeadObjectAsync(location, credential);
                break;
            case "GetObject":
                var range = f.Str("range") is { } text ? ParseRange(text) : (OssByteRange?)null;
                await using (var content = await client.GetObjectAsync(location, credential, range))
                {
                    await content.Body.CopyToAsync(Stream.Null);
                }

                break;
            case "DeleteObject":
                await client.DeleteObjectAsync(location, credential);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(action), action, null);
        }
    }

    private static Task SendAsync(VodClient client, VodRequest request) => request switch
    {
        CreateUploadVideoRequest r => client.CreateUploadVideoAsync(r),
        RefreshUploadVideoRequest r => client.RefreshUploadVideoAsync(r),
        CreateUploadImageRequest r => client.CreateUploadImageAsync(r),
        CreateUploadAttachedMediaRequest r => client.CreateUploadAttachedMediaAsync(r),
        GetVideoInfoRequest r => client.GetVideoInfoAsync(r),
        GetImageInfoRequest r => client.GetImageInfoAsync(r),
        GetMezzanineInfoRequest r => client.GetMezzanineInfoAsync(r),
        GetAttachedMediaInfoRequest r => client.GetAttachedMediaInfoAsync(r),
        DeleteVideoRequest r => client.DeleteVideoAsync(r),
        UploadMediaByUrlRequest r => client.UploadMediaByUrlAsync(r),
        GetUrlUploadInfosRequest r => client.GetUrlUploadInfosAsync(r),
        _ => throw new ArgumentOutOfRangeException(nameof(request)),
    };

    private static OssByteRange ParseRange(string header)
    {
        var spec = header["bytes=".Length..];
        var dash = spec.IndexOf('-');
        if (dash == 0)
        {
            return OssByteRange.Last(long.Parse(spec[1..]));
        }

        var from = long.Parse(spec[..dash]);
        return dash == spec.Length - 1 ? OssByteRange.Between(from) : OssByteRange.Between(from, long.Parse(spec[(dash + 1)..]));
    }

    private ScriptedResponse OssLikeAnswer(RecordedRequest request)
    {
        var (_, query) = Split(request.RawTarget);
        var etag = "\"" + Convert.ToHexString(MD5.HashData(request.Body)) + "\"";
        var headers = new Dictionary<string, string> { ["ETag"] = etag, ["x-oss-request-id"] = "RECORDED" };
        const string xml = "application/xml";
        return (request.Method, query) switch
        {
            ("GET" or "POST", _) when request.RawTarget.StartsWith("/?", StringComparison.Ordinal) || request.RawTarget == "/" =>
                new ScriptedResponse(200, "{\"RequestId\":\"RECORDED\"}"),
            ("POST", var q) when q.ContainsKey("uploads") =>
                new ScriptedResponse(200, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId>U1</UploadId></InitiateMultipartUploadResult>", headers, xml),
            ("POST", var q) when q.ContainsKey("uploadId") =>
                new ScriptedResponse(200, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><CompleteMultipartUploadResult><Location>l</Location><Bucket>b</Bucket><Key>k</Key><ETag>\"X-1\"</ETag></CompleteMultipartUploadResult>", headers, xml),
            ("GET", var q) when q.ContainsKey("uploadId") =>
                new ScriptedResponse(200, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListPartsResult><Bucket>b</Bucket><Key>k</Key><UploadId>U1</UploadId><IsTruncated>false</IsTruncated></ListPartsResult>", headers, xml),
            ("DELETE", _) => new ScriptedResponse(204, null, headers),
            ("GET", _) => new ScriptedResponse(200, "x", headers, "application/octet-stream"),
            _ => new ScriptedResponse(200, null, headers),
        };
    }

    private static (string Path, Dictionary<string, string?> Query) Split(string target)
    {
        var q = target.IndexOf('?');
        return q < 0 ? (target, new Dictionary<string, string?>()) : (target[..q], ParseQuery(target[q..]));
    }

    private static Dictionary<string, string?> ParseQuery(string query) =>
        query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries).Select(pair =>
        {
            var eq = pair.IndexOf('=');
            return eq < 0 ? (Name: pair, Value: (string?)null) : (Name: pair[..eq], Value: eq == pair.Length - 1 ? null : pair[(eq + 1)..]);
        }).ToDictionary(p => Uri.UnescapeDataString(p.Name), p => p.Value is null ? null : Uri.UnescapeDataString(p.Value));

    private static string Canonical(Dictionary<string, string?> query) =>
        string.Join('&', query.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value is null ? p.Key : p.Key + "=" + p.Value));

    private static string? Header(JsonElement request, string name) =>
        request.GetProperty("headers").EnumerateObject().FirstOrDefault(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Value is { ValueKind: JsonValueKind.String } v
            ? v.GetString()
            : null;

    private static void Compare(List<string> mismatches, JsonElement @case, string what, string? expected, string? actual)
    {
        if (!string.Equals(expected, actual, StringComparison.Ordinal))
        {
            mismatches.Add($"{@case.GetProperty("id").GetString()} {what}: official '{expected}' ours '{actual}'");
        }
    }
}
