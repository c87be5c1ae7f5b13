using Microsoft.Extensions.Logging;
using Vod.Upload.Checkpoints;
using Vod.Upload.Credentials;
using Vod.Upload.Ports;
using Vod.Upload.Sources;

namespace Vod.Upload.Steps;

/// <summary>What every step works with: the ports, the stores and the clock. Steps keep no state of their own.</summary>
internal sealed record StepServices(
    IVodUploadApi Vod,
    IOssUploadApi Oss,
    ICheckpointStore Checkpoints,
    IUploadSourceResolver Sources,
    UploadCredentials Credentials,
    TimeProvider Time,
    ILogger Logger);
