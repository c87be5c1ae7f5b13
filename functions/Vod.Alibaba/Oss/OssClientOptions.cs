namespace Vod.Alibaba.Oss;

/// <summary>How the bucket is carried in OSS requests.</summary>
public enum OssAddressingStyle
{
    /// <summary><c>https://bucket.endpoint/key</c>: what the real service requires.</summary>
    VirtualHosted = 0,

    /// <summary><c>http://endpoint/bucket/key</c>: for a local server (the emulator).</summary>
    PathStyle,

    /// <summary>
    /// Connect to the endpoint as given (an IP works) and carry the bucket in the <c>Host</c> header as
    /// <c>bucket.endpoint</c>, as ali-oss does for IP endpoints.
    /// </summary>
    BucketInHostHeader,

    /// <summary>
    /// <see cref="VirtualHosted"/> for a named endpoint, <see cref="BucketInHostHeader"/> for an IP or localhost one
    /// (a local emulator), as ali-oss decides.
    /// </summary>
    Automatic,
}

/// <summary>OSS request signature version.</summary>
public enum OssSignatureVersion
{
    /// <summary><c>OSS AccessKeyId:Signature</c> (HMAC-SHA1).</summary>
    V1 = 0,

    /// <summary><c>OSS4-HMAC-SHA256</c>.</summary>
    V4,
}

/// <summary>Settings of an <see cref="OssClient"/>.</summary>
public sealed class OssClientOptions
{
    /// <summary>Bucket addressing. Default <see cref="OssAddressingStyle.VirtualHosted"/>.</summary>
    public OssAddressingStyle Addressing { get; set; } = OssAddressingStyle.VirtualHosted;

    /// <summary>Signature version. Default <see cref="OssSignatureVersion.V1"/>.</summary>
    public OssSignatureVersion SignatureVersion { get; set; } = OssSignatureVersion.V1;

    /// <summary>
    /// Region id for V4 signing (e.g. <c>cn-shanghai</c>). Default null: derived from an
    /// <c>oss-&lt;region&gt;.aliyuncs.com</c> endpoint.
    /// </summary>
    public string? Region { get; set; }

    /// <summary>
    /// Time allowed for one request including its body. Default 10 minutes (an 8 MiB part needs far less; a 5 GiB
    /// part over a slow link may need more). Must be positive.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Throws when a setting is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public void Validate()
    {
        if (Timeout <= TimeSpan.Zero && Timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(Timeout), Timeout, "Timeout must be positive.");
        }

        if (!Enum.IsDefined(Addressing))
        {
            throw new ArgumentOutOfRangeException(nameof(Addressing), Addressing, "Unknown addressing style.");
        }

        if (!Enum.IsDefined(SignatureVersion))
        {
            throw new ArgumentOutOfRangeException(nameof(SignatureVersion), SignatureVersion, "Unknown signature version.");
        }
    }
}
