namespace Vod.Alibaba.Errors;

/// <summary>A request was refused before it was sent because a field breaks the service's documented rules.</summary>
public sealed class AlibabaRequestValidationException : ArgumentException
{
    /// <summary>Creates the exception for <paramref name="field"/>.</summary>
    public AlibabaRequestValidationException(string operation, string field, string problem)
        : base($"{operation}: {field} {problem}", field)
    {
        Operation = operation;
        Field = field;
        Problem = problem;
    }

    /// <summary>The operation that was being built.</summary>
    public string Operation { get; }

    /// <summary>The request field at fault, e.g. <c>Title</c>.</summary>
    public string Field { get; }

    /// <summary>What is wrong with it.</summary>
    public string Problem { get; }

    /// <summary>The operation, the field and the problem — without <see cref="ArgumentException"/>'s "(Parameter '…')" suffix, since users read it.</summary>
    public override string Message => $"{Operation}: {Field} {Problem}";
}
