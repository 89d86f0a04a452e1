using System.Diagnostics;
using System.Net;

/// <summary>The same workload against several hub processes in one run (JupyterHub and one or more `astrolabe serve`
/// processes, e.g. with different runtime settings): spawns interleaved across hubs, then, with one server running on
/// each, a trivial request through each proxy and direct, 200 concurrent API calls, and the hubs' resident memory.
/// Every figure is printed beside the baseline target's and as a ratio to it.</summary>
static class SideBySide
{
    private sealed class Result(HubTarget target, string user)
    {
        public HubTarget Target { get; } = target;
        public string User { get; } = user;
        public List<double> Spawns { get; } = [];
        public List<SpawnSteps.Spawn> Times { get; } = [];
        public List<double> Answers201 { get; } = [];
        public List<double> Proxied { get; } = [];
        public List<double> Direct { get; } = [];
        public double Concurrent { get; set; }
        public ProcessTree.Memory? Idle { get; set; }
        public ProcessTree.Memory? Loaded { get; set; }
        public double Overhead => Stats.Median(Proxied) - Stats.Median(Direct);
    }

    public static async Task RunAsync(IReadOnlyList<HubTarget> targets, string baseline, int spawns, int requests, string? floorAccount,
        IReadOnlyDictionary<string, string> logs)
    {
        var floor = new List<double>();
        var floorHome = floorAccount is null ? "" : $"/home/{floorAccount}";
        var floorApi = new Uri((targets.FirstOrDefault(t => t.Name != baseline) ?? targets[0]).Url, "/hub/api");
        // hubbench0, hubbench1, ...: JupyterHub's spawner needs a Unix account of that name (run.sh makes them).
        var results = targets.Select((t, i) => new Result(t, $"hubbench{i}")).ToList();
        foreach (var r in results) r.Idle = ProcessTree.HubMemory(r.Target.Pid);
        foreach (var r in results) await r.Target.CreateUserAsync(r.User);
        try
        {
            // Warm-up start on each (Python's caches, the hubs' JIT or imports), not counted.
            foreach (var r in results) { await r.Target.SpawnAsync(r.User); await r.Target.StopAsync(r.User); }
            if (floorAccount is not null) await Floor.StartAsync(floorAccount, floorHome, floorApi);
            for (var i = 0; i < spawns; i++)
            {
                // The server started by hand, in the same rotation: what no hub can go below.
                if (floorAccount is not null) floor.Add(await Floor.StartAsync(floorAccount, floorHome, floorApi));
                foreach (var r in results) // interleaved, so every hub sees the same machine conditions
                {
                    var sent = DateTime.UtcNow;
                    r.Spawns.Add(await r.Target.SpawnAsync(r.User));
                    r.Times.Add(new SpawnSteps.Spawn(sent, DateTime.UtcNow));
                    if (r.Target.LastStartAnswer.Status == 201) r.Answers201.Add(r.Target.LastStartAnswer.Ms);
                    if (i < spawns - 1) await r.Target.StopAsync(r.User);
                }
            }

            // One server running on each hub now.
            var clients = results.ToDictionary(r => r, r => HubTarget.Client(null, r.Target.Token, TimeSpan.FromSeconds(30)));
            var urls = results.ToDictionary(r => r, r => (Proxied: new Uri(r.Target.Url, $"/user/{r.User}/api"), Direct: new Uri(r.Target.DirectUrl(r.User, Directory.Exists(logs.GetValueOrDefault(r.Target.Name)) ? logs[r.Target.Name] : null), "api")));
            foreach (var r in results)
                for (var i = 0; i < 200; i++) { await TimeAsync(clients[r], urls[r].Proxied); await TimeAsync(clients[r], urls[r].Direct); }
            for (var i = 0; i < requests; i++)
                foreach (var r in results)
                {
                    r.Direct.Add(await TimeAsync(clients[r], urls[r].Direct));
                    r.Proxied.Add(await TimeAsync(clients[r], urls[r].Proxied));
                }
            foreach (var r in results) r.Concurrent = await r.Target.ConcurrentAsync($"/hub/api/users/{r.User}");
            await Task.Delay(2000); // let each runtime settle (background GC, tiering) before reading memory
            // The heap breathes between collections: eleven readings half a second apart, the median (by RSS) counts.
            var readings = results.ToDictionary(r => r, _ => new List<ProcessTree.Memory>());
            for (var i = 0; i < 11; i++, await Task.Delay(500))
                foreach (var r in results) readings[r].Add(ProcessTree.HubMemory(r.Target.Pid));
            foreach (var r in results) r.Loaded = readings[r].OrderBy(m => m.RssMiB).ElementAt(5);
            foreach (var c in clients.Values) c.Dispose();
        }
        finally
        {
            foreach (var r in results)
                try { await r.Target.StopAsync(r.User); } catch (Exception e) when (e is HttpRequestException or InvalidOperationException) { }
        }

        Print(results, baseline, spawns, requests, floor);
        foreach (var r in results)
            if (logs.TryGetValue(r.Target.Name, out var log)) { Console.WriteLine(); SpawnSteps.Print(r.Target.Name, r.User, log, r.Times); }
    }

    private static void Print(List<Result> results, string baselineName, int spawns, int requests, List<double> floor)
    {
        var b = results.FirstOrDefault(r => r.Target.Name == baselineName) ?? results[0];
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; load: {File.ReadAllText("/proc/loadavg").Trim()}");
        Console.WriteLine($"{spawns} spawns each (after one warm-up), interleaved across hubs; {requests} trivial requests each way, interleaved; baseline: {b.Target.Name}");
        Console.WriteLine();
        Console.WriteLine($"{"hub",-28} {"spawn med ms",12} {"(min-max)",15} {"direct ms",9} {"proxied ms",10} {"overhead ms",11} {"200 API ms",10} {"RSS MiB",8} {"PSS MiB",8} {"idle RSS",8} {"procs",5}");
        foreach (var r in results)
            Console.WriteLine($"{r.Target.Name,-28} {Stats.Median(r.Spawns),12:F0} {$"({r.Spawns.Min():F0}-{r.Spawns.Max():F0})",15} {Stats.Median(r.Direct),9:F3} {Stats.Median(r.Proxied),10:F3} " +
                              $"{r.Overhead,11:F3} {r.Concurrent,10:F1} {r.Loaded!.RssMiB,8:F1} {r.Loaded.PssMiB,8:F1} {r.Idle!.RssMiB,8:F1} {r.Loaded.Pids.Count,5}");
        if (floor.Count > 0)
            Console.WriteLine($"{"server started by hand",-28} {Stats.Median(floor),12:F0} {$"({floor.Min():F0}-{floor.Max():F0})",15}   (floor: no hub; / {b.Target.Name} {Stats.Median(floor) / Stats.Median(b.Spawns):F2})");
        Console.WriteLine();
        foreach (var r in results.Where(r => r != b))
        {
            Console.WriteLine($"{r.Target.Name} / {b.Target.Name}:");
            Console.WriteLine($"  spawn to ready       {Stats.Median(r.Spawns) / Stats.Median(b.Spawns),6:F2}  (target <= 0.5)" +
                              (r.Answers201.Count > 0 ? $"; {r.Answers201.Count} start requests answered 201 (ready), median {Stats.Median(r.Answers201):F0} ms" : "") +
                              (floor.Count > 0 ? $"; above the floor: {r.Target.Name} +{Stats.Median(r.Spawns) - Stats.Median(floor):F0} ms, {b.Target.Name} +{Stats.Median(b.Spawns) - Stats.Median(floor):F0} ms" : ""));
            Console.WriteLine($"  proxy overhead       {r.Overhead / b.Overhead,6:F2}  (target <= 0.25)");
            Console.WriteLine($"  resident memory RSS  {r.Loaded!.RssMiB / b.Loaded!.RssMiB,6:F2}  PSS {r.Loaded.PssMiB / b.Loaded.PssMiB:F2}  (target <= 0.5)");
            // The warm-start fork server is counted with its hub; say how much of the figure it is.
            foreach (var pid in r.Loaded.Pids.Where(p => ProcessTree.CommandLine(p).Any(a => a.EndsWith("forkserver.py", StringComparison.Ordinal))))
            {
                var fork = ProcessTree.TreeMemory(pid, withServers: false);
                Console.WriteLine($"    of which its warm-start fork server: RSS {fork.RssMiB:F1} MiB, PSS {fork.PssMiB:F1} MiB; without it RSS {(r.Loaded.RssMiB - fork.RssMiB) / b.Loaded.RssMiB:F2}");
            }
            Console.WriteLine($"  200 concurrent API   {b.Concurrent / r.Concurrent,6:F1}x faster  (target >= 10)");
        }
        foreach (var r in results.Where(r => IsDotnet(r.Target.Pid)))
        {
            Console.WriteLine();
            Console.WriteLine($"where {r.Target.Name}'s memory is (pid {r.Target.Pid}), MiB:");
            foreach (var (kind, rss, pss) in ProcessTree.Breakdown(r.Target.Pid)) Console.WriteLine($"  {kind,-48} RSS {rss,7:F1}  PSS {pss,7:F1}");
        }
    }

    private static bool IsDotnet(int pid) => ProcessTree.CommandLine(pid) is [var exe, ..] && exe.EndsWith("dotnet", StringComparison.Ordinal);

    private static async Task<double> TimeAsync(HttpClient client, Uri url)
    {
        var sw = Stopwatch.StartNew();
        using var response = await client.GetAsync(url);
        await response.Content.ReadAsByteArrayAsync();
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"{url} answered {response.StatusCode}");
        return sw.Elapsed.TotalMilliseconds;
    }
}
