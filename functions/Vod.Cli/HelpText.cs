namespace Vod.Cli;

/// <summary>What <c>vod --help</c> and <c>vod &lt;command&gt; --help</c> print.</summary>
internal static class HelpText
{
    private const string Common = """
          --part-size SIZE          part size, e.g. 8MiB (default 8 MiB; 100 KiB–2 GiB; raised to fit 10,000 parts)
          -p, --parallel N          parts in flight (default 5)
          --retry-count N           retries of a part within a step (default 3)
          --step-retry-count N      runs of a step again after throttling, 5xx or network errors (default 3);
                                    a part is sent at most (retry-count + 1) × (step-retry-count + 1) times
          --retry-duration SECONDS  first retry delay, doubling (default 2)
          --refresh-margin SECONDS  refresh credentials this long before expiry (default 300)
          --region REGION           VOD region (default cn-shanghai, or ALIBABA_CLOUD_REGION)
          --vod-endpoint URL        VOD API endpoint (or ALIBABA_CLOUD_VOD_ENDPOINT), e.g. the local emulator
          --checkpoint-dir DIR      where resumable checkpoints live (default $XDG_STATE_HOME/vod/checkpoints,
                                    else ~/.local/state/vod/checkpoints), so a run resumes from any directory
          --force                   upload a file again even if this version already reached VOD
        A folder instead of a file uploads every matching file in it (and below):
          --include GLOB --exclude GLOB   file-name patterns (default: every file VOD takes)
          -j, --jobs N              files at a time (default 1; 1–16); one line per file, then the totals
          --json                    one JSON object per event on stdout
        Media fields:
          --title TEXT --cate-id N --tags a,b --description TEXT --template-group-id ID --workflow-id ID
          --storage-location HOST --user-data JSON --app-id ID
        """;

    public static string For(string command) => command switch
    {
        "upload" => "vod upload <file | folder | blob URL> [options]\n  Uploads a video or audio file, a folder of them, or an Azure blob (its URL with a SAS, or signed in with Entra ID),\n  to VOD and prints its VideoId. Run it again after an interruption to resume.\n" + Common,
        "image" => "vod image <file> [options]\n  Uploads an image and prints ImageId, ImageURL and FileURL.\n  --image-type default|cover|watermark (default default)  --image-ext png|jpg|jpeg|gif\n" + Common,
        "checkpoints" => "vod checkpoints [--checkpoint-dir DIR] [--json]\n  Lists unfinished uploads and their progress, and damaged checkpoints with how to clean them up.",
        "cancel" => "vod cancel <file> | --key KEY [--keep-media] [--checkpoint-dir DIR] [--vod-endpoint URL]\n  Aborts the unfinished upload of <file> (no parts are left to cost money), deletes the VOD media it\n  created (--keep-media keeps it) and removes its checkpoint.",
        "info" => "vod info <VideoId|ImageId> [--json] [--vod-endpoint URL]\n  Shows VOD's view of a media: title, status, size, duration or URL.",
        _ => """
            vod — upload media to Alibaba Cloud ApsaraVideo VOD, resumably.

              vod upload <file>       upload a video or audio file; prints the VideoId
              vod image <file>        upload an image; prints ImageId, ImageURL, FileURL
              vod checkpoints         list unfinished uploads
              vod cancel <file>       abort an unfinished upload, delete its media and remove its checkpoint
              vod info <id>           VOD's view of a video or image

            Credentials: ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET, optional ALIBABA_CLOUD_SECURITY_TOKEN.
            Exit codes: 0 success, 1 unexpected failure (one line; details in a log file), 2 usage error,
            3 upload failed (code printed), 130 interrupted (resumable).
            Run 'vod <command> --help' for a command's options; 'vod --version' for the version.
            """,
    };
}
