using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Serialization;
using Astrolabe.Hub.Sessions.WarmStart;
using Microsoft.Extensions.Logging;

namespace Astrolabe.Hub.Sessions;

/// <summary>Runs the unmodified `jupyterhub-singleuser` as a local process: as the user's own Unix account when the
/// hub runs as root (otherwise as the hub's account, for development), in a new session, cwd = the user's home,
/// output appended to a hub-owned log file so the server outlives a hub restart. Where the host allows, the server
/// runs in a bubblewrap sandbox (system read-only, only its own home writable, private /tmp, the archive read-only at
/// /archive, the rest of the data root absent) inside a control group that limits its memory and CPU. Started warm where
/// it can be (see <see cref="HubOptions.WarmStart"/>): forked, with the same sandbox, limits and account, from a process
/// that has imported the server's modules already.</summary>
public sealed partial class LocalProcessSpawner(HubOptions options, UnixAccounts accounts, ILogger<LocalProcessSpawner> logger) : ISpawner, IDisposable
{
    private sealed record State(int Pid, long StartTicks, int Port, string Log, string? Cgroup = null, long? MemoryLimit = null, bool Sandboxed = false);

    /// <summary>The state's JSON, generated at compile time (kept by trimmed and native builds).</summary>
    [JsonSerializable(typeof(State))]
    private sealed partial class ProcessStateJson : JsonSerializerContext;

    private static readonly Lazy<Cgroups?> Groups = new(Cgroups.Detect);

    private readonly Lazy<bool> _standardDistutils = new(() => HasStandardDistutils(options.SingleUserCommand));

    private readonly SemaphoreSlim _warmLock = new(1, 1);
    private ForkServer? _warm;
    private bool _warmUnavailable;

    public bool Sandboxes => options.Sandbox == "Bubblewrap" || (options.Sandbox == "Auto" && File.Exists("/usr/bin/bwrap") && UnixAccounts.CanManage);

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

        // Limits: a control group joined before exec, so the server and everything it starts are inside.
        var profile = request.Profile;
        long? memory = profile.MemoryLimitMiB > 0 ? profile.MemoryLimitMiB * 1024 * 1024 : null;
        double? cpus = profile.CpuLimit > 0 ? profile.CpuLimit : null;
        var leaf = $"{request.User}{(request.ServerName.Length > 0 ? "-" + request.ServerName : "")}";
        IReadOnlyList<string> joins = [];
        if (Groups.Value is { } groups && (memory is not null || cpus is not null))
        {
            joins = groups.Create(leaf, memory, cpus);
            progress.Report($"Limits of profile {profile.Name}: {(memory is null ? "no memory limit" : $"{profile.MemoryLimitMiB} MiB memory")}, {(cpus is null ? "no CPU limit" : $"{cpus} CPU")}");
        }
        var rlimitMemory = memory is not null && Groups.Value?.LimitsMemory != true; // fallback: address-space limit

        var environment = new Dictionary<string, string>(request.Environment)
        {
            ["HOME"] = home,
            ["USER"] = ids is null ? Environment.UserName : accounts.AccountName(request.User),
            ["SHELL"] = "/bin/bash",
            ["PATH"] = "/usr/local/bin:/usr/bin:/bin",
            ["LANG"] = "C.UTF-8",
        };
        // Debian's setuptools makes `import distutils` load setuptools and pkg_resources, about a quarter of the server's
        // start-up (~0.4 s of its imports); where the standard library's distutils is installed it serves the same
        // version checks, so the same server starts sooner.
        if (_standardDistutils.Value) environment["SETUPTOOLS_USE_DISTUTILS"] = "stdlib";

        if (await WarmAsync(environment, ct) is { } warm)
        {
            if (Sandboxes) progress.Report(SandboxMessage(profile.ArchivePath));
            progress.Report("Starting the notebook server process (warm: its modules are loaded already)");
            try
            {
                var pid = await ForkAsync(warm, request, home, log, joins, rlimitMemory ? memory : null, ids, port, environment, profile.ArchivePath, ct);
                return Started(pid, port, log, joins.Count > 0 ? leaf : null, memory, request.ServicePrefix);
            }
            catch (Exception e) when (e is IOException or SocketException or JsonException)
            {
                // The fork server went away under us: this server is exec'd, and the next start makes a new fork server.
                logger.LogWarning("Warm start failed ({Reason}); starting {User}'s server the usual way", e.Message, request.User);
                warm.Dispose();
                progress.Report("Starting the notebook server process the usual way (the warm start was not available)");
            }
        }

        // sh opens the log (as the hub) and joins the group, then execs: env (default signal handling), setsid (new
        // session; same pid since we are not a group leader), bwrap (the sandbox), setpriv (drop to the user's
        // account), the server. The pid we get is the session's leader; every process of the server is in its process
        // group or its control group.
        var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = home };
        const string script = "log=\"$1\"; n=\"$2\"; shift 2; while [ \"$n\" -gt 0 ]; do echo $$ > \"$1\" || exit 97; shift; n=$((n-1)); done; " +
                              "exec \"$@\" >>\"$log\" 2>&1 </dev/null";
        foreach (var a in new[] { "-c", script, "sh", log, joins.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) }) psi.ArgumentList.Add(a);
        foreach (var j in joins) psi.ArgumentList.Add(j);
        // A hub started with `&` from a script ignores SIGINT and SIGQUIT, and children inherit that: give them back
        // their default, or the server would ignore the SIGINT that stops it gracefully (and stop 10 s later).
        foreach (var a in new[] { "/usr/bin/env", "--default-signal=INT,QUIT", "/usr/bin/setsid" }) psi.ArgumentList.Add(a);
        if (Sandboxes)
        {
            foreach (var a in SandboxArguments(home, profile.ArchivePath)) psi.ArgumentList.Add(a);
            progress.Report(SandboxMessage(profile.ArchivePath));
        }
        if (rlimitMemory)
            foreach (var a in new[] { "/usr/bin/prlimit", $"--as={memory}", "--" }) psi.ArgumentList.Add(a);
        if (ids is { } id)
            foreach (var a in new[] { "/usr/bin/setpriv", $"--reuid={id.Uid}", $"--regid={id.Gid}", "--init-groups", "--inh-caps=-all", "--no-new-privs", "--" })
                psi.ArgumentList.Add(a);
        psi.ArgumentList.Add(options.SingleUserCommand);
        psi.ArgumentList.Add("--ip=127.0.0.1");
        psi.ArgumentList.Add($"--port={port}");
        psi.Environment.Clear();
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        progress.Report("Starting the notebook server process");
        using var process = Process.Start(psi) ?? throw new SpawnException("could not start the server process");
        return Started(process.Id, port, log, joins.Count > 0 ? leaf : null, memory, request.ServicePrefix);
    }

    private static string SandboxMessage(string archive) =>
        "Sandbox: system read-only, your home writable" + (archive.Length > 0 ? ", archive read-only at /archive" : "");

    private SpawnedServer Started(int pid, int port, string log, string? cgroup, long? memory, string servicePrefix)
    {
        var stat = Posix.ReadProcess(pid);
        var state = new State(pid, stat?.StartTicks ?? 0, port, log, cgroup, memory, Sandboxes);
        return new SpawnedServer(new Uri($"http://127.0.0.1:{port}{servicePrefix}"), JsonSerializer.Serialize(state, ProcessStateJson.Default.State));
    }

    /// <summary>The fork server, started on first use; null where warm start is off or cannot work here (then servers
    /// are exec'd). A fork server that has died is replaced.</summary>
    private async Task<ForkServer?> WarmAsync(IReadOnlyDictionary<string, string> environment, CancellationToken ct)
    {
        if (options.WarmStart != "Auto" || _warmUnavailable || !UnixAccounts.CanManage) return null;
        await _warmLock.WaitAsync(ct);
        try
        {
            if (_warm is { IsRunning: true }) return _warm;
            _warm?.Dispose();
            _warm = null;
            if (ForkServer.PythonOf(options.SingleUserCommand) is not { } python)
            {
                _warmUnavailable = true;
                logger.LogInformation("Warm start is off: {Program} is not a Python script", options.SingleUserCommand);
                return null;
            }
            var settings = new Dictionary<string, string> { ["PATH"] = environment["PATH"], ["LANG"] = environment["LANG"] };
            if (environment.TryGetValue("SETUPTOOLS_USE_DISTUTILS", out var distutils)) settings["SETUPTOOLS_USE_DISTUTILS"] = distutils;
            try
            {
                _warm = await ForkServer.StartAsync(python, Path.Combine(options.FullDataRoot, "run", "warm"), settings, logger, ct);
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or System.ComponentModel.Win32Exception)
            {
                _warmUnavailable = true;
                logger.LogWarning("Warm start is off: {Reason}", e.Message);
            }
            return _warm;
        }
        finally
        {
            _warmLock.Release();
        }
    }

    /// <summary>A warm start: bubblewrap builds the sandbox exactly as for an exec'd server and holds its namespaces
    /// (a shell that prints its pid and sleeps) until the forked child has joined them.</summary>
    private async Task<int> ForkAsync(ForkServer warm, SpawnRequest request, string home, string log, IReadOnlyList<string> joins,
        long? addressSpace, (int Uid, int Gid)? ids, int port, IReadOnlyDictionary<string, string> environment, string archive, CancellationToken ct)
    {
        Process? holder = null;
        try
        {
            int? namespaces = null;
            if (Sandboxes)
            {
                var psi = new ProcessStartInfo("/usr/bin/bwrap") { UseShellExecute = false, RedirectStandardOutput = true, WorkingDirectory = home };
                foreach (var a in SandboxArguments(home, archive).Skip(1)) psi.ArgumentList.Add(a);
                foreach (var a in new[] { "/bin/sh", "-c", "echo $$; exec sleep 120" }) psi.ArgumentList.Add(a);
                psi.Environment.Clear();
                psi.Environment["PATH"] = "/usr/bin:/bin";
                holder = Process.Start(psi) ?? throw new SpawnException("could not start the sandbox (bwrap)");
                var line = await holder.StandardOutput.ReadLineAsync(ct);
                if (!int.TryParse(line, out var holderPid))
                    throw new SpawnException($"The sandbox (bwrap) did not start (exit code {(holder.HasExited ? holder.ExitCode : -1)}).");
                namespaces = holderPid;
            }
            var fork = new ForkRequest(options.SingleUserCommand, ["--ip=127.0.0.1", $"--port={port}"], environment, home, log,
                [.. joins], namespaces, ids?.Uid, ids?.Gid, addressSpace);
            return await warm.ForkAsync(fork, ct);
        }
        finally
        {
            if (holder is not null)
            {
                try { holder.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                await holder.WaitForExitAsync(CancellationToken.None);
                holder.Dispose();
            }
        }
    }

    public void Dispose()
    {
        _warm?.Dispose();
        _warmLock.Dispose();
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
        // Graceful first (jupyter shuts its kernels down on SIGINT), then firmer, as JupyterHub does. The signal goes to
        // the server's process group: in a sandbox the server is a child of bwrap, in the same group.
        foreach (var (signal, wait) in new[] { (Posix.SIGINT, 10.0), (Posix.SIGTERM, 5.0), (Posix.SIGKILL, 5.0) })
        {
            if (!Posix.IsAlive(s.Pid, s.StartTicks)) break;
            if (Posix.Kill(-s.Pid, signal) != 0) Posix.Kill(s.Pid, signal);
            var until = DateTime.UtcNow.AddSeconds(wait);
            while (DateTime.UtcNow < until && Posix.IsAlive(s.Pid, s.StartTicks)) await Task.Delay(50, CancellationToken.None);
        }
        // Anything left (a kernel in its own session, a background job) goes too: its process group, and its control group.
        if (Posix.ReadProcess(s.Pid) is null) Posix.Kill(-s.Pid, Posix.SIGKILL);
        if (s.Cgroup is { } leaf && Groups.Value is { } groups)
        {
            for (var i = 0; i < 20 && groups.KillAll(leaf) > 0; i++) await Task.Delay(50, CancellationToken.None);
            groups.Remove(leaf);
        }
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

    public Task<long> OomKillsAsync(string state, CancellationToken ct)
    {
        var s = Read(state);
        return Task.FromResult(s.Cgroup is { } leaf && Groups.Value is { } g ? g.OomKills(leaf) : 0);
    }

    public long? MemoryLimitBytes(string state) => Read(state).MemoryLimit;

    public long? MemoryUsageBytes(string state) => Read(state).Cgroup is { } leaf ? Groups.Value?.MemoryUsage(leaf) : null;

    /// <summary>bwrap: the system read-only, the user's home at its own path read-write (so the rest of the data root,
    /// other homes included, does not exist inside), private /tmp and /run, the archive read-only at /archive.</summary>
    private static IEnumerable<string> SandboxArguments(string home, string archive)
    {
        var args = new List<string> { "/usr/bin/bwrap", "--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc" };
        foreach (var link in new[] { "bin", "sbin", "lib", "lib64", "lib32" })
        {
            var path = "/" + link;
            if (new FileInfo(path) is { LinkTarget: { } target }) args.AddRange(["--symlink", target, path]);
            else if (Directory.Exists(path)) args.AddRange(["--ro-bind", path, path]);
        }
        args.AddRange(["--ro-bind-try", "/var/cache/fontconfig", "/var/cache/fontconfig",
                       "--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--tmpfs", "/tmp", "--tmpfs", "/run", "--perms", "1777", "--tmpfs", "/var/tmp"]);
        // The folders above the home exist inside only as empty, traversable, unlistable directories.
        var ancestors = new List<string>();
        for (var dir = Path.GetDirectoryName(home); dir is not null && dir != "/"; dir = Path.GetDirectoryName(dir)) ancestors.Insert(0, dir);
        foreach (var dir in ancestors) args.AddRange(["--perms", "0711", "--dir", dir]);
        args.AddRange(["--bind", home, home, "--unshare-ipc", "--unshare-uts", "--hostname", "astrolabe", "--chdir", home]);
        if (archive.Length > 0) args.AddRange(["--ro-bind", Path.GetFullPath(archive), "/archive"]);
        args.Add("--");
        return args;
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

    /// <summary>Whether the Python that runs `command` (its #! line, links followed, e.g. /usr/bin/python3 -> python3.11)
    /// has the standard library's distutils (Debian package python3-distutils; gone from Python 3.12 on).</summary>
    private static bool HasStandardDistutils(string command)
    {
        if (ForkServer.PythonOf(command) is not { } interpreter) return false;
        try
        {
            var real = new FileInfo(interpreter).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? interpreter;
            return File.Exists(Path.Combine("/usr/lib", Path.GetFileName(real), "distutils", "__init__.py"));
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static State Read(string state) => JsonSerializer.Deserialize(state, ProcessStateJson.Default.State) ?? throw new ArgumentException("empty spawner state");
}

/// <summary>A start that failed for a reason the user should read.</summary>
public sealed class SpawnException(string message) : Exception(message);
