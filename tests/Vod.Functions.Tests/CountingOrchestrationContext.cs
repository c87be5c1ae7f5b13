using System.Collections.Concurrent;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Entities;
using Microsoft.Extensions.Logging;

namespace Vod.Functions.Tests;

/// <summary>
/// Delegates everything to the engine's context and counts, per instance, the durable actions the orchestrator
/// schedules outside replay (activities, sub-orchestrations, timers, event waits, sent events): each one puts two
/// events in the history.
/// </summary>
public sealed class CountingOrchestrationContext(TaskOrchestrationContext inner, ConcurrentDictionary<string, int> actions) : TaskOrchestrationContext
{
    private void Count()
    {
        if (!inner.IsReplaying)
        {
            actions.AddOrUpdate(inner.InstanceId, 1, (_, n) => n + 1);
        }
    }

    public override TaskName Name => inner.Name;

    public override string InstanceId => inner.InstanceId;

    public override ParentOrchestrationInstance? Parent => inner.Parent;

    public override DateTime CurrentUtcDateTime => inner.CurrentUtcDateTime;

    public override bool IsReplaying => inner.IsReplaying;

    public override string Version => inner.Version;

    public override IReadOnlyDictionary<string, object?> Properties => inner.Properties;

    public override TaskOrchestrationEntityFeature Entities => inner.Entities;

    protected override ILoggerFactory LoggerFactory => Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;

    public override Task<TResult> CallActivityAsync<TResult>(TaskName name, object? input = null, TaskOptions? options = null)
    {
        Count();
        return inner.CallActivityAsync<TResult>(name, input, options);
    }

    public override Task<TResult> CallSubOrchestratorAsync<TResult>(TaskName orchestratorName, object? input = null, TaskOptions? options = null)
    {
        Count();
        return inner.CallSubOrchestratorAsync<TResult>(orchestratorName, input, options);
    }

    public override Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken)
    {
        Count();
        return inner.CreateTimer(fireAt, cancellationToken);
    }

    public override Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default)
    {
        Count();
        return inner.WaitForExternalEvent<T>(eventName, cancellationToken);
    }

    public override void SendEvent(string instanceId, string eventName, object payload)
    {
        Count();
        inner.SendEvent(instanceId, eventName, payload);
    }

    public override T? GetInput<T>() where T : default => inner.GetInput<T>();

    public override void SetCustomStatus(object? customStatus) => inner.SetCustomStatus(customStatus);

    public override void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true) => inner.ContinueAsNew(newInput, preserveUnprocessedEvents);

    public override Guid NewGuid() => inner.NewGuid();
}
