using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

/// <summary>A hub running as its own process (ours or JupyterHub), driven only through the JupyterHub REST API with a
/// service token, so both hubs get exactly the same workload. `Pid` is the hub's process; its memory is that process
/// tree without the user servers (so JupyterHub's configurable-http-proxy child counts, the notebook servers do not).</summary>
sealed class HubTarget(string name, Uri url, string token, int pid) : IDisposable
{
    public string Name { get; } = name;
    public Uri Url { get; } = url;
    public string Token { get; } = token;
    public int Pid { get; } = pid;

    private readonly HttpClient _api = Client(url, token, TimeSpan.FromSeconds(120));

    /// <summary>The status of the last start request (201: the server was ready when it answered; 202: still starting)
    /// and how long it took to answer.</summary>
    public (int Status, double Ms) LastStartAnswer { get; private set; }

    public static HubTarget Parse(string spec)
    {
        // name,url,token,pid
        var p = spec.Split(',');
        if (p.Length != 4) throw new ArgumentException($"--target wants name,url,token,pid, not '{spec}'");
        return new HubTarget(p[0], new Uri(p[1]), p[2], int.Parse(p[3], System.Globalization.CultureInfo.InvariantCulture));
    }

    public static HttpClient Client(Uri? baseAddress, string token, TimeSpan timeout)
    {
        var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = 256 }) { Timeout = timeout };
        if (baseAddress is not null) client.BaseAddress = baseAddress;
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("token", token);
        return client;
    }

    public async Task CreateUserAsync(string user)
    {
        using var response = await _api.PostAsync($"/hub/api/users/{user}", null);
        if (response.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.Conflict))
            throw new InvalidOperationException($"{Name}: creating {user} answered {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Milliseconds from the start request to the "ready" event of the hub's progress stream (both hubs send
    /// it the moment they consider the server ready, so no polling interval of ours enters the figure).</summary>
    public async Task<double> SpawnAsync(string user)
    {
        var sw = Stopwatch.StartNew();
        using (var response = await _api.PostAsync($"/hub/api/users/{user}/server", null))
        {
            if ((int)response.StatusCode is not (201 or 202))
                throw new InvalidOperationException($"{Name}: starting {user} answered {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            LastStartAnswer = ((int)response.StatusCode, sw.Elapsed.TotalMilliseconds);
        }
        using var stream = await _api.GetStreamAsync($"/hub/api/users/{user}/server/progress");
        using var reader = new StreamReader(stream);
        while (await reader.ReadLineAsync() is { } line)
        {
            if (!line.StartsWith("data:", StringComparison.Ordinal)) continue;
            var e = JsonNode.Parse(line[5..])!;
            if (e["ready"]?.GetValue<bool>() == true) return sw.Elapsed.TotalMilliseconds;
            if (e["failed"]?.GetValue<bool>() == true) throw new InvalidOperationException($"{Name}: {user}'s server failed: {e["message"]}");
        }
        // The stream ended without a ready event (JupyterHub closes it when the spawn already finished): check the model.
        if (await IsReadyAsync(user)) return sw.Elapsed.TotalMilliseconds;
        throw new InvalidOperationException($"{Name}: {user}'s progress stream ended before the server was ready");
    }

    public async Task<bool> IsReadyAsync(string user)
    {
        var model = await _api.GetFromJsonAsync<JsonObject>($"/hub/api/users/{user}");
        return model!["servers"]!.AsObject()[""]?["ready"]?.GetValue<bool>() == true;
    }

    public async Task StopAsync(string user)
    {
        using (await _api.DeleteAsync($"/hub/api/users/{user}/server")) { }
        while ((await _api.GetFromJsonAsync<JsonObject>($"/hub/api/users/{user}"))!["servers"]!.AsObject().Count > 0) await Task.Delay(50);
    }

    /// <summary>The user's server's own address (bypassing the hub's proxy), read from its process below the hub's:
    /// our hub passes `--port=N`, JupyterHub passes `JUPYTERHUB_SERVICE_URL`. A server our hub forked warm shows its
    /// fork server's command line and environment, so then the port comes from the line our hub writes to the
    /// server's log (`---- TIME starting on port N`) in <paramref name="logDirectory"/>.</summary>
    public Uri DirectUrl(string user, string? logDirectory = null)
    {
        foreach (var p in ProcessTree.SingleUserServers(Pid))
        {
            var env = ProcessTree.Environment(p);
            if (env.GetValueOrDefault("JUPYTERHUB_USER") != user) continue;
            var prefix = env.GetValueOrDefault("JUPYTERHUB_SERVICE_PREFIX") ?? $"/user/{user}/";
            var port = ProcessTree.CommandLine(p).FirstOrDefault(a => a.StartsWith("--port=", StringComparison.Ordinal))?[7..];
            if (port is not null) return new Uri($"http://127.0.0.1:{port}{prefix}");
            if (env.GetValueOrDefault("JUPYTERHUB_SERVICE_URL") is { } service) return new Uri(new Uri(service), prefix);
        }
        if (logDirectory is not null && Path.Combine(logDirectory, $"{user}.log") is var log && File.Exists(log)
            && File.ReadLines(log).LastOrDefault(l => l.StartsWith("---- ", StringComparison.Ordinal) && l.Contains(" starting on port ", StringComparison.Ordinal)) is { } line)
            return new Uri($"http://127.0.0.1:{line[(line.LastIndexOf(' ') + 1)..]}/user/{user}/");
        throw new InvalidOperationException($"{Name}: no running server process found for {user}");
    }

    /// <summary>200 API requests at once, five times; the median time for all 200 to be answered.</summary>
    public async Task<double> ConcurrentAsync(string path)
    {
        var rounds = new List<double>();
        for (var r = 0; r < 5; r++)
        {
            var sw = Stopwatch.StartNew();
            var answers = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => _api.GetAsync(path)));
            rounds.Add(sw.Elapsed.TotalMilliseconds);
            if (answers.FirstOrDefault(a => !a.IsSuccessStatusCode) is { } bad) throw new InvalidOperationException($"{Name} {path}: {bad.StatusCode}");
            foreach (var a in answers) a.Dispose();
        }
        return Stats.Median(rounds);
    }

    public void Dispose() => _api.Dispose();
}
