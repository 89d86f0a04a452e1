namespace Astrolabe.Hub.Sessions;

/// <summary>Starts, finds and stops notebook servers. `State` is what the spawner needs to find a server again after a
/// hub restart; the hub stores it with the server and hands it back. Readiness (answering HTTP) is checked by the hub.</summary>
public interface ISpawner
{
    Task<SpawnedServer> StartAsync(SpawnRequest request, IProgress<string> progress, CancellationToken ct);

    /// <summary>Whether the server's process (or container) is still alive.</summary>
    Task<bool> IsAliveAsync(string state, CancellationToken ct);

    /// <summary>Stops gracefully, then by force. Returns when the server is gone.</summary>
    Task StopAsync(string state, CancellationToken ct);

    /// <summary>The last lines the server wrote, to explain a failure.</summary>
    Task<string> ReadLogTailAsync(string state, int lines, CancellationToken ct);

    /// <summary>How many of the server's processes were killed for exceeding its memory limit (0 when unknown).</summary>
    Task<long> OomKillsAsync(string state, CancellationToken ct) => Task.FromResult(0L);

    /// <summary>Memory the server uses now, in bytes, if known.</summary>
    long? MemoryUsageBytes(string state) => null;

    /// <summary>The server's memory limit in bytes, if one is enforced.</summary>
    long? MemoryLimitBytes(string state) => null;
}

/// <summary>What to start: whose server, which one, with which profile's limits, image and archive, and the
/// JupyterHub environment it needs.</summary>
public sealed record SpawnRequest(string User, string ServerName, string ServicePrefix, IReadOnlyDictionary<string, string> Environment,
    ServerProfile Profile);

/// <summary>A started server: where to reach it and how to find it again.</summary>
public sealed record SpawnedServer(Uri Url, string State);
