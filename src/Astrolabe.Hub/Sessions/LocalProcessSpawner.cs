using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Astrolabe.Hub.Sessions;

/// <summary>Runs the unmodified `jupyterhub-singleuser` as a local process: as the user's own Unix account when the
/// hub runs as root (otherwise as the hub's account, for development), in a new session, cwd = the user's home,
/// output appended to a hub-owned log file so the server outlives a hub restart.</summary>
public sealed class LocalProcessSpawner(HubOptions options, UnixAccounts accounts) : ISpawner
{
    private sealed record State(int Pid, long StartTicks, int Port, string Log);

    public string HomeOf(string user) => Path.Combine(options.FullDataRoot, "users", user);

    public async Task<SpawnedServer> StartAsync(SpawnRequest request, IProgress<string> progress, CancellationToken ct)
    {
        if (!File.Exists(options.SingleUserCommand))
            throw new SpawnException($"The notebook server program '{options.SingleUserCommand}' is not installed (Debian package 'jupyterhub'; setting Hub:SingleUserCommand).");
        var home = HomeOf(request.User);
        progress.Report("Preparing home directory");
        (int Uid, int Gid)? ids = null;
        if (UnixAccounts.CanManage)
        {
            ids = await accounts.EnsureAsync(request.User, home, ct);
            progress.Report($"Using Unix account {accounts.AccountName(request.User)}");
        }
        PrepareHome(home, ids);

        var port = FreePort();
        var logDir = Path.Combine(options.FullDataRoot, "logs");
        Directory.CreateDirectory(logDir);
        File.SetUnixFileMode(logDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var log = Path.Combine(logDir, $"{request.User}{(request.ServerName.Length > 0 ? "-" + request.ServerName : "")}.log");
        await File.AppendAllTextAsync(log, $"---- {DateTimeOffset.UtcNow:O} starting on port {port}\n", ct);

        // sh opens the log (as the hub), then execs: setsid (new session; same pid since we are not a group leader),
        // setpriv (drop to the user's account), the server. The pid we get is the server's.
        var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = home };
        foreach (var a in new[] { "-c", "log=\"$1\"; shift; exec \"$@\" >>\"$log\" 2>&1 </dev/null", "sh", log, "/usr/bin/setsid" }) psi.ArgumentList.Add(a);
        if (ids is { } id)
            foreach (var a in new[] { "/usr/bin/setpriv", $"--reuid={id.Uid}", $"--regid={id.Gid}", "--init-groups", "--inh-caps=-all", "--" })
                psi.ArgumentList.Add(a);
        psi.ArgumentList.Add(options.SingleUserCommand);
        psi.ArgumentList.Add("--ip=127.0.0.1");
        psi.ArgumentList.Add($"--port={port}");
        psi.Environment.Clear();
        foreach (var (k, v) in request.Environment) psi.Environment[k] = v;
        psi.Environment["HOME"] = home;
        psi.Environment["USER"] = ids is null ? Environment.UserName : accounts.AccountName(request.User);
        psi.Environment["SHELL"] = "/bin/bash";
        psi.Environment["PATH"] = "/usr/local/bin:/usr/bin:/bin";
        psi.Environment["LANG"] = "C.UTF-8";

        progress.Report("Starting the notebook server process");
        using var process = Process.Start(psi) ?? throw new SpawnException("could not start the server process");
        var stat = Posix.ReadProcess(process.Id);
        var state = new State(process.Id, stat?.StartTicks ?? 0, port, log);
        return new SpawnedServer(new Uri($"http://127.0.0.1:{port}{request.ServicePrefix}"), JsonSerializer.Serialize(state));
    }

    public Task<bool> IsAliveAsync(string state, CancellationToken ct)
    {
        var s = Read(state);
        return Task.FromResult(Posix.IsAlive(s.Pid, s.StartTicks));
    }

    public async Task StopAsync(string state, CancellationToken ct)
    {
        var s = Read(state);
        if (s.Pid <= 1) return; // never signal a process group or init by mistake
        // Graceful first (jupyter shuts its kernels down on SIGINT), then firmer, as JupyterHub does.
        foreach (var (signal, wait) in new[] { (Posix.SIGINT, 10.0), (Posix.SIGTERM, 5.0), (Posix.SIGKILL, 5.0) })
        {
            if (!Posix.IsAlive(s.Pid, s.StartTicks)) break;
            Posix.Kill(s.Pid, signal);
            var until = DateTime.UtcNow.AddSeconds(wait);
            while (DateTime.UtcNow < until && Posix.IsAlive(s.Pid, s.StartTicks)) await Task.Delay(50, CancellationToken.None);
        }
        // Anything left in the server's session (a stray kernel or subprocess) goes too.
        if (Posix.ReadProcess(s.Pid) is null) Posix.Kill(-s.Pid, Posix.SIGKILL);
    }

    public async Task<string> ReadLogTailAsync(string state, int lines, CancellationToken ct)
    {
        var s = Read(state);
        if (!File.Exists(s.Log)) return "";
        var all = await File.ReadAllLinesAsync(s.Log, ct);
        var start = Array.FindLastIndex(all, l => l.StartsWith("---- ", StringComparison.Ordinal));
        var run = all[Math.Max(0, start + 1)..];
        return string.Join('\n', run[Math.Max(0, run.Length - lines)..]);
    }

    private void PrepareHome(string home, (int Uid, int Gid)? ids)
    {
        // The data root and users/ are traversable but not listable, so a user reaches only their own home.
        var root = options.FullDataRoot;
        Directory.CreateDirectory(home);
        const UnixFileMode traverse = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        File.SetUnixFileMode(root, traverse);
        File.SetUnixFileMode(Path.Combine(root, "users"), traverse);
        File.SetUnixFileMode(home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        if (ids is { } id && Posix.Chown(home, id.Uid, id.Gid) != 0)
            throw new SpawnException($"could not give {home} to uid {id.Uid}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static State Read(string state) => JsonSerializer.Deserialize<State>(state) ?? throw new ArgumentException("empty spawner state");
}

/// <summary>A start that failed for a reason the user should read.</summary>
public sealed class SpawnException(string message) : Exception(message);
