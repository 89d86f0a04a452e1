using System.Collections.Concurrent;

namespace Astrolabe.Hub.Identity;

/// <summary>Refuses logins for an account from a client address after repeated failures, for a while.
/// Per-process: with replicas, each counts on its own, which still bounds guessing to replicas × limit.</summary>
public sealed class LoginThrottle(HubOptions options, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, (int Failures, DateTimeOffset Until)> _entries = new();

    private static string Key(string user, string? address) => $"{user}\n{address}";

    /// <summary>When login is locked, the time it opens again.</summary>
    public DateTimeOffset? LockedUntil(string user, string? address)
    {
        if (_entries.TryGetValue(Key(user, address), out var e) && e.Failures >= options.LoginFailuresBeforeLockout && e.Until > clock.GetUtcNow())
            return e.Until;
        return null;
    }

    public void Failed(string user, string? address)
    {
        var until = clock.GetUtcNow().AddMinutes(options.LockoutMinutes);
        _entries.AddOrUpdate(Key(user, address), (1, until), (_, e) => (e.Until <= clock.GetUtcNow() ? 1 : e.Failures + 1, until));
        if (_entries.Count > 100_000) _entries.Clear(); // bound memory under a spray of names
    }

    public void Succeeded(string user, string? address) => _entries.TryRemove(Key(user, address), out _);
}
