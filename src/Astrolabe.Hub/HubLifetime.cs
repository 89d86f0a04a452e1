using Astrolabe.Hub.Identity;
using Astrolabe.Hub.Sessions;
using Astrolabe.Hub.State;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Astrolabe.Hub;

/// <summary>Start-up and background work: schema, first administrator, re-adopting live servers, flushing activity, expiring secrets.</summary>
public sealed class HubLifetime(HubDatabase database, Accounts accounts, ServerSessions sessions, HubStore store, HubOptions options,
    Profiles profiles, TemporaryAccounts temporary, ILogger<HubLifetime> log) : BackgroundService
{
    public override async Task StartAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(options.FullDataRoot);
        await database.MigrateAsync(ct);
        var first = await accounts.EnsureFirstAdminAsync(options.AdminUser, Environment.GetEnvironmentVariable("ASTROLABE_ADMIN_PASSWORD") is { Length: > 0 } p ? p : null, ct);
        if (first is { } created)
        {
            // Printed once, to the console only: never to the log.
            Console.WriteLine(created.Password is null
                ? $"Astrolabe: created the first administrator '{created.Name}' with the password from ASTROLABE_ADMIN_PASSWORD."
                : $"""
                   Astrolabe: created the first administrator.
                       user name: {created.Name}
                       password:  {created.Password}
                   This password is shown only once. Change it at /hub/password, or with `astrolabe user passwd {created.Name}`.
                   """);
        }
        await sessions.AdoptAsync(ct);
        // A profile open only to groups that do not exist is open to administrators alone: say so once, at start.
        foreach (var profile in profiles.All.Where(p => p.Groups.Count > 0))
        {
            var missing = new List<string>();
            foreach (var g in profile.Groups)
                if (await store.FindGroupAsync(g, ct) is null) missing.Add(g);
            if (missing.Count > 0)
                log.LogWarning("Profile {Profile} is for groups that do not exist yet: {Groups} (astrolabe group add NAME)", profile.Name, string.Join(", ", missing));
        }
        log.LogInformation("Hub ready on {Listen}; data in {DataRoot}; state in {Database}", options.Listen, options.FullDataRoot,
            database.IsPostgres ? "PostgreSQL" : "SQLite");
        await base.StartAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var tick = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5));
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false) is true)
            {
                try
                {
                    await sessions.FlushActivityAsync(ct);
                    await sessions.WatchAsync(ct);
                    if (++tick % 12 == 0) await temporary.ExpireAsync(ct);
                    if (tick % 60 == 0) await store.RemoveExpiredAsync(ct);
                }
                catch (Exception e) when (e is not OperationCanceledException) { log.LogWarning(e, "Background hub work failed"); }
            }
        }
        // Stopping is not a failure, also when the host stops without having started (an address in use), which
        // the host would otherwise log as a crashed background service.
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }
}
