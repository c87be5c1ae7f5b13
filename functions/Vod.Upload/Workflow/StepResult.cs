namespace Vod.Upload.Workflow;

/// <summary>A step's answer: its value, or why it failed. Serializable, so an activity can return it.</summary>
/// <typeparam name="T">The step's value.</typeparam>
/// <param name="Value">The value, when the step succeeded.</param>
/// <param name="Failure">The failure, when it did not.</param>
public sealed record StepResult<T>(T? Value, UploadFailure? Failure);

/// <summary>Builds <see cref="StepResult{T}"/>s.</summary>
public static class StepResult
{
    /// <summary>A success.</summary>
    public static StepResult<T> Ok<T>(T value) => new(value, null);

    /// <summary>A failure.</summary>
    public static StepResult<T> Failed<T>(UploadFailure failure) => new(default, failure);
}
