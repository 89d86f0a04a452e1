using System.Text.Json.Nodes;

namespace Astrolabe.Hub.Sessions.Containers;

/// <summary>What the spawner reads from `GET /containers/{id}/json`: run state, exit code, labels, published ports and
/// the limits and mounts in force.</summary>
public sealed record ContainerInfo(string Id, string Name, string Status, bool Running, int Pid, int ExitCode, bool OomKilled,
    IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, int> HostPorts, long MemoryBytes, long NanoCpus,
    IReadOnlyList<string> Binds)
{
    /// <summary>Reads an inspect answer; `HostPorts` maps `8888/tcp` to the host port it is published on.</summary>
    public static ContainerInfo From(JsonObject json)
    {
        var state = json["State"] as JsonObject;
        var labels = new Dictionary<string, string>();
        if (json["Config"]?["Labels"] is JsonObject l)
            foreach (var (k, v) in l) if (v is not null) labels[k] = v.GetValue<string>();
        var ports = new Dictionary<string, int>();
        if (json["NetworkSettings"]?["Ports"] is JsonObject p)
            foreach (var (containerPort, bindings) in p)
                if (bindings is JsonArray { Count: > 0 } a && int.TryParse(a[0]?["HostPort"]?.GetValue<string>(), out var hostPort))
                    ports[containerPort] = hostPort;
        var host = json["HostConfig"] as JsonObject;
        var binds = (host?["Binds"] as JsonArray)?.Select(b => b?.GetValue<string>() ?? "").ToList() ?? [];
        return new ContainerInfo(
            json["Id"]?.GetValue<string>() ?? "",
            (json["Name"]?.GetValue<string>() ?? "").TrimStart('/'),
            state?["Status"]?.GetValue<string>() ?? "",
            state?["Running"]?.GetValue<bool>() ?? false,
            state?["Pid"]?.GetValue<int>() ?? 0,
            state?["ExitCode"]?.GetValue<int>() ?? 0,
            state?["OOMKilled"]?.GetValue<bool>() ?? false,
            labels, ports,
            host?["Memory"]?.GetValue<long>() ?? 0,
            host?["NanoCpus"]?.GetValue<long>() ?? 0,
            binds);
    }
}
