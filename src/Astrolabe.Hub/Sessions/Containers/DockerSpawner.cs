using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Astrolabe.Hub.Sessions.Containers;

/// <summary>Runs each notebook server in its own container through the Docker Engine API (Docker, or Podman's
/// `podman system service`): the configured image running the unmodified `jupyterhub-singleuser` as the user's
/// account, the user's home (`DataRoot/users/NAME`) mounted read-write, the archive read-only, memory/CPU/process
/// limits, its port published on the host's loopback, and labels that name the user, server and hub. The state
/// kept for a restart is the container's id, so a new hub finds it again.</summary>
public sealed partial class DockerSpawner : ISpawner, IDisposable
{
    /// <summary>Port the server listens on inside its container.</summary>
    public const int ServerPort = 8888;
    public const string UserLabel = "astrolabe.user", ServerLabel = "astrolabe.server", HubLabel = "astrolabe.hub";

    private readonly HubOptions _options;
    private readonly DockerOptions _docker;
    private readonly UnixAccounts _accounts;
    private readonly DockerEngine _engine;

    private sealed record State(string ContainerId, string Name, int Port, long MemoryBytes = 0);

    /// <summary>The state's JSON, generated at compile time (kept by trimmed and native builds).</summary>
    [JsonSerializable(typeof(State))]
    private sealed partial class ContainerStateJson : JsonSerializerContext;

    public DockerSpawner(HubOptions options, UnixAccounts accounts)
    {
        _options = options;
        _docker = options.Docker;
        _accounts = accounts;
        _engine = new DockerEngine(_docker.Socket);
        HubId = _docker.HubId.Length > 0 ? _docker.HubId
            : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(options.FullDataRoot)))[..12];
    }

    /// <summary>The `astrolabe.hub` label value of this hub's containers.</summary>
    public string HubId { get; }

    public DockerEngine Engine => _engine;

    public string HomeOf(string user) => Path.Combine(_options.FullDataRoot, "users", user);

    public static string HomeInContainer(string user) => $"/home/{user}";

    /// <summary>Container name: unique per hub, user and server (a name is what an operator types in `podman ps`).</summary>
    public string ContainerName(string user, string server) =>
        server.Length == 0 ? $"astrolabe-{HubId}-{user}" : $"astrolabe-{HubId}-{user}--{SafeName(server)}";

    public async Task<SpawnedServer> StartAsync(SpawnRequest request, IProgress<string> progress, CancellationToken ct)
    {
        progress.Report("Connecting to the container engine");
        try
        {
            await _engine.PingAsync(ct);
            var image = request.Profile.Image ?? _docker.Image;
            if (!await _engine.ImageExistsAsync(image, ct))
                throw new SpawnException($"The image {image} is not present in the container engine " +
                                         $"(setting {(request.Profile.Image is null ? "Hub:Docker:Image" : $"Image of profile {request.Profile.Name}")}); " +
                                         "build it with deploy/podman/build-image.sh.");

            progress.Report("Preparing home directory");
            var home = HomeOf(request.User);
            (int Uid, int Gid) ids = UnixAccounts.CanManage
                ? await _accounts.EnsureAsync(request.User, home, ct)
                : HubAccount();
            PrepareHome(home, UnixAccounts.CanManage ? ids : null);

            // A container left from an earlier run of this server (crashed, or half-started before a restart) goes first,
            // otherwise its name would block the new one.
            foreach (var old in await _engine.ListContainersAsync(Labels(request.User, request.ServerName).Select(l => $"{l.Key}={l.Value}"), ct))
            {
                progress.Report($"Removing the old container {old.Names?.FirstOrDefault()?.TrimStart('/') ?? old.Id[..12]}");
                await _engine.DeleteContainerAsync(old.Id, ct);
            }

            progress.Report($"Creating a container from {image} (profile {request.Profile.Name}: {request.Profile.Summary})");
            var name = ContainerName(request.User, request.ServerName);
            var id = await _engine.CreateContainerAsync(name, Spec(request, home, ids), ct);
            try
            {
                progress.Report("Starting the container");
                await _engine.StartContainerAsync(id, ct);
                var info = await _engine.InspectContainerAsync(id, ct);
                if (info is null || !info.Running || !info.HostPorts.TryGetValue($"{ServerPort}/tcp", out var port))
                {
                    var tail = await ReadLogsAsync(id, 20, CancellationToken.None);
                    throw new SpawnException($"The notebook server container exited at once (exit code {info?.ExitCode}). Its last lines:\n{tail}");
                }
                var state = new State(id, name, port, request.Profile.MemoryLimitMiB * 1024 * 1024);
                return new SpawnedServer(new Uri($"http://{UrlHost(_docker.PublishAddress)}:{port}{request.ServicePrefix}"), JsonSerializer.Serialize(state, ContainerStateJson.Default.State));
            }
            catch
            {
                await _engine.DeleteContainerAsync(id, CancellationToken.None);
                throw;
            }
        }
        catch (DockerEngineException e)
        {
            throw new SpawnException(e.Status == 0 ? e.Message : $"The container engine refused: {e.Message}");
        }
    }

    public async Task<bool> IsAliveAsync(string state, CancellationToken ct)
    {
        var info = await _engine.InspectContainerAsync(Read(state).ContainerId, ct);
        return info is { Running: true };
    }

    public async Task StopAsync(string state, CancellationToken ct)
    {
        var s = Read(state);
        // SIGTERM lets jupyter shut its kernels down; the engine kills after the grace period. Then the container goes.
        await _engine.StopContainerAsync(s.ContainerId, _docker.StopGraceSeconds, ct);
        await _engine.WaitContainerAsync(s.ContainerId, ct);
        await _engine.DeleteContainerAsync(s.ContainerId, ct);
    }

    public async Task<string> ReadLogTailAsync(string state, int lines, CancellationToken ct)
    {
        var s = Read(state);
        var info = await _engine.InspectContainerAsync(s.ContainerId, ct);
        if (info is null) return "";
        var tail = await ReadLogsAsync(s.ContainerId, lines, ct);
        return info.OomKilled
            ? $"The server was killed because it used more than its memory limit of {s.MemoryBytes / (1024 * 1024)} MiB (its profile's limit).\n{tail}"
            : tail;
    }

    /// <summary>The server's memory limit in bytes, or null when it has none.</summary>
    public long? MemoryLimitBytes(string state) => Read(state).MemoryBytes is > 0 and var b ? b : null;

    /// <summary>How many processes in the container the kernel killed for exceeding its memory limit: the container's
    /// memory control group counts them (a kernel killed this way is restarted by Jupyter; the server lives on).</summary>
    public async Task<long> OomKillsAsync(string state, CancellationToken ct)
    {
        var info = await _engine.InspectContainerAsync(Read(state).ContainerId, ct);
        if (info is null) return 0;
        var counted = info.Pid > 0 ? await CgroupOomKillsAsync(info.Pid, ct) : 0;
        return Math.Max(counted, info.OomKilled ? 1 : 0);
    }

    private static async Task<long> CgroupOomKillsAsync(int pid, CancellationToken ct)
    {
        try
        {
            var groups = (await File.ReadAllLinesAsync($"/proc/{pid}/cgroup", ct)).Select(l => l.Split(':', 3)).Where(p => p.Length == 3).ToList();
            // cgroup v1: the memory controller's own hierarchy; v2: the unified one.
            var events = groups.FirstOrDefault(g => g[1].Split(',').Contains("memory")) is { } v1
                ? $"/sys/fs/cgroup/memory{v1[2].TrimEnd('/')}/memory.oom_control"
                : groups.FirstOrDefault(g => g[0] == "0") is { } v2 ? $"/sys/fs/cgroup{v2[2].TrimEnd('/')}/memory.events" : null;
            if (events is null || !File.Exists(events)) return 0;
            foreach (var line in await File.ReadAllLinesAsync(events, ct))
                if (line.StartsWith("oom_kill ", StringComparison.Ordinal)) return long.Parse(line[9..], CultureInfo.InvariantCulture);
            return 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { return 0; } // the container just ended
    }

    private async Task<string> ReadLogsAsync(string id, int lines, CancellationToken ct)
    {
        try { return (await _engine.ReadLogsAsync(id, lines, ct)).TrimEnd('\n'); }
        catch (DockerEngineException e) { return $"(its log could not be read: {e.Message})"; }
    }

    /// <summary>The container a request becomes: its profile's image, limits and archive, the user's home, labels.</summary>
    public ContainerSpec Spec(SpawnRequest request, string home, (int Uid, int Gid) ids)
    {
        var profile = request.Profile;
        var inside = HomeInContainer(request.User);
        var env = new Dictionary<string, string>(request.Environment)
        {
            ["HOME"] = inside,
            ["USER"] = request.User,
            ["SHELL"] = "/bin/bash",
            ["PATH"] = "/usr/local/bin:/usr/bin:/bin",
            ["LANG"] = "C.UTF-8",
        };
        var binds = new List<string> { $"{home}:{inside}:rw" };
        if (profile.ArchivePath.Length > 0) binds.Add($"{profile.ArchivePath}:{_docker.ArchiveMountPath}:ro");
        binds.AddRange(_docker.ExtraBinds);
        var memory = profile.MemoryLimitMiB > 0 ? profile.MemoryLimitMiB * 1024 * 1024 : (long?)null;
        return new ContainerSpec
        {
            Image = profile.Image ?? _docker.Image,
            Cmd = [_options.SingleUserCommand, "--ip=0.0.0.0", $"--port={ServerPort}"],
            Env = env.Select(e => $"{e.Key}={e.Value}").ToList(),
            User = $"{ids.Uid}:{ids.Gid}",
            WorkingDir = inside,
            Labels = Labels(request.User, request.ServerName),
            ExposedPorts = new Dictionary<string, EmptyObject> { [$"{ServerPort}/tcp"] = new() },
            HostConfig = new HostConfig
            {
                Memory = memory,
                MemorySwap = memory,
                NanoCpus = profile.CpuLimit > 0 ? (long)Math.Round(profile.CpuLimit * 1e9) : null,
                PidsLimit = _docker.PidsLimit > 0 ? _docker.PidsLimit : null,
                Binds = binds,
                PortBindings = new Dictionary<string, IReadOnlyList<PortBinding>>
                {
                    [$"{ServerPort}/tcp"] = [new PortBinding(_docker.PublishAddress, "")],
                },
                NetworkMode = _docker.Network.Length > 0 ? _docker.Network : null,
            },
        };
    }

    private Dictionary<string, string> Labels(string user, string server) => new()
    {
        [UserLabel] = user,
        [ServerLabel] = server,
        [HubLabel] = HubId,
    };

    private void PrepareHome(string home, (int Uid, int Gid)? ids)
    {
        // As for local servers: the data root and users/ can be traversed but not listed; the home is its owner's alone.
        const UnixFileMode traverse = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        Directory.CreateDirectory(home);
        File.SetUnixFileMode(_options.FullDataRoot, traverse);
        File.SetUnixFileMode(Path.Combine(_options.FullDataRoot, "users"), traverse);
        File.SetUnixFileMode(home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        if (ids is { } id && Posix.Chown(home, id.Uid, id.Gid) != 0)
            throw new SpawnException($"could not give {home} to uid {id.Uid}");
    }

    /// <summary>The hub's own uid and gid (from /proc/self/status), for a hub that cannot make Unix accounts.</summary>
    private static (int Uid, int Gid) HubAccount()
    {
        int Field(string[] lines, string name) =>
            int.Parse(lines.First(l => l.StartsWith(name, StringComparison.Ordinal)).Split('\t', StringSplitOptions.RemoveEmptyEntries)[2], CultureInfo.InvariantCulture);
        var status = File.ReadAllLines("/proc/self/status");
        return (Field(status, "Uid:"), Field(status, "Gid:"));
    }

    private static string UrlHost(string address) => address.Contains(':') ? $"[{address}]" : address;

    private static string SafeName(string server)
    {
        var safe = new string(server.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' ? c : '-').ToArray());
        return safe == server ? safe : safe + "-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(server)))[..6];
    }

    private static State Read(string state) => JsonSerializer.Deserialize(state, ContainerStateJson.Default.State) ?? throw new ArgumentException("empty spawner state");

    public void Dispose() => _engine.Dispose();
}
