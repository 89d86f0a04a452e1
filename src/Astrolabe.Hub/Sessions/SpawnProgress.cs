namespace Astrolabe.Hub.Sessions;

/// <summary>One step of a server's start, in the shape JupyterHub's progress stream uses.</summary>
public sealed record ProgressEvent(int Progress, string Message, bool Ready = false, bool Failed = false, string? Url = null);

/// <summary>The events of one start, readable from the beginning by any number of listeners while it runs.</summary>
public sealed class SpawnProgress
{
    private readonly List<ProgressEvent> _events = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool Finished { get; private set; }

    public void Add(ProgressEvent e)
    {
        TaskCompletionSource done;
        lock (_events)
        {
            if (Finished) return;
            _events.Add(e);
            Finished = e.Ready || e.Failed;
            done = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        done.TrySetResult();
    }

    public ProgressEvent? Last { get { lock (_events) return _events.Count > 0 ? _events[^1] : null; } }

    /// <summary>Every event so far, then each new one until the start is ready or failed.</summary>
    public async IAsyncEnumerable<ProgressEvent> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var next = 0;
        while (true)
        {
            ProgressEvent[] batch;
            Task wait;
            bool finished;
            lock (_events)
            {
                batch = _events.Skip(next).ToArray();
                next = _events.Count;
                wait = _changed.Task;
                finished = Finished;
            }
            foreach (var e in batch) yield return e;
            if (finished) yield break;
            await wait.WaitAsync(ct);
        }
    }
}
