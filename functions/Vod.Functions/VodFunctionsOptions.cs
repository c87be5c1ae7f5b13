using System.ComponentModel.DataAnnotations;

namespace Vod.Functions;

/// <summary>
/// The app's settings (section <c>Vod</c>; in app settings <c>Vod__Name</c>). Validated at start-up: a bad value stops
/// the host with a message naming it.
/// </summary>
public sealed class VodFunctionsOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Vod";

    /// <summary>AccessKeyId of the RAM user that calls VOD (and STS). Required.</summary>
    [Required]
    public string AccessKeyId { get; set; } = string.Empty;

    /// <summary>Its AccessKeySecret (a Key Vault reference in Azure). Required; never logged.</summary>
    [Required]
    public string AccessKeySecret { get; set; } = string.Empty;

    /// <summary>VOD region. Default <c>cn-shanghai</c>.</summary>
    [Required]
    public string Region { get; set; } = "cn-shanghai";

    /// <summary>VOD API endpoint override (the local emulator), e.g. <c>http://127.0.0.1:5080</c>. Default: the region's.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Container whose new blobs are uploaded. Default <c>vod-incoming</c>.</summary>
    [Required]
    [RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$", ErrorMessage = "IncomingContainer must be a valid container name.")]
    public string IncomingContainer { get; set; } = "vod-incoming";

    /// <summary>
    /// Containers besides <see cref="IncomingContainer"/> whose blobs StartUpload may read, comma-separated. Default none:
    /// the API reads only the incoming container, so a function key cannot reach the rest of the storage account.
    /// </summary>
    public string AllowedSourceContainers { get; set; } = string.Empty;

    /// <summary>Whether StartUpload may read <paramref name="container"/>.</summary>
    public bool IsAllowedSource(string container) =>
        container == IncomingContainer || SourceContainers().Contains(container, StringComparer.Ordinal);

    private string[] SourceContainers() => AllowedSourceContainers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Container for upload checkpoints. Default <c>vod-checkpoints</c>.</summary>
    [Required]
    [RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$", ErrorMessage = "CheckpointContainer must be a valid container name.")]
    public string CheckpointContainer { get; set; } = "vod-checkpoints";

    /// <summary>Container where refused blobs get a JSON note of why. Default <c>vod-rejected</c>.</summary>
    [Required]
    [RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$", ErrorMessage = "RejectionContainer must be a valid container name.")]
    public string RejectionContainer { get; set; } = "vod-rejected";

    /// <summary>Seconds to wait for VOD's upload event before asking the API instead. Default 600; 1–86400.</summary>
    [Range(1, 86400)]
    public int CallbackTimeoutSeconds { get; set; } = 600;

    /// <summary>Default part size in bytes. Default 8388608 (8 MiB); 102400 (100 KiB) to 2147483591 (the largest part buffer).</summary>
    [Range(102400, 2147483591)]
    public long PartSize { get; set; } = 8L * 1024 * 1024;

    /// <summary>Default parts (and part batches) in flight. Default 5.</summary>
    [Range(1, 64)]
    public int Parallel { get; set; } = 5;

    /// <summary>Default retries of one part inside a part batch. Default 3; 0–20.</summary>
    [Range(0, 20)]
    public int RetryCount { get; set; } = 3;

    /// <summary>
    /// Default runs of a step again after a retryable failure (throttling, 5xx, storage down), with doubling pauses.
    /// A part is sent at most (RetryCount + 1) × (StepRetryCount + 1) times. Default 3; 0–10.
    /// </summary>
    [Range(0, 10)]
    public int StepRetryCount { get; set; } = 3;

    /// <summary>
    /// Default for sending each part with a <c>Content-MD5</c> header (<see cref="Vod.Upload.UploadOptions.ContentMd5"/>).
    /// Default false: every part's CRC-64 is checked against OSS's and the object's on completion, which catches the
    /// same damage without MD5's ≈ 1.3 s of CPU per GiB.
    /// </summary>
    public bool ContentMd5 { get; set; }

    /// <summary>
    /// Whether cancelling (or deleting) an unfinished upload keeps the VOD media it created instead of deleting it.
    /// Default false: a cancelled upload leaves no video stuck in <c>Uploading</c>.
    /// </summary>
    public bool KeepMediaOnCancel { get; set; }

    /// <summary>Default first retry delay in seconds (parts and steps). Default 2.</summary>
    [Range(0, 300)]
    public double RetryDurationSeconds { get; set; } = 2;

    /// <summary>
    /// The callback URL configured in the VOD console, exactly (signatures are computed over it, not over the URL a
    /// request arrives on). Required for signed callbacks.
    /// </summary>
    public Uri? CallbackPublicUrl { get; set; }

    /// <summary>The callback auth key set in the VOD console (a Key Vault reference in Azure). Never logged.</summary>
    public string? CallbackAuthKey { get; set; }

    /// <summary>The previous key, still accepted while a rotation is under way.</summary>
    public string? CallbackPreviousAuthKey { get; set; }

    /// <summary>Accept unsigned callbacks when no key is configured. Default false: refused.</summary>
    public bool AllowUnsignedCallbacks { get; set; }

    /// <summary>How far <c>X-VOD-TIMESTAMP</c> may be from now, in seconds. Default 300.</summary>
    [Range(1, 3600)]
    public int CallbackWindowSeconds { get; set; } = 300;

    /// <summary>
    /// VOD API confirmations one instance may start per second (callbacks and reconciliation), bursting to twice as
    /// many. Callback bodies are unsigned, so this bounds what forged hints can cost of the account's API quota.
    /// Default 20; 1–1000.
    /// </summary>
    [Range(1, 1000)]
    public double ConfirmationsPerSecond { get; set; } = 20;

    /// <summary>Least time between two confirmations of the same media, in milliseconds. Default 1000; 0–60000.</summary>
    [Range(0, 60000)]
    public int MediaConfirmIntervalMilliseconds { get; set; } = 1000;

    /// <summary>RAM role the STS token endpoint assumes for browsers (<c>acs:ram::&lt;account&gt;:role/&lt;name&gt;</c>). Optional.</summary>
    public string? StsRoleArn { get; set; }

    /// <summary>
    /// Lifetime of STS tokens handed to browsers, in seconds: the least STS grants (900, 15 minutes) by default, since
    /// the SDK asks again when one expires. 900–3600.
    /// </summary>
    [Range(900, 3600)]
    public int StsDurationSeconds { get; set; } = 900;

    /// <summary>STS endpoint override (the local emulator serves STS on its VOD port). Default: <c>sts.aliyuncs.com</c>.</summary>
    public Uri? StsEndpoint { get; set; }

    /// <summary>Where the browser endpoints learn who calls them. Default <see cref="Identity.CallerIdentityMode.AppServiceAuthentication"/>.</summary>
    public Identity.CallerIdentityMode CallerIdentity { get; set; } = Identity.CallerIdentityMode.AppServiceAuthentication;

    /// <summary>With <c>CallerIdentity=Jwt</c>: the issuer (<c>iss</c>) tokens must carry.</summary>
    public string? JwtIssuer { get; set; }

    /// <summary>With <c>CallerIdentity=Jwt</c>: the audience (<c>aud</c>) tokens must carry.</summary>
    public string? JwtAudience { get; set; }

    /// <summary>With <c>CallerIdentity=Jwt</c>: the issuer's OpenID configuration URL, where the signing keys come from.</summary>
    public Uri? JwtMetadataUrl { get; set; }

    /// <summary>With <c>CallerIdentity=Jwt</c> and no metadata URL: the signing keys, as a JSON Web Key Set.</summary>
    public string? JwtSigningKeys { get; set; }

    /// <summary>Credential requests (video, image, refresh, STS) one caller may make per minute. Default 20; 1–10000.</summary>
    [Range(1, 10000)]
    public int CredentialRequestsPerMinute { get; set; } = 20;

    /// <summary>Credential requests one caller may make per UTC day. Default 500; 1–1000000.</summary>
    [Range(1, 1000000)]
    public int CredentialRequestsPerDay { get; set; } = 500;

    /// <summary>Table of per-caller request counts. Default <c>VodCallerQuotas</c>.</summary>
    [Required]
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$", ErrorMessage = "QuotaTable must be a valid table name.")]
    public string QuotaTable { get; set; } = "VodCallerQuotas";

    /// <summary>Table of media records. Default <c>VodMedia</c>.</summary>
    [Required]
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$", ErrorMessage = "MediaTable must be a valid table name.")]
    public string MediaTable { get; set; } = "VodMedia";

    /// <summary>Minutes a record may wait for VOD before reconciliation asks the API. Default 15.</summary>
    [Range(1, 10080)]
    public int ReconcileAfterMinutes { get; set; } = 15;

    /// <summary>Days after which finished upload histories are purged. Default 30.</summary>
    [Range(1, 3650)]
    public int HistoryRetentionDays { get; set; } = 30;

    /// <summary>
    /// Transfer mode of uploads that ask for none (API <c>options.transferMode</c> and blob metadata <c>transfermode</c>
    /// win): <c>push</c>, <c>pull</c> or <c>auto</c>. Default <c>push</c>.
    /// </summary>
    public string DefaultTransferMode { get; set; } = "push";

    /// <summary>
    /// Lifetime in minutes of the read-only URL (user delegation SAS) VOD pulls a blob from. VOD queues pull jobs, for
    /// hours at busy times: a URL that expires first fails the upload with PullUrlExpired. Default 1440 (a day); at most
    /// 10070 (a user delegation SAS lives less than 7 days).
    /// </summary>
    [Range(5, 10070)]
    public int PullUrlLifetimeMinutes { get; set; } = 1440;

    /// <summary>Largest blob VOD is asked to pull, in bytes (auto pushes larger ones; an explicit pull is refused). Default 5 GiB.</summary>
    [Range(1, long.MaxValue)]
    public long PullMaxBytes { get; set; } = 5L * 1024 * 1024 * 1024;

    /// <summary>Comma-separated regions whose VOD offers pull upload (UploadMediaByURL). Default <c>cn-shanghai,ap-southeast-1</c>.</summary>
    public string PullRegions { get; set; } = "cn-shanghai,ap-southeast-1";

    /// <summary>
    /// Whether VOD can reach the source storage account from the internet. False (a private endpoint, a firewall):
    /// auto always pushes and an explicit pull is refused. Default true.
    /// </summary>
    public bool PullSourceReachable { get; set; } = true;

    /// <summary>First wait in seconds between two polls of a pull job (it doubles up to <see cref="PullMaxPollSeconds"/>). Default 15.</summary>
    [Range(1, 3600)]
    public int PullFirstPollSeconds { get; set; } = 15;

    /// <summary>Longest wait in seconds between two polls of a pull job. Default 600.</summary>
    [Range(1, 86400)]
    public int PullMaxPollSeconds { get; set; } = 600;

    /// <summary>The regions of <see cref="PullRegions"/>.</summary>
    public IReadOnlyList<string> PullRegionList() => PullRegions.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var container in SourceContainers().Where(c => Api.BlobNames.ContainerProblem(c) is not null))
        {
            yield return new ValidationResult($"AllowedSourceContainers names '{container}', which is not a valid container name.", [nameof(AllowedSourceContainers)]);
        }

        if (Vod.Upload.Pull.TransferModeChooser.Parse(DefaultTransferMode) is null)
        {
            yield return new ValidationResult($"DefaultTransferMode is '{DefaultTransferMode}'; it is push, pull or auto.", [nameof(DefaultTransferMode)]);
        }

        if (PullMaxPollSeconds < PullFirstPollSeconds)
        {
            yield return new ValidationResult("PullMaxPollSeconds is less than PullFirstPollSeconds.", [nameof(PullMaxPollSeconds)]);
        }

        if (CallerIdentity == Identity.CallerIdentityMode.Jwt)
        {
            if (string.IsNullOrWhiteSpace(JwtIssuer) || string.IsNullOrWhiteSpace(JwtAudience))
            {
                yield return new ValidationResult("CallerIdentity=Jwt needs JwtIssuer and JwtAudience.", [nameof(JwtIssuer), nameof(JwtAudience)]);
            }

            if (JwtMetadataUrl is null && string.IsNullOrWhiteSpace(JwtSigningKeys))
            {
                yield return new ValidationResult("CallerIdentity=Jwt needs JwtMetadataUrl or JwtSigningKeys.", [nameof(JwtMetadataUrl), nameof(JwtSigningKeys)]);
            }
        }
    }
}
