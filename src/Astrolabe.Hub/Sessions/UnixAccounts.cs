using System.Diagnostics;

namespace Astrolabe.Hub.Sessions;

/// <summary>One Unix account per user, so the kernel keeps users' processes and files apart.</summary>
public sealed class UnixAccounts(string prefix)
{
    // One lock per process: useradd itself refuses to run while another holds /etc/passwd's lock.
    private static readonly SemaphoreSlim _lock = new(1, 1);

    public static bool CanManage => Posix.GetEuid() == 0;

    public string AccountName(string user) => prefix + user;

    /// <summary>Creates the account when missing and returns its uid and gid.</summary>
    public async Task<(int Uid, int Gid)> EnsureAsync(string user, string home, CancellationToken ct)
    {
        var account = AccountName(user);
        await _lock.WaitAsync(ct);
        try
        {
            if (Lookup(account) is { } found) return found;
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await RunAsync("useradd", ["--no-create-home", "--home-dir", home, "--shell", "/bin/bash", "--user-group",
                        "--comment", $"Astrolabe user {user}", account], ct);
                    break;
                }
                catch (InvalidOperationException) when (attempt < 10 && Lookup(account) is null)
                {
                    await Task.Delay(100 * attempt, ct); // another program (or hub replica) holds the password file's lock
                }
                if (Lookup(account) is not null) break;
            }
            return Lookup(account) ?? throw new InvalidOperationException($"useradd did not create account '{account}'.");
        }
        finally { _lock.Release(); }
    }

    public static (int Uid, int Gid)? Lookup(string account)
    {
        foreach (var line in File.ReadLines("/etc/passwd"))
        {
            var f = line.Split(':');
            if (f.Length >= 4 && f[0] == account) return (int.Parse(f[2], System.Globalization.CultureInfo.InvariantCulture), int.Parse(f[3], System.Globalization.CultureInfo.InvariantCulture));
        }
        return null;
    }

    private static async Task RunAsync(string file, string[] args, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not run {file}");
        var err = await p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} failed ({p.ExitCode}): {err.Trim()}");
    }
}
