using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Vod.Functions.Tests;

/// <summary>
/// The test host's client with the start refused, as a backend that deduplicates instance ids refuses a racing start
/// (the in-memory test backend accepts a duplicate silently, so the race cannot be had from it). With
/// <see cref="AnotherStartWins"/> a concurrent start got there first: the instance is created, then this start is
/// refused. Without it the backend refuses for another reason and no instance exists.
/// </summary>
internal sealed class RefusingClient(DurableTaskClient inner) : DurableTaskClient(inner.Name)
{
    public bool AnotherStartWins { get; init; }

    public int Refused { get; private set; }

    public override async Task<string> ScheduleNewOrchestrationInstanceAsync(TaskName orchestratorName, object? input = null, StartOrchestrationOptions? options = null, CancellationToken cancellation = default)
    {
        if (AnotherStartWins)
        {
            await inner.ScheduleNewOrchestrationInstanceAsync(orchestratorName, input, options, cancellation);
        }

        Refused++;
        throw new InvalidOperationException(AnotherStartWins ? "An orchestration with this instance id already exists." : "The task hub is not available.");
    }

    public override Task<OrchestrationMetadata?> GetInstancesAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
        inner.GetInstancesAsync(instanceId, getInputsAndOutputs, cancellation);

    public override AsyncPageable<OrchestrationMetadata> GetAllInstancesAsync(OrchestrationQuery? filter = null) => inner.GetAllInstancesAsync(filter);

    public override Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default) =>
        inner.RaiseEventAsync(instanceId, eventName, eventPayload, cancellation);

    public override Task<OrchestrationMetadata> WaitForInstanceStartAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
        inner.WaitForInstanceStartAsync(instanceId, getInputsAndOutputs, cancellation);

    public override Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
        inner.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs, cancellation);

    public override Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) => inner.SuspendInstanceAsync(instanceId, reason, cancellation);

    public override Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) => inner.ResumeInstanceAsync(instanceId, reason, cancellation);

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
