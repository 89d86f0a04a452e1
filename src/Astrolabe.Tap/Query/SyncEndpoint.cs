using Astrolabe.Tap.Output;
using Microsoft.AspNetCore.Http;

namespace Astrolabe.Tap.Query;

/// <summary>/tap/sync: runs a query and streams its result in the response (TAP 1.1 §2.2).</summary>
internal static class SyncEndpoint
{
    public static async Task HandleAsync(HttpContext http, TapService tap)
    {
        if (!await TapHttp.CheckAllowedAsync(http, tap))
        {
            return;
        }
        var scratch = Path.Combine(tap.Options.DataRoot, "tap", "uploads", Guid.NewGuid().ToString("N"));
        var ct = http.RequestAborted;
        try
        {
            var parameters = await TapParameters.ReadAsync(http.Request, scratch, tap.Options.MaxUploadBytes, ct);
            await using var execution = await QueryExecution.StartAsync(tap, parameters,
                TimeSpan.FromSeconds(tap.Options.SyncTimeoutSeconds), scratch, ct);
            http.Response.StatusCode = StatusCodes.Status200OK;
            http.Response.ContentType = execution.Format.MediaType;
            await execution.WriteAsync(http.Response.Body, new ResultContext(execution.Adql));
        }
        catch (TapException ex)
        {
            await TapHttp.ErrorAsync(http, ex.Status, ex.Message);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away; the query was interrupted in the database.
        }
        catch (IOException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            if (Directory.Exists(scratch))
            {
                Directory.Delete(scratch, recursive: true);
            }
        }
    }
}
