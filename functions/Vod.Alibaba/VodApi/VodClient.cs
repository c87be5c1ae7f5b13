using Vod.Alibaba.Credentials;
using Vod.Alibaba.Errors;
using Vod.Alibaba.Rpc;
using Vod.Alibaba.VodApi.Operations;

namespace Vod.Alibaba.VodApi;

/// <summary>
/// Client of the ApsaraVideo VOD OpenAPI (version 2017-03-21). Every request is validated before it is sent; failures
/// surface as <see cref="AlibabaCloudException"/> with a classification.
/// </summary>
public sealed class VodClient
{
    /// <summary>The API version.</summary>
    public const string ApiVersion = "2017-03-21";

    private readonly RpcCaller _caller;

    /// <summary>Creates a client.</summary>
    /// <param name="httpClient">The HTTP client to send with (e.g. from <c>IHttpClientFactory</c>). Its own timeout is not relied on.</param>
    /// <param name="credential">The AccessKey (or STS credential) to sign with.</param>
    /// <param name="options">Region, endpoint, signature, verb and timeout; defaults when null.</param>
    /// <param name="timeProvider">Clock for request timestamps; the system clock when null.</param>
    public VodClient(HttpClient httpClient, AlibabaCredential credential, VodClientOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(credential);
        options ??= new VodClientOptions();
        options.Validate();
        _caller = new RpcCaller(httpClient, AlibabaService.Vod, ApiVersion, options.ResolveEndpoint(), credential, options, timeProvider ?? TimeProvider.System);
    }

    /// <summary>The endpoint requests go to.</summary>
    public Uri Endpoint => _caller.Endpoint;

    /// <summary>Nonce source; tests freeze it to compare with the official clients.</summary>
    internal Func<string> NonceFactory
    {
        get => _caller.NonceFactory;
        set => _caller.NonceFactory = value;
    }

    /// <summary>Registers a video or audio file and returns its VideoId, upload address and credentials.</summary>
    public Task<UploadVideoResponse> CreateUploadVideoAsync(CreateUploadVideoRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<UploadVideoResponse>(request, cancellationToken);

    /// <summary>New credentials for an existing video; the upload address is unchanged.</summary>
    public Task<UploadVideoResponse> RefreshUploadVideoAsync(RefreshUploadVideoRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<UploadVideoResponse>(request, cancellationToken);

    /// <summary>Registers an image.</summary>
    public Task<CreateUploadImageResponse> CreateUploadImageAsync(CreateUploadImageRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<CreateUploadImageResponse>(request, cancellationToken);

    /// <summary>Registers an auxiliary media file.</summary>
    public Task<CreateUploadAttachedMediaResponse> CreateUploadAttachedMediaAsync(CreateUploadAttachedMediaRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<CreateUploadAttachedMediaResponse>(request, cancellationToken);

    /// <summary>A video's metadata and status.</summary>
    public Task<GetVideoInfoResponse> GetVideoInfoAsync(GetVideoInfoRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<GetVideoInfoResponse>(request, cancellationToken);

    /// <summary>An image's metadata.</summary>
    public Task<GetImageInfoResponse> GetImageInfoAsync(GetImageInfoRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<GetImageInfoResponse>(request, cancellationToken);

    /// <summary>A video's stored source file: URL, size, CRC-64.</summary>
    public Task<GetMezzanineInfoResponse> GetMezzanineInfoAsync(GetMezzanineInfoRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<GetMezzanineInfoResponse>(request, cancellationToken);

    /// <summary>Attached media by id.</summary>
    public Task<GetAttachedMediaInfoResponse> GetAttachedMediaInfoAsync(GetAttachedMediaInfoRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<GetAttachedMediaInfoResponse>(request, cancellationToken);

    /// <summary>Deletes videos.</summary>
    public Task<DeleteVideoResponse> DeleteVideoAsync(DeleteVideoRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<DeleteVideoResponse>(request, cancellationToken);

    /// <summary>Deletes images by id.</summary>
    public Task<DeleteImageResponse> DeleteImageAsync(DeleteImageRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<DeleteImageResponse>(request, cancellationToken);

    /// <summary>Asks VOD to pull files from URLs.</summary>
    public Task<UploadMediaByUrlResponse> UploadMediaByUrlAsync(UploadMediaByUrlRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<UploadMediaByUrlResponse>(request, cancellationToken);

    /// <summary>The state of pull jobs.</summary>
    public Task<GetUrlUploadInfosResponse> GetUrlUploadInfosAsync(GetUrlUploadInfosRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<GetUrlUploadInfosResponse>(request, cancellationToken);

    /// <summary>Builds the signed HTTP request for <paramref name="request"/> without sending it.</summary>
    public HttpRequestMessage BuildHttpRequest(VodRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        return _caller.BuildRequest(request.Action, request.ToParameters());
    }

    /// <summary>Signs arbitrary parameters for <paramref name="action"/>, skipping validation (tests of the server side).</summary>
    internal HttpRequestMessage BuildUncheckedHttpRequest(string action, IReadOnlyList<KeyValuePair<string, string>> parameters) =>
        _caller.BuildRequest(action, parameters);

    private Task<T> SendAsync<T>(VodRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        return _caller.CallAsync<T>(request.Action, request.ToParameters(), cancellationToken);
    }
}
