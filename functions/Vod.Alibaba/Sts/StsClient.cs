using System.Text.RegularExpressions;
using Vod.Alibaba.Credentials;
using Vod.Alibaba.Errors;
using Vod.Alibaba.Rpc;

namespace Vod.Alibaba.Sts;

/// <summary>Settings of an <see cref="StsClient"/>.</summary>
public sealed class StsClientOptions : RpcEndpointOptions
{
    /// <summary>
    /// Region for a regional endpoint (<c>sts.&lt;region&gt;.aliyuncs.com</c>); null (the default) uses the central
    /// <c>sts.aliyuncs.com</c>.
    /// </summary>
    public string? Region { get; set; }

    /// <summary>The endpoint requests go to.</summary>
    public Uri ResolveEndpoint() => Endpoint ?? new Uri(Region is null ? "https://sts.aliyuncs.com" : $"https://sts.{Region}.aliyuncs.com");
}

/// <summary>Client of the Security Token Service (version 2015-04-01).</summary>
public sealed partial class StsClient
{
    /// <summary>The API version.</summary>
    public const string ApiVersion = "2015-04-01";

    private readonly RpcCaller _caller;

    /// <summary>Creates a client signing with <paramref name="credential"/> (the RAM user allowed to assume the role).</summary>
    public StsClient(HttpClient httpClient, AlibabaCredential credential, StsClientOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(credential);
        options ??= new StsClientOptions();
        options.Validate();
        _caller = new RpcCaller(httpClient, AlibabaService.Sts, ApiVersion, options.ResolveEndpoint(), credential, options, timeProvider ?? TimeProvider.System);
    }

    /// <summary>Nonce source; tests freeze it.</summary>
    internal Func<string> NonceFactory
    {
        get => _caller.NonceFactory;
        set => _caller.NonceFactory = value;
    }

    /// <summary>Gets temporary credentials for a RAM role.</summary>
    public Task<AssumeRoleResponse> AssumeRoleAsync(AssumeRoleRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        return _caller.CallAsync<AssumeRoleResponse>("AssumeRole", request.ToParameters(), cancellationToken);
    }

    /// <summary>Builds the signed AssumeRole request without sending it.</summary>
    public HttpRequestMessage BuildHttpRequest(AssumeRoleRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        return _caller.BuildRequest("AssumeRole", request.ToParameters());
    }
}

/// <summary>AssumeRole: temporary credentials for a RAM role.</summary>
public sealed partial class AssumeRoleRequest
{
    /// <summary>Shortest lifetime STS grants: 900 s.</summary>
    public static readonly TimeSpan MinDuration = TimeSpan.FromSeconds(900);

    /// <summary>Longest lifetime STS grants (the role's maximum may be lower): 43200 s.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromSeconds(43200);

    /// <summary>Required. <c>acs:ram::&lt;account&gt;:role/&lt;name&gt;</c>.</summary>
    public required string RoleArn { get; init; }

    /// <summary>Required. 2–64 characters of letters, digits, <c>. @ - _</c>; identifies the caller in audit logs.</summary>
    public required string RoleSessionName { get; init; }

    /// <summary>Lifetime, 900–43200 s; STS's default (3600 s) when null.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>An optional policy narrowing the role's permissions (JSON, ≤ 1024 characters).</summary>
    public string? Policy { get; init; }

    /// <summary>Checks the fields.</summary>
    public void Validate()
    {
        const string action = "AssumeRole";
        if (string.IsNullOrWhiteSpace(RoleArn) || !RoleArnPattern().IsMatch(RoleArn))
        {
            throw new AlibabaRequestValidationException(action, "RoleArn", "must look like acs:ram::<account id>:role/<role name>.");
        }

        if (string.IsNullOrEmpty(RoleSessionName) || !SessionNamePattern().IsMatch(RoleSessionName))
        {
            throw new AlibabaRequestValidationException(action, "RoleSessionName", "must be 2–64 characters of letters, digits, '.', '@', '-' or '_'.");
        }

        if (Duration is { } duration && (duration < MinDuration || duration > MaxDuration))
        {
            throw new AlibabaRequestValidationException(action, "DurationSeconds", $"is {duration.TotalSeconds:0} s; it must be 900–43200 s.");
        }

        if (Policy is { Length: > 1024 })
        {
            throw new AlibabaRequestValidationException(action, "Policy", "is longer than 1024 characters.");
        }
    }

    internal RpcParameters ToParameters() => new()
    {
        { "RoleArn", RoleArn },
        { "RoleSessionName", RoleSessionName },
        { "DurationSeconds", Duration is { } d ? (long)d.TotalSeconds : null },
        { "Policy", Policy },
    };

    [GeneratedRegex(@"^acs:ram::\d+:role/[A-Za-z0-9._\-/]+$", RegexOptions.CultureInvariant)]
    private static partial Regex RoleArnPattern();

    [GeneratedRegex(@"^[A-Za-z0-9.@\-_]{2,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex SessionNamePattern();
}

/// <summary>What AssumeRole returns.</summary>
public sealed record AssumeRoleResponse
{
    /// <summary>The request id.</summary>
    public string? RequestId { get; init; }

    /// <summary>The temporary credentials.</summary>
    public StsCredentials Credentials { get; init; } = new();

    /// <summary>The assumed identity.</summary>
    public AssumedRoleUser? AssumedRoleUser { get; init; }

    /// <inheritdoc/>
    public override string ToString() => $"AssumeRoleResponse({Credentials.AccessKeyId}, RequestId {RequestId})";
}

/// <summary>Temporary credentials from STS. Not a record so <see cref="ToString"/> cannot print secrets.</summary>
public sealed class StsCredentials
{
    /// <summary>Temporary AccessKeyId (<c>STS.…</c>).</summary>
    public string AccessKeyId { get; init; } = string.Empty;

    /// <summary>Temporary secret. Never log it.</summary>
    public string AccessKeySecret { get; init; } = string.Empty;

    /// <summary>Security token. Never log it.</summary>
    public string SecurityToken { get; init; } = string.Empty;

    /// <summary>When the credentials expire (UTC).</summary>
    public DateTimeOffset Expiration { get; init; }

    /// <summary>As an <see cref="AlibabaCredential"/>.</summary>
    public AlibabaCredential ToCredential() => new(AccessKeyId, AccessKeySecret, SecurityToken);

    /// <inheritdoc/>
    public override string ToString() => $"StsCredentials({AccessKeyId}, expires {Expiration:u})";
}

/// <summary>The identity an AssumeRole call took on.</summary>
public sealed record AssumedRoleUser
{
    /// <summary>ARN of the temporary identity.</summary>
    public string? Arn { get; init; }

    /// <summary>Id of the temporary identity.</summary>
    public string? AssumedRoleId { get; init; }
}
