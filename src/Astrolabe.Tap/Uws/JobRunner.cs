using System.Collections.Concurrent;
using System.Threading.Channels;
using Astrolabe.Tap.Output;
using Astrolabe.Tap.Query;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Astrolabe.Tap.Uws;

/// <summary>Runs queued asynchronous jobs (a few at a time), writes their results under
/// <c>&lt;DataRoot&gt;/tap/results/&lt;job&gt;/</c>, aborts them on request, and destroys expired jobs.
/// After a restart, jobs that were queued or executing are queued again.</summary>
internal sealed class JobRunner(TapService tap, JobStore store, ILogger<JobRunner> logger) : BackgroundService
{
    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>();
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _running = new();

    public string JobDirectory(string id) => Path.Combine(tap.Options.ResultsDirectory, id);

    public void Enqueue(string id) => _queue.Writer.TryWrite(id);

    /// <summary>Stops a running job in the database; true when it was running here.</summary>
    public bool Abort(string id)
    {
        if (_running.TryGetValue(id, out var cts))
        {
            cts.Cancel();
            return true;
        }
        return false;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // Start-up (TapStartup) has created the job table by the time hosted services run this.
            foreach (var job in await store.InPhasesAsync(stoppingToken, UwsPhase.Queued, UwsPhase.Executing))
            {
                if (job.Phase == UwsPhase.Executing)
                {
                    await store.UpdateAsync(job with { Phase = UwsPhase.Queued, StartTime = null }, stoppingToken);
                }
                Enqueue(job.Id);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Could not re-queue asynchronous jobs after start-up");
        }
        var workers = Enumerable.Range(0, tap.Options.MaxRunningJobs).Select(_ => WorkAsync(stoppingToken)).ToList();
        workers.Add(DestroyExpiredAsync(stoppingToken));
        try
        {
            await Task.WhenAll(workers);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        await foreach (var id in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await RunAsync(id, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Job {Job} failed unexpectedly", id);
            }
        }
    }

    private async Task RunAsync(string id, CancellationToken stoppingToken)
    {
        var job = await store.GetAsync(id, stoppingToken);
        if (job is null || job.Phase != UwsPhase.Queued)
        {
            return;
        }
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        _running[id] = abort;
        try
        {
            var executing = job with { Phase = UwsPhase.Executing, StartTime = DateTime.UtcNow };
            if (!await store.UpdateAsync(executing, stoppingToken, UwsPhase.Queued))
            {
                return;
            }
            var limit = job.ExecutionDuration > 0 ? job.ExecutionDuration : tap.Options.AsyncMaxTimeoutSeconds;
            var directory = JobDirectory(id);
            Directory.CreateDirectory(directory);
            var parameters = new TapParameters(new Dictionary<string, string>(job.Parameters),
                new Dictionary<string, string>(job.UploadFiles));
            UwsJob finished;
            try
            {
                await using var execution = await QueryExecution.StartAsync(tap, parameters, TimeSpan.FromSeconds(limit),
                    directory, abort.Token);
                var file = "result." + execution.Format.Extension;
                var temporary = Path.Combine(directory, file + ".part");
                ResultSummary summary;
                await using (var output = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
                {
                    summary = await execution.WriteAsync(output, new ResultContext(execution.Adql, id));
                }
                File.Move(temporary, Path.Combine(directory, file), overwrite: true);
                finished = executing with
                {
                    Phase = summary.Failure is null ? UwsPhase.Completed : UwsPhase.Error,
                    Error = summary.Failure,
                    EndTime = DateTime.UtcNow,
                    ResultRows = summary.Rows,
                    Overflow = summary.Overflow,
                    ResultType = execution.Format.MediaType,
                    ResultFile = file,
                };
            }
            catch (TapException ex)
            {
                finished = executing with { Phase = UwsPhase.Error, Error = ex.Message, EndTime = DateTime.UtcNow };
            }
            catch (OperationCanceledException) when (abort.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
            {
                finished = executing with { Phase = UwsPhase.Aborted, EndTime = DateTime.UtcNow };
            }
            if (abort.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
            {
                finished = finished with { Phase = UwsPhase.Aborted, Error = null };
            }
            // A job aborted or deleted meanwhile keeps that state: only an executing job is finished here.
            await store.UpdateAsync(finished, CancellationToken.None, UwsPhase.Executing);
            DeleteUploads(job);
        }
        finally
        {
            _running.TryRemove(id, out _);
        }
    }

    public static void DeleteUploads(UwsJob job)
    {
        foreach (var file in job.UploadFiles.Values)
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>Deletes a job's files (results and uploads).</summary>
    public void DeleteFiles(UwsJob job)
    {
        DeleteUploads(job);
        var directory = JobDirectory(job.Id);
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private async Task DestroyExpiredAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1));
        do
        {
            try
            {
                foreach (var job in await store.ExpiredAsync(DateTime.UtcNow, stoppingToken))
                {
                    Abort(job.Id);
                    await store.DeleteAsync(job.Id, stoppingToken);
                    DeleteFiles(job);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Destroying expired jobs failed; will retry");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
