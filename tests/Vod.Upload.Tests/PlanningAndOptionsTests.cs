using Vod.Upload.Checkpoints;
using Vod.Upload.Sources;

namespace Vod.Upload.Tests;

public sealed class PlanningAndOptionsTests
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public void Zero_bytes_are_refused()
    {
        Assert.Equal(UploadErrorCodes.EmptySource, Assert.Throws<UploadException>(() => PartPlan.For(0, null)).Code);
    }

    [Fact]
    public void One_byte_is_a_single_put()
    {
        var plan = PartPlan.For(1, null);

        Assert.True(plan.SinglePut);
        Assert.Equal((0L, 1L), plan.Range(1));
    }

    [Fact]
    public void Exactly_one_part_is_a_single_put_and_one_more_byte_makes_two_parts()
    {
        Assert.True(PartPlan.For(8 * MiB, null).SinglePut);
        var two = PartPlan.For(8 * MiB + 1, null);
        Assert.False(two.SinglePut);
        Assert.Equal(2, two.PartCount);
        Assert.Equal((8 * MiB, 1L), two.Range(2));
    }

    [Fact]
    public void The_part_size_is_raised_so_no_file_needs_more_than_10000_parts()
    {
        var atLimit = PartPlan.For(10_000 * MiB, MiB);
        var overLimit = PartPlan.For(10_000 * MiB + 1, MiB);

        Assert.Equal(10_000, atLimit.PartCount);
        Assert.Equal(MiB, atLimit.PartSize);
        Assert.True(overLimit.PartSize > MiB);
        Assert.True(overLimit.PartCount <= 10_000);
        Assert.Equal(overLimit.TotalSize, Enumerable.Range(1, overLimit.PartCount).Sum(n => overLimit.Range(n).Length));
    }

    [Fact]
    public void A_part_larger_than_one_buffer_is_refused_at_planning_with_a_clear_error()
    {
        // 2 GiB and more cannot be read into one buffer: refused up front, never an overflow mid-upload.
        var planned = Assert.Throws<UploadException>(() => PartPlan.For(10L * 1024 * MiB, 2L * 1024 * MiB));
        var option = Assert.Throws<ArgumentOutOfRangeException>(new UploadOptions { PartSize = 3L * 1024 * MiB }.Validate);

        Assert.Equal(UploadErrorCodes.InvalidRequest, planned.Code);
        Assert.Equal(UploadErrorKind.Fatal, planned.Kind);
        Assert.Contains("2 GiB", planned.Message, StringComparison.Ordinal);
        Assert.Equal(nameof(UploadOptions.PartSize), option.ParamName);
        Assert.Equal(UploadOptions.MaxPartSize, PartPlan.For(10L * 1024 * MiB, UploadOptions.MaxPartSize).PartSize);
    }

    [Fact]
    public void Parts_are_capped_at_one_buffer_so_the_largest_object_is_refused_clearly()
    {
        var largest = PartPlan.For(10_000L * UploadOptions.MaxPartSize, null);
        Assert.Equal(UploadOptions.MaxPartSize, largest.PartSize);

        Assert.Equal(UploadErrorCodes.SourceTooLarge, Assert.Throws<UploadException>(() => PartPlan.For(10_000L * UploadOptions.MaxPartSize + 1, null)).Code);
    }

    [Fact]
    public void Images_are_always_one_put()
    {
        var plan = PartPlan.For(50 * MiB, MiB, MediaKind.Image);

        Assert.True(plan.SinglePut);
        Assert.Equal(1, plan.PartCount);
    }

    [Theory]
    [InlineData(nameof(UploadOptions.PartSize))]
    [InlineData(nameof(UploadOptions.Parallel))]
    [InlineData(nameof(UploadOptions.RetryCount))]
    [InlineData(nameof(UploadOptions.RetryDuration))]
    [InlineData(nameof(UploadOptions.CredentialRefreshMargin))]
    [InlineData(nameof(UploadOptions.StepRetryCount))]
    public void Each_option_is_validated_and_named(string name)
    {
        var options = name switch
        {
            nameof(UploadOptions.PartSize) => new UploadOptions { PartSize = 99 * 1024 },
            nameof(UploadOptions.Parallel) => new UploadOptions { Parallel = 0 },
            nameof(UploadOptions.RetryCount) => new UploadOptions { RetryCount = -1 },
            nameof(UploadOptions.RetryDuration) => new UploadOptions { RetryDuration = TimeSpan.FromMinutes(6) },
            nameof(UploadOptions.CredentialRefreshMargin) => new UploadOptions { CredentialRefreshMargin = TimeSpan.FromHours(1) },
            _ => new UploadOptions { StepRetryCount = 11 },
        };

        var error = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
        Assert.Equal(name, error.ParamName);
    }

    [Fact]
    public void Defaults_are_the_documented_ones()
    {
        var options = new UploadOptions();
        options.Validate();

        Assert.Null(options.PartSize);
        Assert.Equal(5, options.Parallel);
        Assert.Equal(3, options.RetryCount);
        Assert.Equal(TimeSpan.FromSeconds(2), options.RetryDuration);
        Assert.Equal(3, options.StepRetryCount);
        Assert.Equal(8 * MiB, PartPlan.For(100 * MiB, options.PartSize).PartSize);
    }

    [Theory]
    [InlineData("a.MP4", MediaKind.Video)]
    [InlineData("song.flac", MediaKind.Video)]
    [InlineData("dir/cover.JPEG", MediaKind.Image)]
    public void Media_kind_comes_from_the_extension(string name, MediaKind kind)
    {
        Assert.Equal(kind, MediaKinds.FromFileName(name));
    }

    [Theory]
    [InlineData("report.pdf")]
    [InlineData("noextension")]
    public void Unsupported_files_get_a_clear_error(string name)
    {
        var error = Assert.Throws<UploadException>(() => MediaKinds.FromFileName(name));
        Assert.Equal(UploadErrorCodes.UnsupportedMedia, error.Code);
        Assert.Equal(UploadErrorKind.Fatal, error.Kind);
    }

    [Fact]
    public void Checkpoint_keys_come_from_the_source_identity_not_the_file_name_alone()
    {
        var a = UploadCheckpoint.KeyFor(new SourceIdentity(SourceKind.AzureBlob, "in/movie.mp4", "\"0x1\"", 10));
        var otherVersion = UploadCheckpoint.KeyFor(new SourceIdentity(SourceKind.AzureBlob, "in/movie.mp4", "\"0x2\"", 10));
        var otherFolder = UploadCheckpoint.KeyFor(new SourceIdentity(SourceKind.AzureBlob, "other/movie.mp4", "\"0x1\"", 10));

        Assert.StartsWith("movie.mp4-", a);
        Assert.NotEqual(a, otherVersion);
        Assert.NotEqual(a, otherFolder);
        Assert.Equal(a, UploadCheckpoint.KeyFor(new SourceIdentity(SourceKind.AzureBlob, "in/movie.mp4", "\"0x1\"", 10)));
        Assert.Matches("^[a-z0-9.-]+$", UploadCheckpoint.KeyFor(new SourceIdentity(SourceKind.LocalFile, "/tmp/视频 (1)/片.mov", "1@2", 1)));
        Assert.Equal(a, UploadCheckpoint.KeyFor(SourceReference.FromBlob("in", "movie.mp4", "\"0x1\"")));
        Assert.Throws<ArgumentException>(() => UploadCheckpoint.KeyFor(SourceReference.FromBlob("in", "movie.mp4")));
    }
}
