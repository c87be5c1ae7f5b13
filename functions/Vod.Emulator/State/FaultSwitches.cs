namespace Vod.Emulator.State;

/// <summary>How injected UploadPart failures fail.</summary>
public enum PartFailureMode
{
    /// <summary>Answer with an HTTP error status and an OSS error body.</summary>
    Status,

    /// <summary>Drop the connection mid-request.</summary>
    DropConnection,

    /// <summary>
    /// Take the body with one byte flipped, as a path that damages data would: a Content-MD5 sent with it is refused
    /// with <c>InvalidDigest</c>; without one the part is stored and its <c>x-oss-hash-crc64ecma</c> disagrees with
    /// the client's.
    /// </summary>
    Corrupt,
}

/// <summary>What happens to the next callbacks.</summary>
public enum CallbackFaultMode
{
    /// <summary>Deliver normally.</summary>
    None,

    /// <summary>Do not deliver at all (recorded as dropped).</summary>
    Drop,

    /// <summary>Deliver twice.</summary>
    Duplicate,

    /// <summary>Deliver after a delay.</summary>
    Delay,

    /// <summary>Hold a batch of events and deliver it in reverse order.</summary>
    Reorder,
}

/// <summary>The name VOD gives the event that ends a pull (UploadMediaByURL) job; the docs use both.</summary>
public enum PullCallbackName
{
    /// <summary><c>UploadByURLComplete</c>, the name of the older pages and the API reference.</summary>
    UploadByURLComplete,

    /// <summary><c>URLUploadComplete</c>, the name of a newer page.</summary>
    URLUploadComplete,
}

/// <summary>The emulator's fault-injection switches. Thread-safe; every switch can also be set over <c>/_emulator</c>.</summary>
public sealed class FaultSwitches
{
    private readonly object _sync = new();
    private readonly Random _random = new(20261125);
    private int _failPartCount;
    private double _failPartFraction;
    private int _throttleVodCount;
    private int _callbackFaultCount;
    private int _refusePullCount;
    private int _failPullCount;
    private int _failTranscodeCount;

    /// <summary>The HTTP status injected UploadPart failures answer with.</summary>
    public int PartFailureStatus { get; private set; } = 503;

    /// <summary>How injected UploadPart failures fail.</summary>
    public PartFailureMode PartFailureMode { get; private set; } = PartFailureMode.Status;

    /// <summary>The OSS error code injected failures carry; null picks one from the status.</summary>
    public string? PartFailureCode { get; private set; }

    /// <summary>Delay before every OSS answer.</summary>
    public TimeSpan OssLatency { get; set; }

    /// <summary>Holds UploadPart requests (before they are counted or read) while a test wants an upload mid-way.</summary>
    public Gate PartGate { get; } = new();

    /// <summary>Delay before every VOD/STS answer.</summary>
    public TimeSpan VodLatency { get; set; }

    /// <summary>What happens to the next callbacks.</summary>
    public CallbackFaultMode CallbackFault { get; private set; }

    /// <summary>The delay of <see cref="CallbackFaultMode.Delay"/>.</summary>
    public TimeSpan CallbackDelay { get; private set; }

    /// <summary>
    /// Holds pull jobs in <c>PENDING</c> (VOD's queue) until released: a slow queue. Jobs held wait, then run in order.
    /// </summary>
    public Gate PullQueueGate { get; } = new();

    /// <summary>Extra time every pull job waits in <c>PENDING</c> before it starts: a slow queue.</summary>
    public TimeSpan PullQueueDelay { get; set; }

    /// <summary>The event name pull jobs end with.</summary>
    public PullCallbackName PullCallbackName { get; set; }

    /// <summary>
    /// The next <paramref name="refuse"/> pull jobs find their URL refused (as a source answering 403 would:
    /// <c>DOWNLOAD_FAIL</c>), and the next <paramref name="fail"/> jobs that download fail to store (<c>UPLOAD_FAIL</c>).
    /// </summary>
    public void FailPulls(int refuse, int fail)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(refuse);
        ArgumentOutOfRangeException.ThrowIfNegative(fail);
        lock (_sync)
        {
            _refusePullCount = refuse;
            _failPullCount = fail;
        }
    }

    /// <summary>Whether this pull job's URL must be refused (and consume one).</summary>
    public bool TakePullRefusal() => Take(ref _refusePullCount);

    /// <summary>Whether this pull job must fail after its download (and consume one).</summary>
    public bool TakePullFailure() => Take(ref _failPullCount);

    /// <summary>The next <paramref name="count"/> videos that transcode end in <c>TranscodeFail</c> (their TranscodeComplete event says <c>fail</c>).</summary>
    public void FailTranscodes(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_sync)
        {
            _failTranscodeCount = count;
        }
    }

    /// <summary>Whether this video's transcoding must fail (and consume one).</summary>
    public bool TakeTranscodeFailure() => Take(ref _failTranscodeCount);

    /// <summary>Fail the next <paramref name="count"/> UploadPart calls, and/or a <paramref name="fraction"/> of all later ones.</summary>
    public void FailUploadParts(int count, double fraction, int status, PartFailureMode mode, string? code = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (fraction is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "A fraction is between 0 and 1.");
        }

        if (status is < 400 or > 599)
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "An error status is 400–599.");
        }

        lock (_sync)
        {
            _failPartCount = count;
            _failPartFraction = fraction;
            PartFailureStatus = status;
            PartFailureMode = mode;
            PartFailureCode = code;
        }
    }

    /// <summary>Whether this UploadPart call must fail.</summary>
    public bool TakePartFailure()
    {
        lock (_sync)
        {
            if (_failPartCount > 0)
            {
                _failPartCount--;
                return true;
            }

            return _failPartFraction > 0 && _random.NextDouble() < _failPartFraction;
        }
    }

    /// <summary>Answer the next <paramref name="count"/> VOD API calls with <c>Throttling</c>.</summary>
    public void ThrottleVod(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_sync)
        {
            _throttleVodCount = count;
        }
    }

    /// <summary>Whether this VOD call must be throttled (and consume one).</summary>
    public bool TakeVodThrottle()
    {
        lock (_sync)
        {
            if (_throttleVodCount <= 0)
            {
                return false;
            }

            _throttleVodCount--;
            return true;
        }
    }

    /// <summary>Apply <paramref name="mode"/> to the next <paramref name="count"/> callback events.</summary>
    public void SetCallbackFault(CallbackFaultMode mode, int count, TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_sync)
        {
            CallbackFault = count == 0 ? CallbackFaultMode.None : mode;
            _callbackFaultCount = count;
            CallbackDelay = delay;
        }
    }

    /// <summary>The fault to apply to the next callback event (and consume it).</summary>
    public CallbackFaultMode TakeCallbackFault()
    {
        lock (_sync)
        {
            if (_callbackFaultCount <= 0 || CallbackFault == CallbackFaultMode.None)
            {
                return CallbackFaultMode.None;
            }

            var mode = CallbackFault;
            if (--_callbackFaultCount == 0 && mode != CallbackFaultMode.Reorder)
            {
                CallbackFault = CallbackFaultMode.None;
            }

            return mode;
        }
    }

    /// <summary>How many more events the reorder batch waits for.</summary>
    public int ReorderRemaining
    {
        get
        {
            lock (_sync)
            {
                return CallbackFault == CallbackFaultMode.Reorder ? _callbackFaultCount : 0;
            }
        }
    }

    /// <summary>Ends a reorder batch: later callbacks go out normally.</summary>
    public void EndReorder()
    {
        lock (_sync)
        {
            if (CallbackFault == CallbackFaultMode.Reorder)
            {
                CallbackFault = CallbackFaultMode.None;
            }
        }
    }

    /// <summary>Turns every switch off.</summary>
    public void Reset()
    {
        lock (_sync)
        {
            _failPartCount = 0;
            _failPartFraction = 0;
            _throttleVodCount = 0;
            _callbackFaultCount = 0;
            CallbackFault = CallbackFaultMode.None;
            OssLatency = TimeSpan.Zero;
            VodLatency = TimeSpan.Zero;
            _refusePullCount = 0;
            _failPullCount = 0;
            _failTranscodeCount = 0;
            PullQueueDelay = TimeSpan.Zero;
            PullCallbackName = PullCallbackName.UploadByURLComplete;
        }

        PartGate.Release();
        PullQueueGate.Release();
    }

    private bool Take(ref int counter)
    {
        lock (_sync)
        {
            if (counter <= 0)
            {
                return false;
            }

            counter--;
            return true;
        }
    }
}
