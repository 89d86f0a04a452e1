namespace Astrolabe.Hub.Sessions.Containers;

/// <summary>The body of `POST /containers/create`: only the fields the spawner sets, named as the Docker Engine API names them.</summary>
public sealed record ContainerSpec
{
    public required string Image { get; init; }
    public IReadOnlyList<string>? Cmd { get; init; }
    /// <summary>`NAME=value` pairs.</summary>
    public IReadOnlyList<string>? Env { get; init; }
    public string? User { get; init; }
    public string? WorkingDir { get; init; }
    public IReadOnlyDictionary<string, string>? Labels { get; init; }
    /// <summary>`"8888/tcp": {}` for each port the server listens on.</summary>
    public IReadOnlyDictionary<string, EmptyObject>? ExposedPorts { get; init; }
    public HostConfig? HostConfig { get; init; }
}

/// <summary>Resource limits, mounts and port publishing of a container.</summary>
public sealed record HostConfig
{
    /// <summary>Memory limit in bytes (0: none).</summary>
    public long? Memory { get; init; }
    /// <summary>Memory plus swap in bytes; equal to Memory means no swap, so the limit is real.</summary>
    public long? MemorySwap { get; init; }
    /// <summary>CPU quota in units of 1e-9 CPUs.</summary>
    public long? NanoCpus { get; init; }
    /// <summary>`host-path:container-path[:ro]`.</summary>
    public IReadOnlyList<string>? Binds { get; init; }
    /// <summary>`"8888/tcp": [{"HostIp": "127.0.0.1", "HostPort": ""}]`; an empty HostPort asks for a random free port.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<PortBinding>>? PortBindings { get; init; }
    public string? NetworkMode { get; init; }
    /// <summary>`name:address` lines added to the container's /etc/hosts.</summary>
    public IReadOnlyList<string>? ExtraHosts { get; init; }
    public long? PidsLimit { get; init; }
}

public sealed record PortBinding(string HostIp, string HostPort);

/// <summary>`{}` in the API's JSON.</summary>
public sealed record EmptyObject;

public sealed record CreatedContainer(string Id, IReadOnlyList<string>? Warnings);

/// <summary>One entry of `GET /containers/json`.</summary>
public sealed record ContainerSummary(string Id, IReadOnlyList<string>? Names, string? Image, string? State, string? Status, IReadOnlyDictionary<string, string>? Labels);
