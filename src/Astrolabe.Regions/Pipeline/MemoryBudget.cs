namespace Astrolabe.Regions.Pipeline;

/// <summary>Bytes of working memory shared by the cubes in flight: a worker waits until its cube fits. A cube larger than
/// the whole budget waits until it can run alone.</summary>
internal sealed class MemoryBudget
{
    private readonly object _gate = new();
    private long _available;
    private TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public MemoryBudget(long totalBytes)
    {
        TotalBytes = Math.Max(1, totalBytes);
        _available = TotalBytes;
    }

    public long TotalBytes { get; }

    /// <summary>Takes <paramref name="bytes"/> (capped at the total) and returns how much was taken, to give back later.</summary>
    public async Task<long> AcquireAsync(long bytes, CancellationToken cancellationToken)
    {
        long wanted = Math.Clamp(bytes, 0, TotalBytes);
        while (true)
        {
            Task wait;
            lock (_gate)
            {
                if (_available >= wanted)
                {
                    _available -= wanted;
                    return wanted;
                }
                wait = _released.Task;
            }
            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Release(long bytes)
    {
        TaskCompletionSource released;
        lock (_gate)
        {
            _available += bytes;
            released = _released;
            _released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        released.SetResult();
    }
}
