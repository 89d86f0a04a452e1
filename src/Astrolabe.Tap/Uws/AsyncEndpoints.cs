using System.Globalization;
using System.Security.Cryptography;
using Astrolabe.Tap.Query;
using Microsoft.AspNetCore.Http;

namespace Astrolabe.Tap.Uws;

/// <summary>/tap/async: the UWS 1.1 job list and job resources. A job belongs to the user who created it;
/// others get 403 (admins may read and delete any job). Anonymous jobs are reachable by their unguessable id.</summary>
internal static class AsyncEndpoints
{
    private const string XmlType = "text/xml; charset=utf-8";

    public static async Task ListAsync(HttpContext http, TapService tap, JobStore store)
    {
        if (!await TapHttp.CheckAllowedAsync(http, tap))
        {
            return;
        }
        var user = TapUser.From(http);
        var query = http.Request.Query;
        var phases = query.Where(q => q.Key.Equals("PHASE", StringComparison.OrdinalIgnoreCase))
            .SelectMany(q => q.Value).Select(v => v!.ToUpperInvariant()).ToList();
        var unknown = phases.FirstOrDefault(p => !UwsPhase.All.Contains(p));
        if (unknown is not null)
        {
            await TapHttp.TextAsync(http, $"PHASE={unknown} is not a UWS phase ({string.Join(", ", UwsPhase.All)}).", 400);
            return;
        }
        DateTime? after = null;
        if (Get(query, "AFTER") is { } afterText)
        {
            if (!DateTime.TryParse(afterText, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var a))
            {
                await TapHttp.TextAsync(http, $"AFTER={afterText} is not an ISO 8601 time.", 400);
                return;
            }
            after = a;
        }
        int? last = null;
        if (Get(query, "LAST") is { } lastText)
        {
            if (!int.TryParse(lastText, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n <= 0)
            {
                await TapHttp.TextAsync(http, $"LAST={lastText} is not a positive integer.", 400);
                return;
            }
            last = n;
        }
        // Anonymous callers cannot be told apart, so they are shown no jobs.
        IReadOnlyList<UwsJob> jobs = user.Name is null ? [] : await store.ListAsync(user.Name, phases, after, last, http.RequestAborted);
        await TapHttp.TextAsync(http, UwsXml.JobList(jobs, TapHttp.BaseUrl(http.Request) + "/async"), 200, XmlType);
    }

    private static string? Get(IQueryCollection query, string name) =>
        query.FirstOrDefault(q => q.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value.FirstOrDefault();

    public static async Task CreateAsync(HttpContext http, TapService tap, JobStore store, JobRunner runner)
    {
        if (!await TapHttp.CheckAllowedAsync(http, tap))
        {
            return;
        }
        var id = NewId();
        TapParameters parameters;
        try
        {
            parameters = await TapParameters.ReadAsync(http.Request, runner.JobDirectory(id), tap.Options.MaxUploadBytes,
                http.RequestAborted);
            _ = parameters.MaxRec;
            if (parameters.Query is { } q && q.Length > tap.Options.MaxQueryLength)
            {
                throw new TapException($"The query is {q.Length} characters long; this service accepts at most {tap.Options.MaxQueryLength}.", 413);
            }
        }
        catch (TapException ex)
        {
            await TapHttp.ErrorAsync(http, ex.Status, ex.Message);
            return;
        }
        var now = DateTime.UtcNow;
        var phase = parameters["PHASE"];
        var values = parameters.Values.Where(p => !p.Key.Equals("PHASE", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(p => p.Key.ToUpperInvariant() is var k && IsTapParameter(k) ? k : p.Key, p => p.Value);
        var job = new UwsJob
        {
            Id = id,
            Owner = TapUser.From(http).Name,
            RunId = parameters.RunId,
            Phase = UwsPhase.Pending,
            CreationTime = now,
            ExecutionDuration = tap.Options.AsyncTimeoutSeconds,
            Destruction = now.AddDays(tap.Options.JobLifetimeDays),
            Parameters = values,
            UploadFiles = parameters.UploadFiles,
        };
        if (string.Equals(phase, "RUN", StringComparison.OrdinalIgnoreCase))
        {
            job = job with { Phase = UwsPhase.Queued };
        }
        await store.InsertAsync(job, http.RequestAborted);
        if (job.Phase == UwsPhase.Queued)
        {
            runner.Enqueue(id);
        }
        http.Response.Redirect($"{TapHttp.BaseUrl(http.Request)}/async/{id}");
        http.Response.StatusCode = StatusCodes.Status303SeeOther;
    }

    private static bool IsTapParameter(string upper) =>
        upper is "REQUEST" or "LANG" or "QUERY" or "FORMAT" or "RESPONSEFORMAT" or "MAXREC" or "UPLOAD" or "RUNID" or "VERSION";

    private static string NewId()
    {
        Span<byte> bytes = stackalloc byte[12];
        RandomNumberGenerator.Fill(bytes);
        return Convert.ToHexString(bytes).ToLowerInvariant();
    }

    /// <summary>The job, or null after writing 404/403 with a message.</summary>
    private static async Task<UwsJob?> LoadAsync(HttpContext http, TapService tap, JobStore store, string id)
    {
        if (!await TapHttp.CheckAllowedAsync(http, tap))
        {
            return null;
        }
        var job = await store.GetAsync(id, http.RequestAborted);
        if (job is null)
        {
            await TapHttp.TextAsync(http, $"There is no job '{id}': it never existed, or it was deleted or destroyed.", 404);
            return null;
        }
        var user = TapUser.From(http);
        if (job.Owner is not null && job.Owner != user.Name && !user.IsAdmin)
        {
            await TapHttp.TextAsync(http, user.IsAuthenticated
                ? $"Job '{id}' belongs to another user."
                : $"Job '{id}' belongs to a signed-in user; sign in to reach it.", 403);
            return null;
        }
        return job;
    }

    public static async Task GetJobAsync(HttpContext http, string id, TapService tap, JobStore store)
    {
        var job = await LoadAsync(http, tap, store, id);
        if (job is null)
        {
            return;
        }
        if (Get(http.Request.Query, "WAIT") is { } waitText && UwsPhase.IsActive(job.Phase))
        {
            // UWS 1.1 blocking: wait up to WAIT seconds (capped) for the phase to change.
            if (!int.TryParse(waitText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int wait))
            {
                await TapHttp.TextAsync(http, $"WAIT={waitText} is not an integer number of seconds.", 400);
                return;
            }
            var expected = Get(http.Request.Query, "PHASE")?.ToUpperInvariant();
            if (expected is null || expected == job.Phase)
            {
                var until = DateTime.UtcNow.AddSeconds(wait < 0 ? 60 : Math.Min(wait, 60));
                var startPhase = job.Phase;
                while (DateTime.UtcNow < until && job is not null && job.Phase == startPhase)
                {
                    await Task.Delay(100, http.RequestAborted);
                    job = await store.GetAsync(id, http.RequestAborted);
                }
                if (job is null)
                {
                    await TapHttp.TextAsync(http, $"Job '{id}' was deleted while waiting.", 404);
                    return;
                }
            }
        }
        await TapHttp.TextAsync(http, UwsXml.Job(job, JobUrl(http, id)), 200, XmlType);
    }

    private static string JobUrl(HttpContext http, string id) => $"{TapHttp.BaseUrl(http.Request)}/async/{id}";

    /// <summary>POST to the job: ACTION=DELETE, PHASE=RUN|ABORT, or new parameter values while PENDING.</summary>
    public static async Task PostJobAsync(HttpContext http, string id, TapService tap, JobStore store, JobRunner runner)
    {
        var job = await LoadAsync(http, tap, store, id);
        if (job is null)
        {
            return;
        }
        TapParameters parameters;
        try
        {
            parameters = await TapParameters.ReadAsync(http.Request, runner.JobDirectory(id), tap.Options.MaxUploadBytes, http.RequestAborted);
        }
        catch (TapException ex)
        {
            await TapHttp.TextAsync(http, ex.Message, ex.Status);
            return;
        }
        if (string.Equals(parameters["ACTION"], "DELETE", StringComparison.OrdinalIgnoreCase))
        {
            await DeleteAsync(http, job, store, runner);
            return;
        }
        var updates = parameters.Values
            .Where(p => !p.Key.Equals("PHASE", StringComparison.OrdinalIgnoreCase) && !p.Key.Equals("ACTION", StringComparison.OrdinalIgnoreCase))
            .ToList();
        if (updates.Count > 0 || parameters.UploadFiles.Count > 0)
        {
            if (job.Phase != UwsPhase.Pending)
            {
                await TapHttp.TextAsync(http, $"Job '{id}' is {job.Phase}; parameters can change only while it is PENDING.", 409);
                return;
            }
            var values = new Dictionary<string, string>(job.Parameters, StringComparer.OrdinalIgnoreCase);
            foreach (var (name, value) in updates)
            {
                values[IsTapParameter(name.ToUpperInvariant()) ? name.ToUpperInvariant() : name] = value;
            }
            var uploads = new Dictionary<string, string>(job.UploadFiles);
            foreach (var (name, file) in parameters.UploadFiles)
            {
                uploads[name] = file;
            }
            job = job with { Parameters = values, UploadFiles = uploads, RunId = values.GetValueOrDefault("RUNID") ?? job.RunId };
            await store.UpdateAsync(job, http.RequestAborted, UwsPhase.Pending);
        }
        if (parameters["PHASE"] is { } phase && !await ChangePhaseAsync(http, job, phase, store, runner))
        {
            return;
        }
        http.Response.Redirect(JobUrl(http, id));
        http.Response.StatusCode = StatusCodes.Status303SeeOther;
    }

    private static async Task<bool> ChangePhaseAsync(HttpContext http, UwsJob job, string phase, JobStore store, JobRunner runner)
    {
        switch (phase.ToUpperInvariant())
        {
            case "RUN":
                if (job.Phase == UwsPhase.Pending)
                {
                    if (await store.UpdateAsync(job with { Phase = UwsPhase.Queued }, http.RequestAborted, UwsPhase.Pending))
                    {
                        runner.Enqueue(job.Id);
                    }
                }
                return true;
            case "ABORT":
                if (UwsPhase.IsActive(job.Phase))
                {
                    await store.UpdateAsync(job with { Phase = UwsPhase.Aborted, EndTime = DateTime.UtcNow }, http.RequestAborted,
                        UwsPhase.Pending, UwsPhase.Queued, UwsPhase.Executing);
                    runner.Abort(job.Id);
                }
                return true;
            default:
                await TapHttp.TextAsync(http, $"PHASE={phase} cannot be requested; use PHASE=RUN or PHASE=ABORT.", 400);
                return false;
        }
    }

    public static async Task DeleteJobAsync(HttpContext http, string id, TapService tap, JobStore store, JobRunner runner)
    {
        var job = await LoadAsync(http, tap, store, id);
        if (job is not null)
        {
            await DeleteAsync(http, job, store, runner);
        }
    }

    private static async Task DeleteAsync(HttpContext http, UwsJob job, JobStore store, JobRunner runner)
    {
        runner.Abort(job.Id);
        await store.DeleteAsync(job.Id, http.RequestAborted);
        runner.DeleteFiles(job);
        http.Response.Redirect($"{TapHttp.BaseUrl(http.Request)}/async");
        http.Response.StatusCode = StatusCodes.Status303SeeOther;
    }

    /// <summary>GET of a job property: phase, executionduration, destruction, quote, error, results,
    /// parameters, owner.</summary>
    public static async Task GetPropertyAsync(HttpContext http, string id, string property, TapService tap, JobStore store)
    {
        var job = await LoadAsync(http, tap, store, id);
        if (job is null)
        {
            return;
        }
        switch (property.ToLowerInvariant())
        {
            case "phase":
                await TapHttp.TextAsync(http, job.Phase);
                break;
            case "executionduration":
                await TapHttp.TextAsync(http, job.ExecutionDuration.ToString(CultureInfo.InvariantCulture));
                break;
            case "destruction":
                await TapHttp.TextAsync(http, JobStore.Time(job.Destruction));
                break;
            case "quote":
                await TapHttp.TextAsync(http, "");
                break;
            case "owner":
                await TapHttp.TextAsync(http, job.Owner ?? "");
                break;
            case "runid":
                await TapHttp.TextAsync(http, job.RunId ?? "");
                break;
            case "parameters":
                await TapHttp.TextAsync(http, UwsXml.Parameters(job), 200, XmlType);
                break;
            case "results":
                await TapHttp.TextAsync(http, UwsXml.Results(job, JobUrl(http, id)), 200, XmlType);
                break;
            case "error":
                if (job.Phase != UwsPhase.Error)
                {
                    await TapHttp.TextAsync(http, $"Job '{id}' is {job.Phase}, not ERROR: it has no error.", 404);
                    break;
                }
                await TapHttp.ErrorAsync(http, 200, job.Error ?? "The job failed.");
                break;
            default:
                await TapHttp.TextAsync(http, $"A UWS job has no '{property}' resource.", 404);
                break;
        }
    }

    /// <summary>POST to a job property: phase, executionduration, destruction.</summary>
    public static async Task PostPropertyAsync(HttpContext http, string id, string property, TapService tap, JobStore store, JobRunner runner)
    {
        if (property.Equals("parameters", StringComparison.OrdinalIgnoreCase))
        {
            // UWS 1.1 §2.2.3.4: POSTing to the parameter list sets parameters, like POSTing to the job.
            await PostJobAsync(http, id, tap, store, runner);
            return;
        }
        var job = await LoadAsync(http, tap, store, id);
        if (job is null)
        {
            return;
        }
        var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(http.RequestAborted) : null;
        string? Value(string name) =>
            form?.FirstOrDefault(f => f.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value.FirstOrDefault()
            ?? Get(http.Request.Query, name);
        switch (property.ToLowerInvariant())
        {
            case "phase":
                var phase = Value("PHASE");
                if (phase is null)
                {
                    await TapHttp.TextAsync(http, "POST to phase needs PHASE=RUN or PHASE=ABORT.", 400);
                    return;
                }
                if (!await ChangePhaseAsync(http, job, phase, store, runner))
                {
                    return;
                }
                break;
            case "executionduration":
                var durationText = Value("EXECUTIONDURATION");
                if (!int.TryParse(durationText, NumberStyles.None, CultureInfo.InvariantCulture, out int seconds))
                {
                    await TapHttp.TextAsync(http, $"EXECUTIONDURATION={durationText} is not a whole number of seconds.", 400);
                    return;
                }
                if (job.Phase != UwsPhase.Pending)
                {
                    await TapHttp.TextAsync(http, $"Job '{id}' is {job.Phase}; its execution duration can change only while it is PENDING.", 409);
                    return;
                }
                // 0 (no limit) or more than the hard limit becomes the hard limit.
                int limit = tap.Options.AsyncMaxTimeoutSeconds;
                await store.UpdateAsync(job with { ExecutionDuration = seconds == 0 || seconds > limit ? limit : seconds },
                    http.RequestAborted, UwsPhase.Pending);
                break;
            case "destruction":
                var destructionText = Value("DESTRUCTION");
                if (!DateTime.TryParse(destructionText, CultureInfo.InvariantCulture,
                        DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var destruction))
                {
                    await TapHttp.TextAsync(http, $"DESTRUCTION={destructionText} is not an ISO 8601 time.", 400);
                    return;
                }
                // The service keeps jobs at most JobLifetimeDays after creation.
                var latest = job.CreationTime.AddDays(tap.Options.JobLifetimeDays);
                await store.UpdateAsync(job with { Destruction = destruction > latest ? latest : destruction }, http.RequestAborted);
                break;
            default:
                await TapHttp.TextAsync(http, $"The job resource '{property}' cannot be changed.", 405);
                return;
        }
        http.Response.Redirect(JobUrl(http, id));
        http.Response.StatusCode = StatusCodes.Status303SeeOther;
    }

    public static async Task GetResultAsync(HttpContext http, string id, string result, TapService tap, JobStore store, JobRunner runner)
    {
        var job = await LoadAsync(http, tap, store, id);
        if (job is null)
        {
            return;
        }
        if (result != "result" || job.Phase != UwsPhase.Completed || job.ResultFile is null)
        {
            await TapHttp.TextAsync(http, job.Phase == UwsPhase.Completed
                ? $"Job '{id}' has no result named '{result}'; its result is /results/result."
                : $"Job '{id}' is {job.Phase}: it has no result (yet).", 404);
            return;
        }
        var path = Path.Combine(runner.JobDirectory(id), job.ResultFile);
        if (!File.Exists(path))
        {
            await TapHttp.TextAsync(http, $"The result file of job '{id}' is missing.", 410);
            return;
        }
        http.Response.ContentType = job.ResultType ?? "application/octet-stream";
        await http.Response.SendFileAsync(path, http.RequestAborted);
    }
}
