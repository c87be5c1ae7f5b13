using System.Text.Json;
using Vod.Emulator;

namespace Vod.Cli.Tests;

/// <summary>The <c>vod</c> program against the emulator: uploads, interruptions, resumes, listing, cancelling, exit codes.</summary>
public sealed class CliTests : IAsyncLifetime
{
    private EmulatorHost _emulator = null!;
    private string _work = null!;

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorHost.StartAsync(new EmulatorOptions { Urls = "http://127.0.0.1:0", TranscodeDelay = TimeSpan.FromMilliseconds(100) });
        _work = Directory.CreateTempSubdirectory("vod-cli-").FullName;
    }

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    private Dictionary<string, string?> Environment() => new()
    {
        ["ALIBABA_CLOUD_ACCESS_KEY_ID"] = _emulator.Options.AccessKeyId,
        ["ALIBABA_CLOUD_ACCESS_KEY_SECRET"] = _emulator.Options.AccessKeySecret,
        ["ALIBABA_CLOUD_VOD_ENDPOINT"] = _emulator.BaseUri.GetLeftPart(UriPartial.Authority),
        ["XDG_STATE_HOME"] = StateHome,
    };

    private string File(string name, int size, int seed = 1)
    {
        var data = new byte[size];
        new Random(seed).NextBytes(data);
        var path = Path.Combine(_work, name);
        System.IO.File.WriteAllBytes(path, data);
        return path;
    }

    // vod keeps its state under $XDG_STATE_HOME/vod: the tests point it into their own folder.
    private string StateHome => Path.Combine(_work, "state");

    private string CheckpointFolder => Path.Combine(StateHome, "vod", "checkpoints");

    /// <summary>The part numbers the checkpoint's part log records (its lines; a torn last one is not a record yet).</summary>
    private List<int> RecordedParts()
    {
        var log = Directory.Exists(CheckpointFolder) ? Directory.GetFiles(CheckpointFolder, "*.parts").SingleOrDefault() : null;
        if (log is null)
        {
            return [];
        }

        var numbers = new List<int>();
        using var reader = new StreamReader(new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));
        while (reader.ReadLine() is { } line)
        {
            try
            {
                numbers.Add(JsonDocument.Parse(line).RootElement.GetProperty("n").GetInt32());
            }
            catch (JsonException)
            {
                // Being appended right now.
            }
        }

        return numbers;
    }

    /// <summary>Starts an upload of <paramref name="file"/> in 256 KiB parts and interrupts it (INT, exit 130) once two parts are recorded and more are held.</summary>
    private async Task InterruptAfterTwoPartsAsync(string file)
    {
        _emulator.Faults.PartGate.HoldAfter(2);
        using (var upload = VodProcess.Start(_work, Environment(), "upload", file, "--part-size", "256KiB", "--parallel", "2"))
        {
            await WaitForCheckpointAsync(2);
            await _emulator.Faults.PartGate.WaitUntilHeldAsync(1, TimeSpan.FromSeconds(60));
            upload.Signal("INT");
            Assert.Equal(130, await upload.WaitAsync(TimeSpan.FromSeconds(60)));
        }

        _emulator.Faults.PartGate.Release();
    }

    /// <summary>The checkpoint's header once its part log records at least <paramref name="parts"/> parts.</summary>
    private async Task<JsonElement> WaitForCheckpointAsync(int parts)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (RecordedParts().Count >= parts)
            {
                foreach (var file in Directory.GetFiles(CheckpointFolder, "*.json"))
                {
                    try
                    {
                        using var document = JsonDocument.Parse(System.IO.File.ReadAllBytes(file));
                        return document.RootElement.Clone();
                    }
                    catch (Exception ex) when (ex is IOException or JsonException)
                    {
                        // Being replaced right now.
                    }
                }
            }

            await Task.Delay(25);
        }

        throw new TimeoutException($"no checkpoint with {parts} parts");
    }

    [Fact]
    public async Task Killed_mid_upload_it_resumes_with_one_video_and_resends_no_recorded_part()
    {
        // Arrange
        var file = File("movie.mp4", 12 * 1024 * 1024);
        _emulator.Faults.PartGate.HoldAfter(5);
        using var first = VodProcess.Start(_work, Environment(), "upload", file, "--part-size", "512KiB", "--parallel", "2", "--title", "Killed");

        // Act: kill -9 while parts are being sent (5 stored and recorded, more held), then run the same command again.
        var checkpoint = await WaitForCheckpointAsync(5);
        await _emulator.Faults.PartGate.WaitUntilHeldAsync(1, TimeSpan.FromSeconds(60));
        first.Process.Kill(entireProcessTree: true);
        await first.WaitAsync(TimeSpan.FromSeconds(30));
        var recordedAtKill = RecordedParts();
        _emulator.Faults.PartGate.Release();
        var (exit, stdout, stderr) = await VodProcess.RunAsync(_work, Environment(), "upload", file, "--part-size", "512KiB", "--parallel", "2");

        // Assert
        Assert.True(exit == 0, stderr);
        Assert.Equal(5, recordedAtKill.Count);
        var videoId = checkpoint.GetProperty("mediaId").GetString()!;
        Assert.Contains("Resuming", stdout);
        Assert.Contains($"VideoId: {videoId}", stdout);
        Assert.Single(_emulator.State.Media.Values);
        var received = _emulator.State.PartUploadsReceived[checkpoint.GetProperty("multipartUploadId").GetString()!];
        Assert.All(recordedAtKill, n => Assert.Equal(1, received[n]));
        Assert.Equal(24, received.Count);
        Assert.Equal(System.IO.File.ReadAllBytes(file), System.IO.File.ReadAllBytes(_emulator.State.Objects.Values.Single().FilePath));
        Assert.False(Directory.EnumerateFiles(CheckpointFolder, "*.json").Any());
    }

    [Theory]
    [InlineData("INT", false)]
    [InlineData("TERM", true)]
    public async Task Interrupted_it_exits_130_lists_the_checkpoint_and_cancel_leaves_nothing(string signal, bool json)
    {
        // The signal lands while the upload is in progress: two parts stored and recorded, the next ones held.
        var file = File("talk.mov", 8 * 1024 * 1024);
        _emulator.Faults.PartGate.HoldAfter(2);
        using var upload = VodProcess.Start(_work, Environment(), ["upload", file, "--part-size", "256KiB", "--parallel", "2", .. (json ? new[] { "--json" } : [])]);
        await WaitForCheckpointAsync(2);
        await _emulator.Faults.PartGate.WaitUntilHeldAsync(1, TimeSpan.FromSeconds(60));

        upload.Signal(signal);
        var exit = await upload.WaitAsync(TimeSpan.FromSeconds(60));
        _emulator.Faults.PartGate.Release();
        var (listExit, listed, _) = await VodProcess.RunAsync(_work, Environment(), "checkpoints", "--json");
        var (cancelExit, cancelled, cancelError) = await VodProcess.RunAsync(_work, Environment(), "cancel", file);

        Assert.Equal(130, exit);
        Assert.Contains("run the same command again", upload.Stderr);
        if (json)
        {
            // Every stdout line is an event, the last one says the run was interrupted.
            var events = upload.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.GetProperty("event").GetString()).ToList();
            Assert.Equal("interrupted", events[^1]);
            Assert.DoesNotContain("\n\n", upload.Stdout.Replace("\r", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        }

        Assert.Equal(0, listExit);
        var row = JsonDocument.Parse(listed).RootElement;
        Assert.Equal("checkpoint", row.GetProperty("event").GetString());
        Assert.Equal(file, row.GetProperty("file").GetString());
        Assert.True(row.GetProperty("partsDone").GetInt32() >= 2);
        Assert.Equal(32, row.GetProperty("parts").GetInt32());
        Assert.True(cancelExit == 0, cancelError);
        Assert.Contains("aborted", cancelled);
        Assert.Contains("deleted", cancelled);
        Assert.Empty(_emulator.State.Uploads);
        Assert.Empty(_emulator.State.Media); // the video is not left in Uploading for good
        Assert.False(Directory.EnumerateFiles(CheckpointFolder, "*.json").Any());
    }

    [Fact]
    public async Task Image_prints_its_ids_and_urls_and_json_mode_prints_events()
    {
        var image = File("poster.png", 50_000);
        var video = File("clip.mp3", 300_000);

        var (imageExit, imageOut, _) = await VodProcess.RunAsync(_work, Environment(), "image", image, "--image-type", "cover");
        var (videoExit, videoOut, _) = await VodProcess.RunAsync(_work, Environment(), "upload", video, "--json", "--tags", "a, b");

        Assert.Equal(0, imageExit);
        Assert.Matches("ImageId: [0-9a-f]{32}", imageOut);
        Assert.Contains("48.8 KiB", imageOut); // 50,000 bytes, not "0.0 MiB"
        Assert.Contains("ImageURL: http://", imageOut);
        Assert.Contains("FileURL: http://", imageOut);
        Assert.Equal(0, videoExit);
        var events = videoOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal("started", events[0].GetProperty("event").GetString());
        var done = events[^1];
        Assert.Equal("succeeded", done.GetProperty("event").GetString());
        Assert.Equal(300_000, done.GetProperty("size").GetInt64());
        Assert.Equal("a,b", _emulator.State.Media[done.GetProperty("videoId").GetString()!].Tags);
    }

    [Fact]
    public async Task With_wait_the_upload_ends_once_vod_has_published_the_video_and_shows_each_status()
    {
        var file = File("wait.mp4", 300_000, seed: 40);

        var (exit, stdout, stderr) = await VodProcess.RunAsync(_work, Environment(), "upload", file, "--wait", "--json");

        Assert.True(exit == 0, stderr);
        var events = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var videoId = events.Single(e => e.GetProperty("event").GetString() == "succeeded").GetProperty("videoId").GetString()!;
        var statuses = events.Where(e => e.GetProperty("event").GetString() == "vodStatus").Select(e => e.GetProperty("status").GetString()).ToList();
        Assert.Equal("Normal", statuses[^1]);
        Assert.Equal(statuses.Distinct().Count(), statuses.Count); // each status once
        var ready = events[^1];
        Assert.Equal(("ready", videoId, "Normal"), (ready.GetProperty("event").GetString(), ready.GetProperty("mediaId").GetString(), ready.GetProperty("status").GetString()));
        Assert.Equal("Normal", _emulator.State.Media[videoId].Status);
    }

    [Fact]
    public async Task A_wait_that_runs_out_or_a_video_vod_will_not_publish_exits_3_and_a_rerun_waits_again_without_uploading()
    {
        // Arrange: VOD keeps the video in UploadSucc (transcoding held), and its transcoding will fail.
        var file = File("slow.mp4", 200_000, seed: 41);
        _emulator.Lifecycle.TranscodeGate.HoldAfter(0);
        _emulator.Faults.FailTranscodes(1);
        try
        {
            // Act 1: the wait runs out.
            var (exit, stdout, stderr) = await VodProcess.RunAsync(_work, Environment(), "upload", file, "--wait", "--wait-timeout", "2");

            // Assert 1
            Assert.Equal(3, exit);
            var videoId = System.Text.RegularExpressions.Regex.Match(stdout, "VideoId: ([0-9a-f]+)").Groups[1].Value;
            Assert.Contains("VOD reports UploadSucc", stdout, StringComparison.Ordinal);
            Assert.Contains($"VOD still reports {videoId} UploadSucc after 2 s; the upload itself succeeded.", stderr, StringComparison.Ordinal);
            Assert.Single(stderr.Trim().Split('\n'));

            // Act 2: transcoding goes on, and fails; the rerun finds the upload done and only waits.
            _emulator.Lifecycle.TranscodeGate.Release();
            var (rerunExit, rerunOut, rerunErr) = await VodProcess.RunAsync(_work, Environment(), "upload", file, "--wait");

            // Assert 2
            Assert.Equal(3, rerunExit);
            Assert.Contains($"Already uploaded", rerunOut, StringComparison.Ordinal);
            Assert.Contains($"VOD reports {videoId} TranscodeFail", rerunErr, StringComparison.Ordinal);
            Assert.Single(_emulator.State.Media.Values, m => m.Title == "slow");
        }
        finally
        {
            _emulator.Lifecycle.TranscodeGate.Release();
            _emulator.Faults.FailTranscodes(0);
        }
    }

    [Fact]
    public async Task A_wait_while_vod_does_not_answer_says_so_and_lasts_the_whole_timeout()
    {
        // Arrange: uploaded; then VOD answers every call with Throttling.
        var file = File("silent.mp4", 100_000, seed: 47);
        var (firstExit, _, firstErr) = await VodProcess.RunAsync(_work, Environment(), "upload", file);
        Assert.True(firstExit == 0, firstErr);
        _emulator.Faults.ThrottleVod(10_000);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        // Act
        var (exit, stdout, stderr) = await VodProcess.RunAsync(_work, Environment(), "upload", file, "--wait", "--wait-timeout", "3");

        // Assert: said once, not silent; the message names the silence; the deadline was waited out.
        _emulator.Faults.ThrottleVod(0);
        Assert.Equal(3, exit);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(stdout, "did not answer \\(Throttling"));
        Assert.Contains("WaitTimedOut: VOD at 127.0.0.1 did not answer (Throttling", stderr, StringComparison.Ordinal);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(3), $"gave up after {clock.Elapsed}");
    }

    [Fact]
    public async Task A_folder_with_wait_reports_each_file_ready()
    {
        var folder = Path.Combine(_work, "waitdir");
        Directory.CreateDirectory(folder);
        System.IO.File.Copy(File("one.mp4", 100_000, seed: 42), Path.Combine(folder, "one.mp4"));
        System.IO.File.Copy(File("two.mp4", 120_000, seed: 43), Path.Combine(folder, "two.mp4"));

        var (exit, stdout, stderr) = await VodProcess.RunAsync(_work, Environment(), "upload", folder, "--wait", "-j", "2");

        Assert.True(exit == 0, stderr);
        var ready = stdout.Split('\n').Where(l => l.StartsWith("ready", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, ready.Count);
        Assert.All(ready, l => Assert.EndsWith("Normal", l.TrimEnd(), StringComparison.Ordinal));
        Assert.Contains("2 uploaded", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_folder_rerun_with_wait_waits_for_the_files_it_skips_and_fails_one_vod_will_not_publish()
    {
        // Arrange: both files uploaded without waiting; VOD fails the transcode of the second (the next video to arrive).
        var folder = Path.Combine(_work, "rewait");
        Directory.CreateDirectory(folder);
        System.IO.File.Copy(File("a.mp4", 90_000, seed: 44), Path.Combine(folder, "a.mp4"));
        var (firstExit, _, firstErr) = await VodProcess.RunAsync(_work, Environment(), "upload", folder);
        Assert.True(firstExit == 0, firstErr);
        _emulator.Faults.FailTranscodes(1);
        System.IO.File.Copy(File("b.mp4", 95_000, seed: 45), Path.Combine(folder, "b.mp4"));
        var (secondExit, _, secondErr) = await VodProcess.RunAsync(_work, Environment(), "upload", folder);
        Assert.True(secondExit == 0, secondErr);

        // Act: both are skipped now; the rerun waits for each.
        var (exit, stdout, _) = await VodProcess.RunAsync(_work, Environment(), "upload", folder, "--wait");

        // Assert
        Assert.Equal(3, exit);
        Assert.Matches(@"ready\s+a\.mp4\s+[0-9a-f]+\s+Normal", stdout);
        Assert.Matches(@"unpublished\s+b\.mp4\s+VodProcessingFailed: VOD reports [0-9a-f]+ TranscodeFail", stdout);
        Assert.Contains("0 uploaded (0 B), 2 skipped, 0 failed; 1 not published by VOD", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bogus")]
    [InlineData("upload")]
    [InlineData("upload", "missing.mp4")]
    [InlineData("upload", "{file}", "--parallel", "0")]
    [InlineData("upload", "{file}", "--part-size", "lots")]
    [InlineData("upload", "{file}", "--nope", "1")]
    [InlineData("upload", "{image}")]
    [InlineData("image", "{file}")]
    [InlineData("upload", "{text}")]
    [InlineData("upload", "{file}", "--parallel", "99999999999")]
    [InlineData("upload", "{file}", "-j", "17")]
    [InlineData("upload", "{file}", "--retry-count", "-1")]
    [InlineData("image", "{image}", "--image-type", "poster")]
    [InlineData("image", "{image}", "--image-ext", "bmp")]
    [InlineData("upload", "{file}", "--vod-endpoint", "ftp://x")]
    [InlineData("cancel")]
    [InlineData("cancel", "{file}", "--key", "k")]
    [InlineData("help", "bogus")]
    [InlineData("completion", "fish")]
    [InlineData("upload", "{file}", "--wait-timeout", "5")]
    [InlineData("upload", "{file}", "--include", "*.mp4")]
    [InlineData("upload", "{file}", "--region", "")]
    [InlineData("info", "abc", "--region", "Shanghai")]
    [InlineData("pull", "https://acct.blob.core.windows.net/media/a.mp4", "--url-lifetime", "0")]
    [InlineData("pull", "https://acct.blob.core.windows.net/media/old.mp4?sv=2025-01-05&se=2020-01-01T00%3A00%3A00Z&sp=r&sig=b2xk")]
    public async Task Usage_errors_exit_2_with_one_line(params string[] args)
    {
        var file = File("ok.mp4", 10);
        var image = File("ok.png", 10);
        var text = File("notes.txt", 10);
        var resolved = args.Select(a => a.Replace("{file}", file).Replace("{image}", image).Replace("{text}", text)).ToArray();

        var (exit, _, stderr) = await VodProcess.RunAsync(_work, Environment(), resolved);

        Assert.Equal(2, exit);
        Assert.False(string.IsNullOrWhiteSpace(stderr));
        Assert.DoesNotContain('\n', stderr.Trim());
        Assert.DoesNotContain("   at ", stderr);
        Assert.Empty(_emulator.State.Media);
    }

    [Fact]
    public async Task Missing_credentials_are_a_usage_error_and_help_explains_exit_codes()
    {
        var file = File("ok.mp4", 10);

        var (exit, _, stderr) = await VodProcess.RunAsync(_work, new Dictionary<string, string?>(), "upload", file);
        var (helpExit, help, _) = await VodProcess.RunAsync(_work, new Dictionary<string, string?>(), "--help");

        Assert.True(exit == 2, stderr);
        Assert.Contains("ALIBABA_CLOUD_ACCESS_KEY_ID", stderr);
        Assert.Equal(0, helpExit);
        Assert.Contains("130 interrupted", help);
    }

    [Fact]
    public async Task Throttling_and_5xx_are_retried_and_json_progress_only_moves_forward()
    {
        // Arrange: VOD throttles the first call (CreateUploadVideo); OSS fails two parts with 503.
        var file = File("busy.mp4", 3 * 1024 * 1024, seed: 5);
        _emulator.Faults.ThrottleVod(1);
        _emulator.Faults.FailUploadParts(2, 0, 503, Emulator.State.PartFailureMode.Status);

        // Act
        var (exit, stdout, stderr) = await VodProcess.RunAsync(_work, Environment(), "upload", file, "--json", "--part-size", "100KiB", "--parallel", "4", "--retry-duration", "0.05");

        // Assert
        Assert.True(exit == 0, stderr);
        var events = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var progress = events.Where(e => e.GetProperty("event").GetString() == "progress").ToList();
        var bytes = progress.Select(e => e.GetProperty("bytesUploaded").GetInt64()).ToList();
        Assert.Equal(bytes.Order(), bytes);
        Assert.Equal(bytes.Distinct().Count(), bytes.Count);
        Assert.All(progress, e => Assert.True(e.GetProperty("bytesPerSecond").GetInt64() >= 0));
        Assert.Equal(3 * 1024 * 1024, bytes[^1]);
        Assert.Equal("succeeded", events[^1].GetProperty("event").GetString());
        Assert.Single(_emulator.State.Media);
    }

    [Fact]
    public async Task A_damaged_checkpoint_is_refused_listed_as_damaged_and_cancelled_without_leaving_parts_or_a_video()
    {
        // Arrange: an upload interrupted with parts stored, then its checkpoint header cut short (as a full disk would).
        var file = File("damaged.mp4", 4 * 1024 * 1024, seed: 9);
        await InterruptAfterTwoPartsAsync(file);
        var header = Directory.GetFiles(CheckpointFolder, "*.json").Single();
        var text = System.IO.File.ReadAllText(header);
        System.IO.File.WriteAllText(header, text[..(text.IndexOf("\"partSize\"", StringComparison.Ordinal) + 5)]);

        // Act
        var (uploadExit, _, uploadError) = await VodProcess.RunAsync(_work, Environment(), "upload", file, "--part-size", "256KiB");
        var (listExit, listed, _) = await VodProcess.RunAsync(_work, Environment(), "checkpoints");
        var (jsonExit, listedJson, _) = await VodProcess.RunAsync(_work, Environment(), "checkpoints", "--json");
        var (cancelExit, cancelled, cancelError) = await VodProcess.RunAsync(_work, Environment(), "cancel", file);

        // Assert: a typed error and exit 3 (not a crash), listed as damaged, and cancelled with nothing left behind.
        Assert.Equal(3, uploadExit);
        Assert.Contains("CheckpointCorrupt", uploadError);
        Assert.Equal(0, listExit);
        Assert.Contains("DAMAGED", listed);
        Assert.Equal(0, jsonExit);
        Assert.NotNull(JsonDocument.Parse(listedJson.Trim()).RootElement.GetProperty("damaged").GetString());
        Assert.True(cancelExit == 0, cancelError);
        Assert.Contains("aborted", cancelled);
        Assert.Empty(_emulator.State.Uploads);
        Assert.Empty(_emulator.State.Media);
        Assert.Empty(Directory.GetFiles(CheckpointFolder));
    }

    [Fact]
    public async Task A_second_run_of_the_same_file_is_refused_while_the_first_is_running()
    {
        var file = File("twice.mp4", 2 * 1024 * 1024, seed: 10);
        _emulator.Faults.PartGate.HoldAfter(1);
        using var first = VodProcess.Start(_work, Environment(), "upload", file, "--part-size", "256KiB", "--parallel", "2");
        await _emulator.Faults.PartGate.WaitUntilHeldAsync(1, TimeSpan.FromSeconds(60));

        var (secondExit, _, secondError) = await VodProcess.RunAsync(_work, Environment(), "upload", file, "--part-size", "256KiB", "--parallel", "2");
        _emulator.Faults.PartGate.Release();
        var firstExit = await first.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(3, secondExit);
        Assert.Contains("UploadInProgress", secondError);
        Assert.Contains("already running", secondError);
        Assert.True(firstExit == 0, first.Stderr);
        Assert.Single(_emulator.State.Media);
        Assert.Equal(8, _emulator.State.PartUploadsReceived.Values.Single().Values.Sum());
    }

    [Fact]
    public async Task An_upload_resumes_from_another_directory_and_a_finished_file_is_not_uploaded_twice()
    {
        // Arrange: interrupted in one directory, with two parts recorded.
        var file = File("anywhere.mp4", 2 * 1024 * 1024, seed: 11);
        var elsewhere = Directory.CreateDirectory(Path.Combine(_work, "elsewhere")).FullName;
        await InterruptAfterTwoPartsAsync(file);

        // Act: the same command from another directory; then the same file once more; then --force.
        var (resumedExit, resumed, resumedError) = await VodProcess.RunAsync(elsewhere, Environment(), "upload", file, "--part-size", "256KiB");
        var (againExit, again, _) = await VodProcess.RunAsync(elsewhere, Environment(), "upload", file, "--json");
        var (forcedExit, forced, forcedError) = await VodProcess.RunAsync(elsewhere, Environment(), "upload", file, "--force");

        // Assert
        Assert.True(resumedExit == 0, resumedError);
        Assert.Contains("Resuming", resumed);
        Assert.Matches("[0-9]+ of 8 parts were already uploaded", resumed);
        Assert.Contains("reused from an earlier run", resumed);
        Assert.Contains("completing the object", resumed);
        var videoId = System.Text.RegularExpressions.Regex.Match(resumed, "VideoId: ([0-9a-f]+)").Groups[1].Value;
        Assert.Equal(0, againExit);
        var skipped = JsonDocument.Parse(again.Trim()).RootElement;
        Assert.Equal("skipped", skipped.GetProperty("event").GetString());
        Assert.Equal(videoId, skipped.GetProperty("mediaId").GetString());
        Assert.True(forcedExit == 0, forcedError);
        Assert.Equal(2, _emulator.State.Media.Count);
        Assert.False(Directory.Exists(Path.Combine(elsewhere, ".vod_checkpoint")));
    }

    [Fact]
    public async Task A_file_uploaded_to_one_vod_is_uploaded_again_to_another_and_skipped_only_where_it_went()
    {
        // Arrange: uploaded to this emulator; a second one stands for another VOD (another region, or VOD itself).
        var file = File("twice.mp4", 150_000, seed: 46);
        var (firstExit, _, firstErr) = await VodProcess.RunAsync(_work, Environment(), "upload", file);
        Assert.True(firstExit == 0, firstErr);
        await using var other = await EmulatorHost.StartAsync(new EmulatorOptions { Urls = "http://127.0.0.1:0", TranscodeDelay = TimeSpan.FromMilliseconds(100) });
        var otherEndpoint = other.BaseUri.GetLeftPart(UriPartial.Authority);

        // Act
        var (exit, stdout, stderr) = await VodProcess.RunAsync(_work, Environment(), "upload", file, "--vod-endpoint", otherEndpoint);
        var (againExit, again, _) = await VodProcess.RunAsync(_work, Environment(), "upload", file, "--vod-endpoint", otherEndpoint);
        var (homeExit, home, _) = await VodProcess.RunAsync(_work, Environment(), "upload", file);

        // Assert: one video in each VOD; each skip names the VOD it refers to.
        Assert.True(exit == 0, stderr);
        Assert.DoesNotContain("Already uploaded", stdout, StringComparison.Ordinal);
        Assert.Single(other.State.Media);
        Assert.Single(_emulator.State.Media);
        Assert.Equal((0, 0), (againExit, homeExit));
        Assert.Contains($"Already uploaded to {other.BaseUri.Host} on", again, StringComparison.Ordinal);
        Assert.Contains(other.State.Media.Keys.Single(), again, StringComparison.Ordinal);
        Assert.Contains(_emulator.State.Media.Keys.Single(), home, StringComparison.Ordinal);
    }

    [Fact]
    public async Task History_written_before_endpoints_were_kept_counts_only_where_vod_still_has_the_media()
    {
        // Arrange: two uploads, then their history lines as an older vod wrote them (no endpoint); one names a video this
        // VOD does not have (it went to another VOD).
        var kept = File("kept.mp4", 60_000, seed: 48);
        var elsewhere = File("elsewhere.mp4", 70_000, seed: 49);
        foreach (var file in new[] { kept, elsewhere })
        {
            var (exit, _, error) = await VodProcess.RunAsync(_work, Environment(), "upload", file);
            Assert.True(exit == 0, error);
        }

        var history = Path.Combine(StateHome, "vod", "history.jsonl");
        var legacy = System.IO.File.ReadAllLines(history).Select(line =>
        {
            var record = System.Text.Json.Nodes.JsonNode.Parse(line)!.AsObject();
            record.Remove("vod");
            if (record["path"]!.GetValue<string>() == elsewhere)
            {
                record["mediaId"] = "0000000000000000000000000000000a";
            }

            return record.ToJsonString();
        });
        System.IO.File.WriteAllLines(history, legacy);

        // Act
        var (keptExit, keptOut, _) = await VodProcess.RunAsync(_work, Environment(), "upload", kept);
        var (elsewhereExit, elsewhereOut, elsewhereErr) = await VodProcess.RunAsync(_work, Environment(), "upload", elsewhere);

        // Assert: the kept file is skipped (and now recorded with the endpoint); the other is uploaded here.
        Assert.Equal(0, keptExit);
        Assert.Contains("Already uploaded to 127.0.0.1", keptOut, StringComparison.Ordinal);
        Assert.True(elsewhereExit == 0, elsewhereErr);
        Assert.DoesNotContain("Already uploaded", elsewhereOut, StringComparison.Ordinal);
        Assert.Equal(3, _emulator.State.Media.Count);
        var records = System.IO.File.ReadAllLines(history).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.Contains(records, r => r.GetProperty("path").GetString() == kept && r.TryGetProperty("vod", out var vod) && vod.GetString() == _emulator.BaseUri.GetLeftPart(UriPartial.Authority));
    }

    [Theory]
    [InlineData("--parallel", "99999999999")]
    [InlineData("--retry-duration", "Infinity")]
    [InlineData("--refresh-margin", "1e300")]
    [InlineData("--part-size", "99999999999GiB")]
    public async Task Out_of_range_numbers_are_usage_errors_not_crashes(string option, string value)
    {
        var file = File("range.mp4", 1000);

        var (exit, _, stderr) = await VodProcess.RunAsync(_work, Environment(), "upload", file, option, value);

        Assert.Equal(2, exit);
        Assert.Contains(option, stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public async Task The_installed_tool_reports_the_version_it_was_packed_with()
    {
        var project = System.Xml.Linq.XDocument.Load(Path.Combine(Testing.RepositoryPaths.Root, "functions", "Vod.Cli", "Vod.Cli.csproj"));
        var version = project.Descendants("Version").Single().Value;

        var (exit, stdout, _) = await VodProcess.RunAsync(_work, Environment(), "--version");

        Assert.Equal(0, exit);
        Assert.Equal($"vod {version}", stdout.Trim());
        Assert.StartsWith(Path.GetTempPath(), VodProcess.Vod, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_per_command_directories_explicit_flags_cancel_json_and_info_behave()
    {
        var clip = File("info.mp3", 50_000, seed: 13);

        var (_, help, _) = await VodProcess.RunAsync(_work, Environment(), "help", "upload");
        var (dirExit, _, dirError) = await VodProcess.RunAsync(_work, Environment(), "upload", Directory.CreateDirectory(Path.Combine(_work, "empty")).FullName);
        var (plainExit, plain, plainError) = await VodProcess.RunAsync(_work, Environment(), "upload", clip, "--json=false");
        var videoId = System.Text.RegularExpressions.Regex.Match(plain, "VideoId: ([0-9a-f]+)").Groups[1].Value;
        var (infoExit, info, infoError) = await VodProcess.RunAsync(_work, Environment(), "info", videoId, "--json");
        var (missingExit, _, missingError) = await VodProcess.RunAsync(_work, Environment(), "info", "0123456789abcdef0123456789abcdef");
        var (cancelExit, cancelled, _) = await VodProcess.RunAsync(_work, Environment(), "cancel", "--key", "nothing-here", "--json");

        Assert.Contains("vod upload <source> [options]", help);
        Assert.Contains("-p, --parallel <N>", help);
        Assert.Equal(3, dirExit);
        Assert.Contains("No video or audio files match", dirError);
        Assert.True(plainExit == 0, plainError);
        Assert.DoesNotContain("{", plain);
        Assert.True(infoExit == 0, infoError);
        var media = JsonDocument.Parse(info).RootElement;
        Assert.Equal(("Video", videoId, 50_000L), (media.GetProperty("kind").GetString(), media.GetProperty("id").GetString(), media.GetProperty("size").GetInt64()));
        Assert.Equal(3, missingExit);
        Assert.Contains("no video or image", missingError);
        Assert.Equal(3, cancelExit);
        Assert.Equal("notFound", JsonDocument.Parse(cancelled).RootElement.GetProperty("event").GetString());
    }

    [Fact]
    public async Task A_blob_named_by_its_sas_url_is_uploaded_by_ranges_and_the_sas_is_kept_nowhere()
    {
        // Arrange: a blob in Azurite and a read-only SAS URL for it.
        await using var azurite = await Testing.Azurite.StartAsync();
        var container = new Azure.Storage.Blobs.BlobContainerClient(azurite.ConnectionString, "media");
        await container.CreateIfNotExistsAsync();
        var blob = container.GetBlobClient("talks/keynote.mp4");
        var data = new byte[3 * 1024 * 1024 + 5];
        new Random(14).NextBytes(data);
        await blob.UploadAsync(BinaryData.FromBytes(data));
        var sasUrl = blob.GenerateSasUri(Azure.Storage.Sas.BlobSasPermissions.Read, DateTimeOffset.UtcNow.AddHours(1));
        var signature = System.Web.HttpUtility.ParseQueryString(sasUrl.Query)["sig"]!;

        // Act
        var (exit, stdout, stderr) = await VodProcess.RunAsync(_work, Environment(), "upload", sasUrl.ToString(), "--part-size", "1MiB", "--title", "Keynote");
        var (again, skipped, _) = await VodProcess.RunAsync(_work, Environment(), "upload", sasUrl.ToString());

        // Assert: the blob's bytes in VOD; the SAS in no output, checkpoint or history.
        Assert.True(exit == 0, stderr);
        Assert.Equal(data, System.IO.File.ReadAllBytes(_emulator.State.Objects.Values.Single().FilePath));
        Assert.Equal("Keynote", _emulator.State.Media.Values.Single().Title);
        Assert.Equal(0, again);
        Assert.Contains("Already uploaded", skipped);
        var kept = string.Join('\n', Directory.GetFiles(StateHome, "*", SearchOption.AllDirectories).Select(System.IO.File.ReadAllText));
        Assert.Contains("keynote.mp4", kept);
        foreach (var text in new[] { stdout, stderr, skipped, kept })
        {
            Assert.DoesNotContain(signature, text, StringComparison.Ordinal);
            Assert.DoesNotContain(Uri.EscapeDataString(signature), text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Pull_has_vod_fetch_a_blob_itself_and_a_rerun_with_a_fresh_sas_watches_the_same_job()
    {
        // Arrange: a blob in Azurite, VOD's pull queue held so the first run gives up waiting.
        await using var azurite = await Testing.Azurite.StartAsync();
        var container = new Azure.Storage.Blobs.BlobContainerClient(azurite.ConnectionString, "media");
        await container.CreateIfNotExistsAsync();
        var blob = container.GetBlobClient("pulled/launch.mp4");
        var data = new byte[2 * 1024 * 1024 + 3];
        new Random(16).NextBytes(data);
        await blob.UploadAsync(BinaryData.FromBytes(data));
        var firstSas = blob.GenerateSasUri(Azure.Storage.Sas.BlobSasPermissions.Read, DateTimeOffset.UtcNow.AddHours(1));
        var secondSas = blob.GenerateSasUri(Azure.Storage.Sas.BlobSasPermissions.Read, DateTimeOffset.UtcNow.AddHours(2));
        Assert.NotEqual(firstSas, secondSas);
        _emulator.Faults.PullQueueGate.HoldAfter(0);

        // Act: the first run times out while VOD queues the job; the second, with another SAS, watches that job to the end.
        var (firstExit, first, firstError) = await VodProcess.RunAsync(_work, Environment(), "pull", firstSas.ToString(), "--title", "Launch", "--timeout", "1", "--poll-interval", "0.2");
        _emulator.Faults.PullQueueGate.Release();
        var (secondExit, second, secondError) = await VodProcess.RunAsync(_work, Environment(), "pull", secondSas.ToString(), "--json", "--poll-interval", "0.2");

        // Assert: one video, the blob's bytes, no byte through vod, no signature in any output or log.
        Assert.True(firstExit == 3, firstError);
        Assert.Contains("Queued in VOD as job", first);
        Assert.Contains("PullTimedOut", firstError);
        Assert.Contains("Run the same command again", firstError);
        Assert.True(secondExit == 0, secondError);
        var events = second.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.Equal("RESUMED", events[0].GetProperty("vodStatus").GetString());
        var succeeded = Assert.Single(events, e => e.GetProperty("event").GetString() == "succeeded");
        var video = Assert.Single(_emulator.State.Media.Values);
        Assert.Equal(video.Id, succeeded.GetProperty("videoId").GetString());
        Assert.Equal(data.Length, succeeded.GetProperty("size").GetInt64());
        Assert.Equal("Launch", video.Title);
        Assert.Equal(data, System.IO.File.ReadAllBytes(_emulator.State.Objects.Values.Single().FilePath));
        var (againExit, again, _) = await VodProcess.RunAsync(_work, Environment(), "pull", secondSas.ToString());
        Assert.Equal(0, againExit);
        Assert.Contains($"Already pulled to 127.0.0.1 on", again);
        Assert.Contains(video.Id, again);
        var expiredSas = blob.GenerateSasUri(Azure.Storage.Sas.BlobSasPermissions.Read, DateTimeOffset.UtcNow.AddMinutes(-5));
        var (expiredExit, expired, expiredError) = await VodProcess.RunAsync(_work, Environment(), "pull", expiredSas.ToString());
        Assert.True(expiredExit == 0, expiredError); // an expired SAS only matters for a pull that would be submitted
        Assert.Contains(video.Id, expired);
        Assert.Single(_emulator.State.Media.Values);
        var logs = string.Join('\n', Directory.GetFiles(Path.Combine(StateHome, "vod", "logs")).Select(System.IO.File.ReadAllText));
        Assert.Contains("\"eventId\":", logs);
        foreach (var sas in new[] { firstSas, secondSas })
        {
            var signature = System.Web.HttpUtility.ParseQueryString(sas.Query)["sig"]!;
            foreach (var text in new[] { first, firstError, second, secondError, logs })
            {
                Assert.DoesNotContain(signature, text, StringComparison.Ordinal);
                Assert.DoesNotContain(Uri.EscapeDataString(signature), text, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task A_pull_job_vod_fails_leaves_no_video_and_another_query_is_another_source()
    {
        // Arrange: a blob VOD can read, and VOD failing the next job after it made the video (UPLOAD_FAIL).
        await using var azurite = await Testing.Azurite.StartAsync();
        var container = new Azure.Storage.Blobs.BlobContainerClient(azurite.ConnectionString, "media");
        await container.CreateIfNotExistsAsync();
        var blob = container.GetBlobClient("failing.mp4");
        await blob.UploadAsync(BinaryData.FromBytes(new byte[4096]));
        var sas = blob.GenerateSasUri(Azure.Storage.Sas.BlobSasPermissions.Read, DateTimeOffset.UtcNow.AddHours(1)).ToString();
        _emulator.Faults.FailPulls(refuse: 0, fail: 1);

        // Act: the failed pull; then the same blob with an extra, non-access query parameter, which is another source.
        var (failedExit, _, failedError) = await VodProcess.RunAsync(_work, Environment(), "pull", sas, "--poll-interval", "0.2");
        var (okExit, ok, okError) = await VodProcess.RunAsync(_work, Environment(), "pull", sas, "--poll-interval", "0.2");
        var (otherExit, other, otherError) = await VodProcess.RunAsync(_work, Environment(), "pull", sas + "&rev=2", "--poll-interval", "0.2");

        // Assert
        Assert.True(failedExit == 3, failedError);
        Assert.Contains("PullUploadFailed", failedError, StringComparison.Ordinal);
        Assert.True(okExit == 0, okError);
        Assert.True(otherExit == 0, otherError);
        Assert.DoesNotContain("Already pulled", other, StringComparison.Ordinal);
        Assert.Equal(2, _emulator.State.UrlJobs.Values.Count(j => j.Status == "SUCCESS"));
        Assert.Equal(2, _emulator.State.Media.Count); // the failed job's video was deleted
        Assert.Contains("VideoId:", ok, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pull_still_queued_is_listed_by_checkpoints_and_cancel_says_vod_may_still_run_it()
    {
        // Arrange: VOD's queue held; a pull that stops watching after a second.
        var url = "http://127.0.0.1:9/media/queued.mp4?sv=2025-01-05&se=2099-01-01T00%3A00%3A00Z&sig=cXVldWVk";
        _emulator.Faults.PullQueueGate.HoldAfter(0);
        var (pullExit, _, pullError) = await VodProcess.RunAsync(_work, Environment(), "pull", url, "--timeout", "1", "--poll-interval", "0.2");

        // Act
        var (listExit, listed, _) = await VodProcess.RunAsync(_work, Environment(), "checkpoints", "--json");
        var (cancelExit, cancelled, cancelError) = await VodProcess.RunAsync(_work, Environment(), "cancel", url);
        var (afterExit, after, _) = await VodProcess.RunAsync(_work, Environment(), "checkpoints");
        _emulator.Faults.PullQueueGate.Release();

        // Assert
        Assert.True(pullExit == 3, pullError);
        Assert.Equal(0, listExit);
        var job = JsonDocument.Parse(listed.Trim()).RootElement;
        Assert.Equal(("pullJob", "http://127.0.0.1:9/media/queued.mp4", "PENDING"), (job.GetProperty("event").GetString(), job.GetProperty("url").GetString(), job.GetProperty("vodStatus").GetString()));
        var jobId = job.GetProperty("jobId").GetString()!;
        Assert.True(cancelExit == 0, cancelError);
        Assert.Contains($"Stopped watching the pull job {jobId}", cancelled, StringComparison.Ordinal);
        Assert.Contains("may create a video later", cancelled, StringComparison.Ordinal);
        Assert.Equal(0, afterExit);
        Assert.Contains("No unfinished uploads", after, StringComparison.Ordinal);
        Assert.DoesNotContain("cXVldWVk", listed + cancelled + cancelError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pull_vod_cannot_read_fails_with_its_typed_error_and_bad_pull_input_exits_2()
    {
        // Arrange: VOD's download is refused once.
        _emulator.Faults.FailPulls(refuse: 1, fail: 0);
        var url = "http://127.0.0.1:9/media/clip.mp4?sv=2025-01-05&se=2099-01-01T00%3A00%3A00Z&sig=c2VjcmV0";

        // Act
        var (exit, _, stderr) = await VodProcess.RunAsync(_work, Environment(), "pull", url, "--poll-interval", "0.2");
        var (textExit, _, textError) = await VodProcess.RunAsync(_work, Environment(), "pull", "https://example.com/notes.txt");
        var (pathExit, _, pathError) = await VodProcess.RunAsync(_work, Environment(), "pull", "clip.mp4");
        var (tagsExit, _, tagsError) = await VodProcess.RunAsync(_work, Environment(), "pull", "https://example.com/a.mp4", "--tags", string.Join(',', Enumerable.Range(1, 17).Select(i => $"t{i}")));

        // Assert
        Assert.True(exit == 3, stderr);
        Assert.Contains("PullAccessDenied", stderr);
        Assert.DoesNotContain("c2VjcmV0", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(_emulator.State.Media.Values, m => m.Status is "Normal" or "UploadSucc");
        Assert.Equal((2, 2, 2), (textExit, pathExit, tagsExit));
        Assert.Contains("video and audio", textError);
        Assert.Contains("http or https URL", pathError);
        Assert.Contains("17 tags", tagsError);
        Assert.All(new[] { textError, pathError, tagsError }, e => Assert.Single(e.Trim().Split('\n')));
    }

    [Theory]
    [InlineData("http://127.0.0.1:9", "127.0.0.1", "ConnectionError")]
    [InlineData("http://no-such-host.invalid", "no-such-host.invalid", "NameResolutionError")]
    public async Task An_endpoint_that_cannot_be_reached_is_named_in_one_line(string endpoint, string host, string cause)
    {
        var file = File("unreachable.mp4", 10_000);

        var (exit, _, stderr) = await VodProcess.RunAsync(_work, Environment(), "upload", file, "--vod-endpoint", endpoint, "--step-retry-count", "0", "--retry-count", "0");

        Assert.Equal(3, exit);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.Contains($"({host})", stderr, StringComparison.Ordinal);
        Assert.Contains(cause, stderr, StringComparison.Ordinal);
        Assert.Contains("Nothing was created in VOD; run the same command again.", stderr, StringComparison.Ordinal); // nothing to cancel
        Assert.DoesNotContain("vod cancel", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_folder_uploads_its_matching_files_a_line_each_and_a_second_run_skips_the_finished_ones()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_work, "batch")).FullName;
        Directory.CreateDirectory(Path.Combine(folder, "sub"));
        foreach (var (name, size) in new[] { ("a.mp4", 300_000), ("sub/b.mp3", 200_000), ("c.png", 1000), ("notes.txt", 10), ("d.mov", 150_000) })
        {
            var data = new byte[size];
            new Random(size).NextBytes(data);
            System.IO.File.WriteAllBytes(Path.Combine(folder, name), data);
        }

        var (firstExit, first, firstError) = await VodProcess.RunAsync(_work, Environment(), "upload", folder, "-j", "2", "--exclude", "d*");
        var (secondExit, second, _) = await VodProcess.RunAsync(_work, Environment(), "upload", folder);

        Assert.True(firstExit == 0, firstError);
        Assert.Matches("uploaded +a\\.mp4", first);
        Assert.Matches("uploaded +sub/b\\.mp3", first);
        Assert.DoesNotContain("c.png", first);
        Assert.DoesNotContain("d.mov", first);
        Assert.Contains("2 uploaded", first);
        Assert.Equal(0, secondExit);
        Assert.Matches("skipped +a\\.mp4", second);
        Assert.Matches("uploaded +d\\.mov", second);
        Assert.Contains("1 uploaded (146.5 KiB), 2 skipped, 0 failed", second);
        Assert.Equal(3, _emulator.State.Media.Count);
    }

    [Fact]
    public async Task An_image_extension_that_contradicts_the_files_bytes_is_refused()
    {
        var png = Path.Combine(_work, "shot.png");
        System.IO.File.WriteAllBytes(png, [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, .. new byte[5000]]);

        var (exit, _, stderr) = await VodProcess.RunAsync(_work, Environment(), "image", png, "--image-ext", "jpg");
        var (pngExit, _, pngError) = await VodProcess.RunAsync(_work, Environment(), "image", png);

        Assert.Equal(2, exit);
        Assert.Contains("PNG image, not 'jpg'", stderr);
        Assert.True(pngExit == 0, pngError);
        Assert.Single(_emulator.State.Media);
    }

    [Fact]
    public async Task A_field_vod_refuses_is_a_usage_error_with_exit_2()
    {
        var file = File("tags.mp4", 1000);

        var tags = string.Join(',', Enumerable.Range(1, 17).Select(i => $"t{i}"));

        var (exit, _, stderr) = await VodProcess.RunAsync(_work, Environment(), "upload", file, "--tags", tags);
        var (uploadedExit, _, _) = await VodProcess.RunAsync(_work, Environment(), "upload", file);
        var (againExit, _, againError) = await VodProcess.RunAsync(_work, Environment(), "upload", file, "--tags", tags);
        var (jsonExit, jsonOut, _) = await VodProcess.RunAsync(_work, Environment(), "upload", Path.Combine(_work, "missing.mp4"), "--json");

        // The option is named with its rule, once, before anything is sent; also for a file already uploaded.
        Assert.Equal(2, exit);
        Assert.StartsWith("--tags has 17 tags; the limit is 16.", stderr.Trim(), StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter", stderr, StringComparison.Ordinal);
        Assert.Equal(0, uploadedExit);
        Assert.Single(_emulator.State.Media);
        Assert.True(againExit == 2, againError);
        Assert.Contains("--tags", againError, StringComparison.Ordinal);
        // Under --json a usage error is also a failed event on stdout.
        Assert.Equal(2, jsonExit);
        var failed = JsonDocument.Parse(jsonOut).RootElement;
        Assert.Equal(("failed", "Usage"), (failed.GetProperty("event").GetString(), failed.GetProperty("code").GetString()));
        Assert.Contains("does not exist", failed.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_touched_file_says_where_the_unfinished_upload_of_its_earlier_version_is()
    {
        var file = File("touched.mp4", 1024 * 1024, seed: 12);
        _emulator.Faults.FailUploadParts(0, 1.0, 403, Emulator.State.PartFailureMode.Status, "AccessDenied");
        await VodProcess.RunAsync(_work, Environment(), "upload", file, "--part-size", "256KiB");
        _emulator.Faults.Reset();
        System.IO.File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddMinutes(1));

        var (exit, _, stderr) = await VodProcess.RunAsync(_work, Environment(), "upload", file, "--part-size", "256KiB");

        Assert.Equal(0, exit);
        Assert.Contains("earlier version", stderr);
        Assert.Contains("vod cancel --key ", stderr);
    }

    [Fact]
    public async Task A_failed_upload_exits_3_with_the_error_code_and_keeps_the_checkpoint()
    {
        var file = File("denied.mp4", 2 * 1024 * 1024);
        _emulator.Faults.FailUploadParts(0, 1.0, 403, Emulator.State.PartFailureMode.Status, "AccessDenied");

        var (exit, _, stderr) = await VodProcess.RunAsync(_work, Environment(), "upload", file, "--part-size", "512KiB");

        Assert.Equal(3, exit);
        Assert.Contains("AccessDenied", stderr);
        Assert.Contains("127.0.0.1", stderr);
        Assert.Contains("vod cancel", stderr);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(stderr, "AccessDenied:"));
        Assert.Single(Directory.GetFiles(CheckpointFolder, "*.json"));
    }

    [Fact]
    public async Task Completion_offers_commands_options_and_accepted_values()
    {
        var (scriptExit, script, _) = await VodProcess.RunAsync(_work, Environment(), "completion", "bash");
        // What the bash script sends: the cursor position and the whole line.
        Task<(int, string, string)> Suggest(string line) => VodProcess.RunAsync(_work, Environment(), $"[suggest:{line.Length}]", line);
        var (_, commands, _) = await Suggest("vod ca");
        var (_, options, _) = await Suggest("vod upload --pa");
        var (_, values, _) = await Suggest("vod image a.png --image-type ");

        Assert.Equal(0, scriptExit);
        Assert.Contains("complete -o default -F _vod_complete vod", script);
        Assert.Contains("cancel", commands.Split('\n'));
        Assert.DoesNotContain("upload", commands.Split('\n'));
        Assert.Contains("--parallel", options.Split('\n'));
        Assert.Contains("--part-size", options.Split('\n'));
        Assert.Equal(["cover", "default", "watermark"], values.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());
    }

    [Fact]
    public async Task On_a_terminal_the_live_display_shows_the_phases_and_the_summary_follows_it()
    {
        var file = File("terminal.mp4", 2 * 1024 * 1024, seed: 14);

        var (exit, screen) = await VodProcess.RunInTerminalAsync(_work, Environment(), "upload", file, "--part-size", "256KiB");

        Assert.True(exit == 0, screen);
        Assert.Contains("\u001b[", screen); // drawn in place, not as plain lines
        Assert.Contains("uploading", screen);
        Assert.Contains("completing and verifying CRC-64", screen);
        Assert.Contains("100%", screen);
        var videoId = _emulator.State.Media.Keys.Single();
        Assert.True(screen.LastIndexOf($"VideoId: {videoId}", StringComparison.Ordinal) > screen.LastIndexOf("100%", StringComparison.Ordinal), screen);
        Assert.Contains("Uploaded 2.0 MiB: 2.0 MiB sent", screen);
    }

    [Fact]
    public async Task Something_unforeseen_prints_one_line_naming_a_log_that_holds_the_details_and_exits_1()
    {
        // A state folder no command expects: the upload history is a folder, not a file.
        var file = File("unforeseen.mp4", 10_000);
        Directory.CreateDirectory(Path.Combine(StateHome, "vod", "history.jsonl"));

        var (exit, _, stderr) = await VodProcess.RunAsync(_work, Environment(), "upload", file, "--user-data", "{\"Extend\":{\"secret\":\"do-not-log\"}}");

        Assert.Equal(1, exit);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.DoesNotContain("   at ", stderr);
        var log = System.Text.RegularExpressions.Regex.Match(stderr, "details in (\\S+)\\)").Groups[1].Value;
        Assert.StartsWith(Path.Combine(StateHome, "vod", "logs"), log, StringComparison.Ordinal);
        var details = System.IO.File.ReadAllText(log);
        Assert.Contains("   at ", details); // the stack trace is in the file
        Assert.DoesNotContain("do-not-log", details); // the arguments are not
    }

    [Fact]
    public async Task The_log_file_holds_the_engine_events_of_the_upload_and_no_secret()
    {
        var file = File("logged.mp4", 1024 * 1024, seed: 15);
        var logFile = Path.Combine(_work, "logs", "run.log");

        var (exit, stdout, stderr) = await VodProcess.RunAsync(_work, Environment(), "upload", file, "--part-size", "256KiB", "--log-file", logFile);
        var (defaultExit, _, _) = await VodProcess.RunAsync(_work, Environment(), "upload", File("default.mp4", 1000, seed: 16));

        Assert.True(exit == 0, stderr);
        var videoId = System.Text.RegularExpressions.Regex.Match(stdout, "VideoId: ([0-9a-f]+)").Groups[1].Value;
        var lines = System.IO.File.ReadAllLines(logFile).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal("command", lines[0].GetProperty("event").GetString());
        var ids = lines.Where(l => l.TryGetProperty("eventId", out _)).Select(l => l.GetProperty("eventId").GetInt32()).ToList();
        Assert.Contains(1001, ids); // started
        Assert.Equal(4, ids.Count(id => id == 1011)); // each part stored
        var completed = lines.Single(l => l.TryGetProperty("eventId", out var id) && id.GetInt32() == 1005);
        Assert.Equal(videoId, completed.GetProperty("fields").GetProperty("MediaId").GetString());
        // Each part line carries its step's scope as fields: the step, the media and the part range.
        var stored = lines.First(l => l.TryGetProperty("eventId", out var id) && id.GetInt32() == 1011);
        Assert.Equal("UploadParts", stored.GetProperty("scope").GetProperty("Step").GetString());
        Assert.Equal(videoId, stored.GetProperty("scope").GetProperty("MediaId").GetString());
        Assert.Equal("1", stored.GetProperty("scope").GetProperty("FirstPart").GetString());
        var text = System.IO.File.ReadAllText(logFile);
        Assert.DoesNotContain(_emulator.Options.AccessKeySecret, text, StringComparison.Ordinal);
        Assert.DoesNotContain("SecurityToken", text, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, defaultExit);
        Assert.Single(Directory.GetFiles(Path.Combine(StateHome, "vod", "logs"), "vod-*.log"));
    }

    [Fact]
    public async Task Content_md5_is_sent_only_when_asked_for()
    {
        var plain = File("plain.mp4", 1024 * 1024, seed: 17);
        var hashed = File("hashed.mp4", 1024 * 1024, seed: 18);

        var (plainExit, _, plainError) = await VodProcess.RunAsync(_work, Environment(), "upload", plain, "--part-size", "256KiB");
        var (hashedExit, _, hashedError) = await VodProcess.RunAsync(_work, Environment(), "upload", hashed, "--part-size", "256KiB", "--content-md5");

        Assert.True(plainExit == 0, plainError);
        Assert.True(hashedExit == 0, hashedError);
        var withMd5 = _emulator.State.PartUploadsWithContentMd5;
        var uploads = _emulator.State.PartUploadsReceived.Keys.ToList();
        Assert.Equal(2, uploads.Count);
        Assert.Equal(4, uploads.Sum(u => withMd5.GetValueOrDefault(u)));
        Assert.Contains(uploads, u => withMd5.GetValueOrDefault(u) == 0);
    }
}
