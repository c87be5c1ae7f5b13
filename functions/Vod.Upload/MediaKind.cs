using Vod.Alibaba.VodApi;

namespace Vod.Upload;

/// <summary>What VOD makes of a file: a video (or audio) or an image.</summary>
public enum MediaKind
{
    /// <summary>Video or audio: CreateUploadVideo, refreshable, multipart.</summary>
    Video,

    /// <summary>Image: CreateUploadImage, one PutObject, re-created when its credential expires.</summary>
    Image,
}

/// <summary>Decides the media kind from a file name.</summary>
public static class MediaKinds
{
    /// <summary>The kind for <paramref name="fileName"/>'s extension.</summary>
    /// <exception cref="UploadException">VOD takes no file with this extension (<see cref="UploadErrorCodes.UnsupportedMedia"/>).</exception>
    public static MediaKind FromFileName(string fileName)
    {
        var extension = VodMediaRules.ExtensionOf(fileName);
        if (VodMediaRules.IsVideoOrAudio(extension))
        {
            return MediaKind.Video;
        }

        if (VodMediaRules.ImageExtensions.Contains(extension))
        {
            return MediaKind.Image;
        }

        throw new UploadException(UploadErrorCodes.UnsupportedMedia,
            extension.Length == 0
                ? $"'{fileName}' has no extension; VOD needs one to know the format."
                : $"'.{extension}' is not a format VOD accepts (video: mp4, mov, mkv …; audio: mp3, wav …; image: png, jpg, jpeg, gif).",
            UploadErrorKind.Fatal);
    }
}
