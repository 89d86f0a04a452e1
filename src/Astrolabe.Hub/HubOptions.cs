using Microsoft.Extensions.Configuration;

namespace Astrolabe.Hub;

/// <summary>The hub's settings, bound from the `Hub` configuration section (plus the top-level `DataRoot` and `Listen`).</summary>
public sealed class HubOptions
{
    /// <summary>Where hub state, logs and user homes live. Top-level setting `DataRoot`.</summary>
    public string DataRoot { get; set; } = "astrolabe-data";

    /// <summary>Address the platform listens on. Top-level setting `Listen`.</summary>
    public string Listen { get; set; } = "http://127.0.0.1:8000";

    /// <summary>ADO.NET connection string for hub state: `Data Source=...` selects SQLite, `Host=...` PostgreSQL.
    /// Empty means a SQLite file `hub.db` under the data root.</summary>
    public string Database { get; set; } = "";

    /// <summary>The first administrator's name, made when there are no users.</summary>
    public string AdminUser { get; set; } = "admin";

    /// <summary>URL user servers use to reach the hub API; empty derives it from `Listen`.</summary>
    public string InternalApiUrl { get; set; } = "";

    /// <summary>The single-user server command.</summary>
    public string SingleUserCommand { get; set; } = "/usr/bin/jupyterhub-singleuser";

    /// <summary>The page a freshly started server opens (the classic notebook UI).</summary>
    public string DefaultUrl { get; set; } = "/tree";

    /// <summary>Prefix of the Unix account made for each user (`astro-alice`). Only used when the hub runs as root.</summary>
    public string UnixUserPrefix { get; set; } = "astro-";

    /// <summary>`Auto` runs each local server in a bubblewrap sandbox when `/usr/bin/bwrap` exists and the hub runs as
    /// root; `Bubblewrap` requires it; `None` turns it off.</summary>
    public string Sandbox { get; set; } = "Auto";

    /// <summary>`Auto` starts local servers warm when the hub runs as root and the server program is a Python script: a
    /// process that has imported the server's modules once forks each server (same program, sandbox, limits and account),
    /// which skips most of a server's start-up. `Off` execs every server afresh.</summary>
    public string WarmStart { get; set; } = "Auto";

    /// <summary>A host folder (e.g. the FITS archive) mounted read-only at `/archive` in every sandboxed server.</summary>
    public string ArchivePath { get; set; } = "";

    /// <summary>Memory limit per server in MiB (cgroups, or an address-space rlimit where no cgroup can be made); 0 = none.</summary>
    public long MemoryLimitMiB { get; set; } = 4096;

    /// <summary>CPU limit per server in cores (cgroups); 0 = none.</summary>
    public double CpuLimit { get; set; } = 0;

    /// <summary>Server profiles users choose from when starting (`Hub:Profiles:0:Name`, `:MemoryLimitMiB`, `:CpuLimit`,
    /// `:Image`, `:ArchivePath`, `:Groups:0`...). None configured: one `default` profile from the settings above.</summary>
    public List<Sessions.ProfileOptions> Profiles { get; set; } = [];

    /// <summary>How many named servers (`/user/alice/<name>/`) a user may run besides the default one; 0 turns them off.</summary>
    public int MaxNamedServers { get; set; } = 3;

    /// <summary>How long a server may take from start to answering HTTP.</summary>
    public double SpawnTimeoutSeconds { get; set; } = 60;

    /// <summary>Stop a server after this long with no user activity and no busy kernel; 0 never culls.</summary>
    public double CullIdleSeconds { get; set; } = 3600;

    /// <summary>How often the idle culler looks.</summary>
    public double CullCheckSeconds { get; set; } = 60;

    /// <summary>Session cookie lifetime.</summary>
    public double SessionHours { get; set; } = 12;

    /// <summary>`Auto` marks the session cookie Secure on HTTPS requests; `Always` for every request (TLS terminated
    /// by a proxy in front); `Never` only for testing.</summary>
    public string SecureCookies { get; set; } = "Auto";

    /// <summary>Failed logins per account and client address before login is refused for a while.</summary>
    public int LoginFailuresBeforeLockout { get; set; } = 5;

    /// <summary>How long a lockout lasts.</summary>
    public double LockoutMinutes { get; set; } = 5;

    /// <summary>PBKDF2 iterations for new password hashes (stored with the hash, so raising it is safe).</summary>
    public int PasswordIterations { get; set; } = 210_000;

    /// <summary>Largest body the hub API accepts (the proxy streams user-server bodies without a limit).</summary>
    public long MaxApiBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Tokens for services such as jupyterhub-idle-culler: `Hub:Services:0:Name`, `:Token` (or
    /// `:TokenEnvironmentVariable`), `:Scopes:0`...</summary>
    public List<ServiceOptions> Services { get; set; } = [];

    /// <summary>What runs notebook servers: `local` (processes on this machine) or `docker` (a container per server
    /// through the Docker Engine API of Docker or Podman; settings under `Hub:Docker`).</summary>
    public string Spawner { get; set; } = "local";

    /// <summary>Settings of the `docker` spawner.</summary>
    public Sessions.Containers.DockerOptions Docker { get; set; } = new();

    public string DatabaseConnectionString =>
        string.IsNullOrWhiteSpace(Database) ? $"Data Source={Path.Combine(FullDataRoot, "hub.db")}" : Database;

    public string FullDataRoot => Path.GetFullPath(DataRoot);

    /// <summary>Reads the options from configuration: `DataRoot` and `Listen` at the top level, the rest under `Hub`.</summary>
    public static HubOptions From(IConfiguration configuration)
    {
        var options = new HubOptions();
        configuration.GetSection("Hub").Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
        options.DataRoot = configuration["DataRoot"] ?? options.DataRoot;
        options.Listen = configuration["Listen"] ?? options.Listen;
        return options;
    }

    /// <summary>Every problem with the settings, each naming the setting.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(DataRoot)) errors.Add("DataRoot must not be empty.");
        if (!Uri.TryCreate(Listen, UriKind.Absolute, out var listen) || listen.Scheme is not ("http" or "https"))
            errors.Add($"Listen '{Listen}' is not an http(s) URL such as http://127.0.0.1:8000.");
        if (InternalApiUrl.Length > 0 && !Uri.TryCreate(InternalApiUrl, UriKind.Absolute, out _))
            errors.Add($"Hub:InternalApiUrl '{InternalApiUrl}' is not an absolute URL.");
        if (!Database.Contains('=') && Database.Length > 0)
            errors.Add("Hub:Database must be a connection string ('Data Source=hub.db' or 'Host=...;Database=...').");
        if (SpawnTimeoutSeconds is <= 0 or > 3600) errors.Add($"Hub:SpawnTimeoutSeconds must be in (0, 3600], not {SpawnTimeoutSeconds}.");
        if (CullIdleSeconds < 0) errors.Add($"Hub:CullIdleSeconds must be 0 (never cull) or positive, not {CullIdleSeconds}.");
        if (CullCheckSeconds is < 0.2 or > 86400) errors.Add($"Hub:CullCheckSeconds must be between 0.2 and 86400, not {CullCheckSeconds}.");
        if (Sandbox is not ("Auto" or "Bubblewrap" or "None")) errors.Add($"Hub:Sandbox must be Auto, Bubblewrap or None, not '{Sandbox}'.");
        if (Sandbox == "Bubblewrap" && !File.Exists("/usr/bin/bwrap")) errors.Add("Hub:Sandbox is Bubblewrap but /usr/bin/bwrap is not installed (Debian package 'bubblewrap').");
        if (WarmStart is not ("Auto" or "Off")) errors.Add($"Hub:WarmStart must be Auto or Off, not '{WarmStart}'.");
        if (ArchivePath.Length > 0 && !Directory.Exists(ArchivePath)) errors.Add($"Hub:ArchivePath '{ArchivePath}' is not a directory.");
        if (MemoryLimitMiB < 0 || (MemoryLimitMiB is > 0 and < 64)) errors.Add($"Hub:MemoryLimitMiB must be 0 (no limit) or at least 64, not {MemoryLimitMiB}.");
        if (CpuLimit < 0) errors.Add($"Hub:CpuLimit must be 0 (no limit) or a positive number of cores, not {CpuLimit}.");
        if (MaxNamedServers is < 0 or > 100) errors.Add($"Hub:MaxNamedServers must be between 0 and 100, not {MaxNamedServers}.");
        if (SessionHours is <= 0 or > 24 * 90) errors.Add($"Hub:SessionHours must be in (0, 2160], not {SessionHours}.");
        if (SecureCookies is not ("Auto" or "Always" or "Never")) errors.Add($"Hub:SecureCookies must be Auto, Always or Never, not '{SecureCookies}'.");
        if (LoginFailuresBeforeLockout < 1) errors.Add("Hub:LoginFailuresBeforeLockout must be at least 1.");
        if (PasswordIterations < 10_000) errors.Add($"Hub:PasswordIterations must be at least 10000, not {PasswordIterations}.");
        if (MaxApiBodyBytes < 1024) errors.Add("Hub:MaxApiBodyBytes must be at least 1024.");
        if (!System.Text.RegularExpressions.Regex.IsMatch(UnixUserPrefix, "^[a-z_][a-z0-9_-]{0,7}$"))
            errors.Add($"Hub:UnixUserPrefix '{UnixUserPrefix}' must be 1-8 characters of a-z, 0-9, '_' or '-', starting with a letter or '_'.");
        if (Spawner is not ("local" or "docker")) errors.Add($"Hub:Spawner must be 'local' or 'docker', not '{Spawner}'.");
        if (Spawner == "docker") errors.AddRange(Docker.Validate());
        if (Spawner == "docker" && InternalApiUrl.Length == 0)
            errors.Add("Hub:InternalApiUrl must be set with Hub:Spawner 'docker': the hub API as containers reach it, e.g. " +
                       "http://host.containers.internal:8000/hub/api (and Listen must include that address, e.g. http://0.0.0.0:8000).");
        var profileNames = new HashSet<string>();
        for (var i = 0; i < Profiles.Count; i++)
        {
            var p = Profiles[i];
            var at = $"Hub:Profiles:{i}";
            if (!System.Text.RegularExpressions.Regex.IsMatch(p.Name, "^[a-z0-9][a-z0-9_-]{0,31}$"))
                errors.Add($"{at}:Name '{p.Name}' must be 1-32 characters of a-z, 0-9, '_' or '-' (it is used in the API and stored with each server).");
            else if (!profileNames.Add(p.Name)) errors.Add($"{at}:Name '{p.Name}' is used by an earlier profile too.");
            if (p.MemoryLimitMiB is < 0 or (> 0 and < 64)) errors.Add($"{at}:MemoryLimitMiB must be 0 (no limit) or at least 64, not {p.MemoryLimitMiB}.");
            if (p.CpuLimit is < 0 or > 1024 || (p.CpuLimit is { } c && double.IsNaN(c))) errors.Add($"{at}:CpuLimit must be between 0 (no limit) and 1024 CPUs, not {p.CpuLimit}.");
            if (p.Image is not null && Spawner != "docker") errors.Add($"{at}:Image is set, but images need Hub:Spawner 'docker' (now '{Spawner}').");
            if (p.Image is { } image && string.IsNullOrWhiteSpace(image)) errors.Add($"{at}:Image must not be empty; leave it out to use Hub:Docker:Image.");
            if (p.ArchivePath is { Length: > 0 } archive && !Directory.Exists(archive)) errors.Add($"{at}:ArchivePath '{archive}' is not a directory.");
            foreach (var g in p.Groups)
                if (!GroupName.IsValid(g, out var why)) errors.Add($"{at}:Groups: {why}");
        }
        for (var i = 0; i < Services.Count; i++)
        {
            var s = Services[i];
            if (!UserName.IsValid(s.Name, out var why)) errors.Add($"Hub:Services:{i}:Name: {why}");
            if (string.IsNullOrEmpty(s.ResolveToken()))
                errors.Add($"Hub:Services:{i} ('{s.Name}') has no Token (or its TokenEnvironmentVariable is unset).");
            else if (s.ResolveToken()!.Length < 16) errors.Add($"Hub:Services:{i}:Token must be at least 16 characters.");
            foreach (var scope in s.Scopes)
                if (!Scopes.IsKnown(scope)) errors.Add($"Hub:Services:{i}:Scopes: unknown scope '{scope}'. Known: {string.Join(", ", Scopes.All)}.");
        }
        return errors;
    }
}

/// <summary>An operator-configured service (such as an idle culler) with its API token and scopes.</summary>
public sealed class ServiceOptions
{
    public string Name { get; set; } = "";
    public string? Token { get; set; }
    public string? TokenEnvironmentVariable { get; set; }
    public List<string> Scopes { get; set; } = [];

    public string? ResolveToken() =>
        !string.IsNullOrEmpty(Token) ? Token
        : TokenEnvironmentVariable is { Length: > 0 } v ? Environment.GetEnvironmentVariable(v) : null;
}
