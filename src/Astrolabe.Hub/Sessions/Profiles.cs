namespace Astrolabe.Hub.Sessions;

/// <summary>A server profile as an operator writes it under `Hub:Profiles:N`. Limits left out fall back to the hub-wide
/// settings (`Hub:MemoryLimitMiB`, `Hub:CpuLimit`, `Hub:ArchivePath`, `Hub:Docker:Image`).</summary>
public sealed class ProfileOptions
{
    /// <summary>Short name used in the API (`{"profile": "large"}`) and stored with the server.</summary>
    public string Name { get; set; } = "";

    /// <summary>What users see, e.g. "Large: 4 CPU, 16 GiB".</summary>
    public string DisplayName { get; set; } = "";

    public string Description { get; set; } = "";

    public long? MemoryLimitMiB { get; set; }

    public double? CpuLimit { get; set; }

    /// <summary>Container image (only with `Hub:Spawner` docker).</summary>
    public string? Image { get; set; }

    /// <summary>Host folder mounted read-only at /archive for servers of this profile.</summary>
    public string? ArchivePath { get; set; }

    /// <summary>Groups whose members may use the profile; empty means everyone.</summary>
    public List<string> Groups { get; set; } = [];
}

/// <summary>A profile resolved against the hub-wide defaults: what a server started with it gets.</summary>
public sealed record ServerProfile(string Name, string DisplayName, string Description, long MemoryLimitMiB, double CpuLimit, string? Image,
    string ArchivePath, IReadOnlyList<string> Groups)
{
    /// <summary>"4 CPU, 16384 MiB memory" — for pages and progress messages.</summary>
    public string Summary =>
        $"{(CpuLimit > 0 ? $"{CpuLimit:0.##} CPU" : "no CPU limit")}, {(MemoryLimitMiB > 0 ? $"{MemoryLimitMiB} MiB memory" : "no memory limit")}" +
        (Image is null ? "" : $", image {Image}") + (ArchivePath.Length > 0 ? ", archive at /archive" : "");
}

/// <summary>The profiles users choose from when they start a server, and who may use which. Without configured
/// profiles there is one, `default`, made of the hub-wide settings and open to everyone.</summary>
public sealed class Profiles
{
    public const string DefaultName = "default";

    public IReadOnlyList<ServerProfile> All { get; }

    public Profiles(HubOptions options)
    {
        var dockerImage = options.Spawner == "docker" ? options.Docker.Image : null;
        var memory = options.Spawner == "docker" ? options.Docker.MemoryLimitMiB ?? options.MemoryLimitMiB : options.MemoryLimitMiB;
        var cpus = options.Spawner == "docker" ? options.Docker.CpuLimit ?? options.CpuLimit : options.CpuLimit;
        var archive = options.Spawner == "docker" && options.Docker.ArchiveFolder.Length > 0 ? options.Docker.ArchiveFolder : options.ArchivePath;
        All = options.Profiles.Count == 0
            ? [new ServerProfile(DefaultName, "Default", "", memory, cpus, dockerImage, archive, [])]
            : options.Profiles.Select(p => new ServerProfile(p.Name, p.DisplayName.Length > 0 ? p.DisplayName : p.Name, p.Description,
                p.MemoryLimitMiB ?? memory, p.CpuLimit ?? cpus, p.Image ?? dockerImage, p.ArchivePath ?? archive, p.Groups)).ToList();
    }

    /// <summary>Whether a user in these groups may use the profile. Administrators may use every profile.</summary>
    public static bool Allows(ServerProfile profile, bool admin, IEnumerable<string> groups) =>
        admin || profile.Groups.Count == 0 || groups.Any(profile.Groups.Contains);

    public IReadOnlyList<ServerProfile> AvailableTo(bool admin, IReadOnlyCollection<string> groups) => All.Where(p => Allows(p, admin, groups)).ToList();

    /// <summary>The profile a start asked for (null or empty: the first one the user may use). Throws
    /// <see cref="ProfileException"/> naming the profiles the user may choose instead.</summary>
    public ServerProfile Choose(string? requested, string user, bool admin, IReadOnlyCollection<string> groups)
    {
        var available = AvailableTo(admin, groups);
        var names = available.Count == 0 ? "none" : string.Join(", ", available.Select(p => p.Name));
        if (string.IsNullOrEmpty(requested))
            return available.Count > 0 ? available[0]
                : throw new ProfileException(403, $"No server profile is open to '{user}': ask an administrator to add you to one of the groups " +
                                                  $"{string.Join(", ", All.SelectMany(p => p.Groups).Distinct())}.");
        var profile = All.FirstOrDefault(p => p.Name == requested)
            ?? throw new ProfileException(400, $"There is no server profile '{requested}'. Profiles you may use: {names}.");
        if (!Allows(profile, admin, groups))
            throw new ProfileException(403, $"'{user}' may not use the server profile '{requested}': it is for members of " +
                                            $"{string.Join(", ", profile.Groups)}. Profiles you may use: {names}.");
        return profile;
    }
}

/// <summary>A profile that does not exist (400) or that the user may not use (403).</summary>
public sealed class ProfileException(int status, string message) : ArgumentException(message)
{
    public int Status => status;
}
