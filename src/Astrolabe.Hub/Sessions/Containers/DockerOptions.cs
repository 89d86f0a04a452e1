namespace Astrolabe.Hub.Sessions.Containers;

/// <summary>Settings of the container spawner (`Hub:Spawner` = `docker`), bound from `Hub:Docker`.</summary>
public sealed class DockerOptions
{
    /// <summary>Unix socket of the Docker Engine API: Docker's, or Podman's `podman system service unix://PATH`
    /// (deploy/podman/start-service.sh serves it on /tmp/astrolabe-podman/podman.sock).</summary>
    public string Socket { get; set; } = "/var/run/docker.sock";

    /// <summary>Image each server runs; it must contain /usr/bin/jupyterhub-singleuser and be present in the engine
    /// (nothing is pulled). deploy/podman/build-image.sh builds this one.</summary>
    public string Image { get; set; } = "localhost/astrolabe-notebook:bookworm-1";

    /// <summary>Memory limit per server in MiB (swap included, so it is a hard limit); 0 for none; unset takes the
    /// hub-wide `Hub:MemoryLimitMiB` that local servers use too.</summary>
    public long? MemoryLimitMiB { get; set; }

    /// <summary>CPU limit per server in CPUs (fractions allowed); 0 for none; unset takes `Hub:CpuLimit`.</summary>
    public double? CpuLimit { get; set; }

    /// <summary>Most processes (and threads) a server may run; 0 for the engine's default.</summary>
    public long PidsLimit { get; set; } = 1024;

    /// <summary>Network the containers join; empty for the engine's default bridge.</summary>
    public string Network { get; set; } = "";

    /// <summary>Host address the server's port is published on; the hub proxies to it.</summary>
    public string PublishAddress { get; set; } = "127.0.0.1";

    /// <summary>A host folder (e.g. a FITS archive) mounted read-only in every server at `ArchiveMountPath`; empty takes
    /// the hub-wide `Hub:ArchivePath` (none when that is empty too).</summary>
    public string ArchiveFolder { get; set; } = "";

    public string ArchiveMountPath { get; set; } = "/archive";

    /// <summary>More mounts, each `host-path:container-path` with an optional `:ro`.</summary>
    public List<string> ExtraBinds { get; set; } = [];

    /// <summary>Seconds a server gets to shut down after SIGTERM before it is killed.</summary>
    public int StopGraceSeconds { get; set; } = 10;

    /// <summary>Value of the `astrolabe.hub` label on this hub's containers; replicas of one hub share it. Empty
    /// derives it from the data root.</summary>
    public string HubId { get; set; } = "";

    /// <summary>Every problem with these settings, each naming the setting.</summary>
    public IEnumerable<string> Validate()
    {
        if (!Path.IsPathFullyQualified(Socket)) yield return $"Hub:Docker:Socket '{Socket}' must be an absolute path to a Unix socket.";
        if (string.IsNullOrWhiteSpace(Image)) yield return "Hub:Docker:Image must name an image such as localhost/astrolabe-notebook:bookworm-1.";
        if (MemoryLimitMiB is < 0 or (> 0 and < 64)) yield return $"Hub:Docker:MemoryLimitMiB must be 0 (no limit) or at least 64, not {MemoryLimitMiB}.";
        if (CpuLimit is < 0 or > 1024 || (CpuLimit is { } cpus && double.IsNaN(cpus))) yield return $"Hub:Docker:CpuLimit must be between 0 (no limit) and 1024 CPUs, not {CpuLimit}.";
        if (PidsLimit < 0) yield return $"Hub:Docker:PidsLimit must be 0 or more, not {PidsLimit}.";
        if (!System.Net.IPAddress.TryParse(PublishAddress, out _)) yield return $"Hub:Docker:PublishAddress '{PublishAddress}' is not an IP address.";
        if (ArchiveFolder.Length > 0 && !Path.IsPathFullyQualified(ArchiveFolder)) yield return $"Hub:Docker:ArchiveFolder '{ArchiveFolder}' must be an absolute path.";
        if (!ArchiveMountPath.StartsWith('/')) yield return $"Hub:Docker:ArchiveMountPath '{ArchiveMountPath}' must be an absolute path.";
        for (var i = 0; i < ExtraBinds.Count; i++)
        {
            var parts = ExtraBinds[i].Split(':');
            if (parts.Length is < 2 or > 3 || !parts[0].StartsWith('/') || !parts[1].StartsWith('/') || (parts.Length == 3 && parts[2] is not ("ro" or "rw")))
                yield return $"Hub:Docker:ExtraBinds:{i} '{ExtraBinds[i]}' must be host-path:container-path with an optional :ro or :rw.";
        }
        if (StopGraceSeconds is < 0 or > 300) yield return $"Hub:Docker:StopGraceSeconds must be in [0, 300], not {StopGraceSeconds}.";
        if (HubId.Length > 0 && !System.Text.RegularExpressions.Regex.IsMatch(HubId, "^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$"))
            yield return $"Hub:Docker:HubId '{HubId}' may contain only letters, digits, '_', '.' and '-' (at most 63).";
    }
}
