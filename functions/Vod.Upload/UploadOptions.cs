namespace Vod.Upload;

/// <summary>
/// How an upload runs. Mirrors the VOD JavaScript SDK's options with server-side defaults; <see cref="Validate"/>
/// explains what is wrong with a value.
/// </summary>
public sealed class UploadOptions
{
    /// <summary>Default part size on the server: 8 MiB (the JS SDK's 1 MiB suits browsers, not servers).</summary>
    public const long DefaultPartSize = 8L * 1024 * 1024;

    /// <summary>Smallest part OSS accepts (except the last): 100 KiB.</summary>
    public const long MinPartSize = 100L * 1024;

    /// <summary>
    /// Largest part this engine sends: 2 GiB less 57 bytes, the largest buffer .NET can allocate (a part is read into
    /// memory once and sent from there, so a retry does not read the source again). OSS itself accepts 5 GiB.
    /// </summary>
    public const long MaxPartSize = 0x7FFFFFC7;

    /// <summary>
    /// Part size in bytes; null means 8 MiB. Raised automatically so no file needs more than 10,000 parts. Must be
    /// 100 KiB to <see cref="MaxPartSize"/> (2 GiB less 57 bytes).
    /// </summary>
    public long? PartSize { get; set; }

    /// <summary>Parts uploaded at the same time. Default 5; 1–64.</summary>
    public int Parallel { get; set; } = 5;

    /// <summary>
    /// Retries of one part inside a step, after a retryable failure. Default 3; 0–20. A part is sent at most
    /// (<see cref="RetryCount"/> + 1) × (<see cref="StepRetryCount"/> + 1) times: 16 with the defaults.
    /// </summary>
    public int RetryCount { get; set; } = 3;

    /// <summary>
    /// Runs of a step again after it failed with a retryable error (throttling, 5xx, storage or network down), each
    /// after a growing pause, before the upload fails. The same count in the CLI and in the Durable orchestration.
    /// Default 3; 0–10.
    /// </summary>
    public int StepRetryCount { get; set; } = 3;

    /// <summary>
    /// First pause before a retry (of a part, or of a step); later ones double (parts add jitter). Default 2 s;
    /// 0–5 min.
    /// </summary>
    public TimeSpan RetryDuration { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Refresh upload credentials this long before they expire, so no part starts with a credential about to lapse.
    /// Default 5 minutes; 0–40 minutes (credentials live 50).
    /// </summary>
    public TimeSpan CredentialRefreshMargin { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Whether every part (and a whole small object) is sent with a <c>Content-MD5</c> header, so OSS refuses a body
    /// damaged on the way with <c>InvalidDigest</c> before storing it. Default false: each part's CRC-64, computed in
    /// the same pass as its read, is compared with the <c>x-oss-hash-crc64ecma</c> OSS answers (a mismatch sends the
    /// part again) and the whole object's CRC-64 is checked on completion, which catches the same damage one round
    /// trip later. MD5 costs about 1.3 s of CPU per GiB (≈ 0.8 GB/s); turn it on where a policy asks for
    /// <c>Content-MD5</c>. When on, it is computed in the same pass as the CRC-64.
    /// </summary>
    public bool ContentMd5 { get; set; }

    /// <summary>
    /// How the bytes reach VOD: <see cref="Pull.TransferMode.Push"/> (the engine sends them), <see cref="Pull.TransferMode.Pull"/>
    /// (VOD fetches them from a short-lived URL; see <see cref="Pull.PullUploader"/>) or <see cref="Pull.TransferMode.Auto"/>.
    /// Null: the host's default (the Functions app's <c>Vod__DefaultTransferMode</c>). <see cref="Engine.UploadEngine.UploadAsync"/>
    /// always pushes; a host that pulls runs <see cref="Pull.PullUploader"/> instead.
    /// </summary>
    public Pull.TransferMode? TransferMode { get; set; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first bad setting and its value.</summary>
    public void Validate()
    {
        if (PartSize is { } size && (size < MinPartSize || size > MaxPartSize))
        {
            throw new ArgumentOutOfRangeException(nameof(PartSize), size, $"PartSize must be {MinPartSize} bytes (100 KiB) to {MaxPartSize} bytes (2 GiB less 57 bytes).");
        }

        if (Parallel is < 1 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(Parallel), Parallel, "Parallel must be 1–64.");
        }

        if (RetryCount is < 0 or > 20)
        {
            throw new ArgumentOutOfRangeException(nameof(RetryCount), RetryCount, "RetryCount must be 0–20.");
        }

        if (StepRetryCount is < 0 or > 10)
        {
            throw new ArgumentOutOfRangeException(nameof(StepRetryCount), StepRetryCount, "StepRetryCount must be 0–10.");
        }

        if (RetryDuration < TimeSpan.Zero || RetryDuration > TimeSpan.FromMinutes(5))
        {
            throw new ArgumentOutOfRangeException(nameof(RetryDuration), RetryDuration, "RetryDuration must be 0–5 minutes.");
        }

        if (CredentialRefreshMargin < TimeSpan.Zero || CredentialRefreshMargin > TimeSpan.FromMinutes(40))
        {
            throw new ArgumentOutOfRangeException(nameof(CredentialRefreshMargin), CredentialRefreshMargin, "CredentialRefreshMargin must be 0–40 minutes.");
        }
    }
}
