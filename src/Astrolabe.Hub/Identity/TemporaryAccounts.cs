using System.Globalization;
using System.Text;
using Astrolabe.Hub.Sessions;
using Astrolabe.Hub.State;
using Microsoft.Extensions.Logging;

namespace Astrolabe.Hub.Identity;

/// <summary>Accounts for a class or tutorial: made in a batch with an expiry date; when it passes they are disabled,
/// their servers stopped and their homes wiped.</summary>
public sealed class TemporaryAccounts(Accounts accounts, HubStore store, ServerSessions sessions, HubOptions options, TimeProvider clock,
    ILogger<TemporaryAccounts> log)
{
    public const int MaxBatch = 500;

    /// <summary>Creates `count` accounts named `prefix` + a number (taken names are skipped); returns CSV
    /// (`name,password,expires`) — the only time the passwords exist in clear.</summary>
    public async Task<string> CreateAsync(string prefix, int count, DateTimeOffset expires, CancellationToken ct)
    {
        if (count is < 1 or > MaxBatch) throw new ArgumentException($"count must be between 1 and {MaxBatch}, not {count}.");
        if (expires <= clock.GetUtcNow()) throw new ArgumentException($"the expiry {expires:yyyy-MM-dd HH:mm} UTC is not in the future.");
        var width = Math.Max(2, count.ToString(CultureInfo.InvariantCulture).Length);
        if (!UserName.IsValid(prefix + new string('0', width), out var why)) throw new ArgumentException($"prefix '{prefix}': {why}");
        var csv = new StringBuilder("name,password,expires\n");
        var expiry = expires.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        for (int n = 1, made = 0; made < count; n++)
        {
            var name = prefix + n.ToString(CultureInfo.InvariantCulture).PadLeft(width, '0');
            if (!UserName.IsValid(name, out why)) throw new ArgumentException($"ran out of names with prefix '{prefix}': {why}");
            if (await store.FindUserAsync(name, ct) is not null) continue;
            var password = Secrets.NewPassword();
            await accounts.AddUserAsync(name, false, password, ct);
            await store.SetExpiryAsync(name, expires, ct);
            csv.Append(name).Append(',').Append(password).Append(',').Append(expiry).Append('\n');
            made++;
        }
        return csv.ToString();
    }

    /// <summary>Disables every expired account, stops all its servers and wipes its home. Returns the names.</summary>
    public async Task<IReadOnlyList<string>> ExpireAsync(CancellationToken ct)
    {
        var expired = await store.ListExpiredAsync(ct);
        foreach (var name in expired)
        {
            await store.SetDisabledAsync(name, true, ct);
            accounts.ForgetIdentities();
            var stopped = await sessions.StopAllOfUserAsync(name, ct); // before the wipe: no server of theirs writes there any more
            WipeHome(name);
            log.LogInformation("Temporary account {User} expired: disabled, {Servers} server(s) stopped, home wiped", name, stopped);
        }
        return expired;
    }

    private void WipeHome(string name)
    {
        UserName.Check(name); // never a path outside users/
        var users = Path.Combine(options.FullDataRoot, "users");
        var home = Path.GetFullPath(Path.Combine(users, name));
        if (Path.GetDirectoryName(home) != users || !Directory.Exists(home)) return;
        Directory.Delete(home, recursive: true);
    }
}
