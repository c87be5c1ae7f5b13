namespace Vod.Alibaba.Credentials;

/// <summary>
/// An Alibaba Cloud AccessKey pair, optionally a temporary STS one with its security token.
/// </summary>
/// <remarks>
/// Deliberately not a record: a record's generated <c>ToString</c> would print the secret. <see cref="ToString"/>
/// shows only the AccessKeyId.
/// </remarks>
public sealed class AlibabaCredential
{
    /// <summary>Creates a credential; <paramref name="securityToken"/> is set for STS credentials only.</summary>
    /// <exception cref="ArgumentException">The id or secret is empty.</exception>
    public AlibabaCredential(string accessKeyId, string accessKeySecret, string? securityToken = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accessKeyId);
        ArgumentException.ThrowIfNullOrWhiteSpace(accessKeySecret);
        AccessKeyId = accessKeyId;
        AccessKeySecret = accessKeySecret;
        SecurityToken = string.IsNullOrEmpty(securityToken) ? null : securityToken;
    }

    /// <summary>The AccessKeyId (not secret; STS ids start with <c>STS.</c>).</summary>
    public string AccessKeyId { get; }

    /// <summary>The AccessKeySecret. Never log it.</summary>
    public string AccessKeySecret { get; }

    /// <summary>The STS security token, or <see langword="null"/> for a permanent AccessKey. Never log it.</summary>
    public string? SecurityToken { get; }

    /// <summary>Whether this is a temporary STS credential.</summary>
    public bool IsTemporary => SecurityToken is not null;

    /// <summary>The secret values of this credential, for redaction.</summary>
    internal IEnumerable<string> Secrets => SecurityToken is null ? [AccessKeySecret] : [AccessKeySecret, SecurityToken];

    /// <inheritdoc/>
    public override string ToString() => $"AlibabaCredential({AccessKeyId}{(IsTemporary ? ", STS" : string.Empty)})";
}
