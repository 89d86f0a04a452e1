// Hub benchmark, two modes.
// In-process (default): spawn-to-ready time of the real jupyterhub-singleuser under a hub started inside this process,
// the latency a trivial request gains through our proxy, and admin-page timings over 10,002 users.
//   dotnet run -c Release --project bench/hub -- [--spawns 10] [--requests 2000]
// Side by side: the same workload against hub processes started elsewhere (bench/jupyterhub/run.sh starts Debian's
// JupyterHub and `astrolabe serve`), each given as name,url,service-token,pid; ratios against the baseline.
//   dotnet run -c Release --project bench/hub -- --target jupyterhub,http://127.0.0.1:P,TOKEN,PID --target astrolabe,... --baseline jupyterhub
// Users per machine: the same, ramping users one after another with every earlier server kept running (--ramp).
// Run as root on a machine of the project's kind (2 cores); nothing here leaves 127.0.0.1.
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Astrolabe.Hub;
using Astrolabe.Hub.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

var targets = args.Select((a, i) => (a, i)).Where(x => x.a == "--target" && x.i + 1 < args.Length).Select(x => HubTarget.Parse(args[x.i + 1])).ToList();
if (targets.Count > 0)
{
    var baseline = StrArg("--baseline") ?? targets[0].Name;
    if (args.Contains("--ramp"))
        await Ramp.RunAsync(targets, baseline, Arg("--cap", 120), Arg("--min-free-mib", 4096), Arg("--minutes", 20), StrArg("--users-from") ?? "u");
    else
        await SideBySide.RunAsync(targets, baseline, Arg("--spawns", 5), Arg("--requests", 1000), StrArg("--floor-account"),
            args.Select((a, i) => (a, i)).Where(x => x.a == "--logs" && x.i + 1 < args.Length).Select(x => args[x.i + 1].Split('=', 2)).ToDictionary(p => p[0], p => p[1]));
    foreach (var t in targets) t.Dispose();
    return;
}

var spawns = Arg("--spawns", 10);
var requests = Arg("--requests", 2000);
var dataRoot = Path.Combine(Path.GetTempPath(), "astrolabe-bench-" + Guid.NewGuid().ToString("N")[..8]);
var port = FreePort();
var hubUrl = new Uri($"http://127.0.0.1:{port}");

var builder = WebApplication.CreateSlimBuilder();
builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["DataRoot"] = dataRoot, ["Listen"] = hubUrl.ToString() });
builder.WebHost.UseUrls(hubUrl.ToString());
builder.Logging.ClearProviders();
builder.Services.AddHub(builder.Configuration);
var app = builder.Build();
app.MapHub();
await app.StartAsync();
try
{
    var accounts = app.Services.GetRequiredService<Accounts>();
    var user = await accounts.AddUserAsync("bench", false, "bench-password-123");
    var (token, _) = await accounts.CreateTokenAsync(user, null, "bench", null);
    using var api = new HttpClient { BaseAddress = hubUrl };
    api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("token", token);

    // Warm-up start (first useradd, Python's caches), not counted.
    await StartAsync(api, "bench");
    await StopAsync(api, "bench");

    var spawnTimes = new List<double>();
    for (var i = 0; i < spawns; i++)
    {
        var sw = Stopwatch.StartNew();
        await StartAsync(api, "bench");
        spawnTimes.Add(sw.Elapsed.TotalMilliseconds);
        if (i < spawns - 1) await StopAsync(api, "bench");
    }

    // The server is running now: compare a trivial request through the proxy with the same request direct.
    var direct = (await app.Services.GetRequiredService<Astrolabe.Hub.Sessions.ServerSessions>().RouteAsync("bench", "", default))!;
    using var client = new HttpClient();
    client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("token", token);
    var viaProxy = new Uri(hubUrl, "/user/bench/api");
    var straight = new Uri(direct, "api");
    for (var i = 0; i < 200; i++) { await client.GetAsync(viaProxy); await client.GetAsync(straight); } // warm both paths
    var proxied = new List<double>();
    var directTimes = new List<double>();
    for (var i = 0; i < requests; i++)
    {
        // Interleaved, so both paths see the same machine conditions.
        directTimes.Add(await TimeAsync(client, straight));
        proxied.Add(await TimeAsync(client, viaProxy));
    }
    var concurrent = await ConcurrentAsync(api, "/hub/api/users/bench");
    var ourMemory = ResidentMiB(Environment.ProcessId);
    var gcInfo = GC.GetGCMemoryInfo();
    await StopAsync(api, "bench");

    // The admin page with 10,000 users: a page deep in the list, a search, and a sort by activity.
    await using (var db = await app.Services.GetRequiredService<Astrolabe.Hub.State.HubDatabase>().OpenAsync())
    await using (var tx = await db.BeginTransactionAsync())
    {
        var rows = Enumerable.Range(0, 10_000).Select(i => new { name = $"user{i:D5}", created = 1_700_000_000_000L + i, last = 1_800_000_000_000L - i });
        await Dapper.SqlMapper.ExecuteAsync(db, "INSERT INTO users (name, admin, created, last_activity) VALUES (@name, 0, @created, @last)", rows, tx);
        await tx.CommitAsync();
    }
    await accounts.AddUserAsync("benchadmin", true, "bench-password-123");
    var adminCookies = new CookieContainer();
    using var adminBrowser = new HttpClient(new HttpClientHandler { CookieContainer = adminCookies }) { BaseAddress = hubUrl };
    var loginPage = await adminBrowser.GetStringAsync("/hub/login");
    var xsrf = System.Text.RegularExpressions.Regex.Match(loginPage, "name=\"_xsrf\" value=\"([^\"]+)\"").Groups[1].Value;
    await adminBrowser.PostAsync("/hub/login", new FormUrlEncodedContent(new Dictionary<string, string>
        { ["_xsrf"] = System.Net.WebUtility.HtmlDecode(xsrf), ["username"] = "benchadmin", ["password"] = "bench-password-123" }));
    var adminTimes = new Dictionary<string, double>();
    foreach (var path in new[] { "/hub/admin?page=150", "/hub/admin?q=user0424", "/hub/admin?sort=last_activity&order=desc&page=100" })
    {
        var times = new List<double>();
        for (var i = 0; i < 60; i++) times.Add(await TimeAsync(adminBrowser, new Uri(hubUrl, path)));
        adminTimes[path] = Median(times.Skip(10).ToList());
    }

    var spawnMedian = Median(spawnTimes);
    var proxyMedian = Median(proxied);
    var directMedian = Median(directTimes);
    Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
    Console.WriteLine($"spawn to ready (jupyterhub-singleuser, {spawns} starts): median {spawnMedian:F0} ms, min {spawnTimes.Min():F0} ms, max {spawnTimes.Max():F0} ms");
    Console.WriteLine($"trivial GET /api ({requests} each): direct median {directMedian:F3} ms, through the proxy {proxyMedian:F3} ms");
    Console.WriteLine($"proxy overhead: +{proxyMedian - directMedian:F3} ms per request, ratio proxied/direct {proxyMedian / directMedian:F2}");
    foreach (var (path, median) in adminTimes) Console.WriteLine($"admin page with 10,002 users, {path}: median {median:F2} ms");
    Console.WriteLine($"200 concurrent GET /hub/api/users/<name>: median {concurrent:F1} ms for all 200");
    Console.WriteLine($"resident memory of the hub (this bench process, hub and client together): {ourMemory:F0} MiB; GC heap: " +
                      (gcInfo.Index == 0 ? $"no collection yet, {GC.GetTotalAllocatedBytes() / 1048576.0:F1} MiB allocated since start"
                                         : $"{gcInfo.HeapSizeBytes / 1048576.0:F1} MiB after collection {gcInfo.Index}, {gcInfo.TotalCommittedBytes / 1048576.0:F1} MiB committed") +
                      $" ({(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC); compare hubs with bench/jupyterhub/run.sh, which measures `astrolabe serve` alone");
    Console.WriteLine("reference (DESIGN.md, JupyterHub 3.0 + configurable-http-proxy on this machine kind, not measured in this run): " +
                      "spawn ≈ 2200 ms median; proxied 2.8 ms vs direct 1.2 ms (ratio 2.33)");
}
finally
{
    await app.StopAsync();
    try { Directory.Delete(dataRoot, true); } catch (IOException) { }
}

static async Task StartAsync(HttpClient api, string user)
{
    var response = await api.PostAsync($"/hub/api/users/{user}/server", null);
    if ((int)response.StatusCode is not (201 or 202)) throw new InvalidOperationException(await response.Content.ReadAsStringAsync());
    while (true)
    {
        var model = await api.GetFromJsonAsync<JsonObject>($"/hub/api/users/{user}");
        if (model!["servers"]!.AsObject()[""]?["ready"]?.GetValue<bool>() == true) return;
        await Task.Delay(5);
    }
}

static async Task StopAsync(HttpClient api, string user)
{
    await api.DeleteAsync($"/hub/api/users/{user}/server");
    while ((await api.GetFromJsonAsync<JsonObject>($"/hub/api/users/{user}"))!["servers"]!.AsObject().Count > 0) await Task.Delay(20);
}

// 200 API requests at once, five times; the median time for all 200 to be answered.
static async Task<double> ConcurrentAsync(HttpClient api, string path)
{
    var rounds = new List<double>();
    for (var r = 0; r < 5; r++)
    {
        var sw = Stopwatch.StartNew();
        var answers = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => api.GetAsync(path)));
        rounds.Add(sw.Elapsed.TotalMilliseconds);
        if (answers.Any(a => !a.IsSuccessStatusCode)) throw new InvalidOperationException($"{path}: {answers.First(a => !a.IsSuccessStatusCode).StatusCode}");
    }
    return Median(rounds);
}

static double ResidentMiB(int pid)
{
    foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
    return 0;
}

static async Task<double> TimeAsync(HttpClient client, Uri url)
{
    var sw = Stopwatch.StartNew();
    using var response = await client.GetAsync(url);
    await response.Content.ReadAsByteArrayAsync();
    if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"{url} answered {response.StatusCode}");
    return sw.Elapsed.TotalMilliseconds;
}

static double Median(List<double> xs) { var s = xs.Order().ToList(); return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2; }

static int FreePort() { using var l = new TcpListener(IPAddress.Loopback, 0); l.Start(); return ((IPEndPoint)l.LocalEndpoint).Port; }

string? StrArg(string name) { var i = Array.IndexOf(args, name); return i >= 0 && i + 1 < args.Length ? args[i + 1] : null; }

int Arg(string name, int fallback) { var i = Array.IndexOf(args, name); return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1]) : fallback; }
