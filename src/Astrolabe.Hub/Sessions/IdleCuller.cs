using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Astrolabe.Hub.Identity;
using Astrolabe.Hub.State;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Astrolabe.Hub.Sessions;

/// <summary>Stops servers nobody is using. A server is idle when neither the proxy nor the server itself has reported
/// activity for `Hub:CullIdleSeconds` *and* none of its kernels is executing — so a long computation with no browser
/// attached is never cut short. Before stopping, the culler asks the server for its kernels (without counting as activity; as the owner, with a
/// token valid for two minutes and revoked with the server).</summary>
public sealed class IdleCuller(HubStore store, ServerSessions sessions, Accounts accounts, HubOptions options, TimeProvider clock,
    ILogger<IdleCuller> log) : BackgroundService
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(10) };

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        if (options.CullIdleSeconds <= 0) return;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.CullCheckSeconds));
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false) is true)
            {
                try { await CullOnceAsync(ct); }
                catch (Exception e) when (e is not OperationCanceledException) { log.LogWarning(e, "Idle culling pass failed"); }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { } // stopping (see HubLifetime)
    }

    /// <summary>One pass over the running servers; returns the ones stopped.</summary>
    public async Task<IReadOnlyList<string>> CullOnceAsync(CancellationToken ct)
    {
        await sessions.FlushActivityAsync(ct);
        var idleSince = clock.GetUtcNow().AddSeconds(-options.CullIdleSeconds);
        var culled = new List<string>();
        foreach (var server in await store.ListLiveServersAsync(ct))
        {
            if (server.State != ServerState.Running || server.Url is null) continue;
            var last = server.LastActivity ?? server.Started ?? DateTimeOffset.MinValue;
            if (last > idleSince) continue;
            var busy = await BusyKernelsAsync(server, ct);
            if (busy is null)
            {
                log.LogInformation("Not culling {User}/{Server}: could not ask it about its kernels", server.UserName, server.Name);
                continue;
            }
            if (busy > 0)
            {
                // Working without a browser: count it as activity so it is looked at again only after another idle period.
                await store.TouchServerActivityAsync(server.UserName, server.Name, clock.GetUtcNow(), ct);
                continue;
            }
            log.LogInformation("Culling {User}/{Server}: idle since {Last:O}", server.UserName, server.Name, last);
            if (await sessions.StopAsync(server.UserName, server.Name, ct)) culled.Add($"{server.UserName}/{server.Name}");
        }
        return culled;
    }

    /// <summary>How many of the server's kernels are executing, or null when the server cannot be asked.</summary>
    private async Task<int?> BusyKernelsAsync(ServerRecord server, CancellationToken ct)
    {
        var owner = await store.FindUserAsync(server.UserName, ct);
        if (owner is null) return null;
        var clientId = ServerSessions.ClientId(server.UserName, server.Name);
        var (token, _) = await accounts.CreateTokenAsync(owner, [$"{Scopes.AccessServers}!server={server.UserName}/{server.Name}"],
            "idle check", TimeSpan.FromMinutes(2), TokenKind.OAuth, clientId: clientId, ct: ct);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(server.Url!), "api/kernels?no_track_activity=1"));
            request.Headers.Authorization = new AuthenticationHeaderValue("token", token);
            using var response = await Http.SendAsync(request, ct);
            if (!response.IsSuccessStatusCode) return null;
            var kernels = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct)) as JsonArray;
            return kernels?.Count(k => k?["execution_state"]?.GetValue<string>() is "busy" or "starting");
        }
        catch (HttpRequestException) { return null; }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested) { return null; }
    }
}
