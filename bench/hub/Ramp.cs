using System.Diagnostics;

/// <summary>Users per machine: start users' servers one after another (u001, u002, ...) keeping every earlier one
/// running, and time each spawn-to-ready. The hubs ramp interleaved (user k on each hub in turn, then user k+1), so
/// the other engineers' load on this shared machine falls on both alike; a hub's ramp ends when the median of its last
/// three spawns exceeds twice the median of its first three, when a spawn fails, at the cap, when the machine's
/// available memory would fall below the floor, or at the time limit. A hub that has finished keeps its servers
/// running until every hub has finished; then every server the ramp started is stopped, also on failure.</summary>
static class Ramp
{
    private sealed record Step(int Users, double SpawnMs, double HubRssMiB, double HubPssMiB, double AvailableMiB, string Load);

    private sealed class Run(HubTarget target)
    {
        public HubTarget Target { get; } = target;
        public List<Step> Steps { get; } = [];
        public List<string> Started { get; } = [];
        public string? Why { get; set; }
        public bool Doubled { get; set; }
        public double ServerPssMiB { get; set; }
    }

    public static async Task RunAsync(IReadOnlyList<HubTarget> targets, string baseline, int cap, int minFreeMiB, int minutes, string prefix)
    {
        var runs = targets.Select(t => new Run(t)).ToList();
        var clock = Stopwatch.StartNew();
        Console.WriteLine($"ramp to at most {cap} users per hub, interleaved; load {File.ReadAllText("/proc/loadavg").Trim()}, available {ProcessTree.AvailableMiB():F0} MiB");
        try
        {
            for (var k = 1; k <= cap && runs.Any(r => r.Why is null); k++)
                foreach (var run in runs.Where(r => r.Why is null))
                    await StepAsync(run, k, runs, minFreeMiB, minutes, clock, prefix);
            foreach (var run in runs) run.Why ??= $"reached the cap of {cap} users";
            foreach (var run in runs) // what the users' servers themselves take, while they all still run
                run.ServerPssMiB = ProcessTree.SingleUserServers(run.Target.Pid).Sum(p => ProcessTree.TreeMemory(p, withServers: true).PssMiB);
        }
        finally
        {
            foreach (var run in runs)
            {
                Console.WriteLine($"stopping {run.Started.Count} servers of {run.Target.Name}");
                await StopAllAsync(run.Target, run.Started);
            }
        }

        Console.WriteLine();
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores; load now {File.ReadAllText("/proc/loadavg").Trim()}; {clock.Elapsed.TotalMinutes:F1} min");
        foreach (var run in runs)
        {
            var s = run.Steps;
            var count = run.Doubled ? s.Count - 1 : s.Count;
            var more = run.Doubled || run.Why!.StartsWith("the spawn", StringComparison.Ordinal) ? "" : "more than ";
            Console.WriteLine($"{run.Target.Name,-12} {more}{count} concurrent users ({run.Why}); spawn median of the first three {First3(s):F0} ms, last three {Last3(s):F0} ms; " +
                              $"hub RSS {s.FirstOrDefault()?.HubRssMiB:F0} -> {s.LastOrDefault()?.HubRssMiB:F0} MiB, PSS {s.FirstOrDefault()?.HubPssMiB:F0} -> {s.LastOrDefault()?.HubPssMiB:F0} MiB; " +
                              $"servers' PSS {run.ServerPssMiB / Math.Max(1, s.Count):F0} MiB per user");
        }
        var b = runs.FirstOrDefault(r => r.Target.Name == baseline);
        if (b is null) return;
        foreach (var r in runs.Where(r => r != b))
            Console.WriteLine($"{r.Target.Name} / {b.Target.Name}: spawn at the start {First3(r.Steps) / First3(b.Steps):F2}, " +
                              $"at {Math.Min(r.Steps.Count, b.Steps.Count)} users {Around(r.Steps, Math.Min(r.Steps.Count, b.Steps.Count)) / Around(b.Steps, Math.Min(r.Steps.Count, b.Steps.Count)):F2}; " +
                              $"hub memory at the end RSS {r.Steps[^1].HubRssMiB / b.Steps[^1].HubRssMiB:F2}, PSS {r.Steps[^1].HubPssMiB / b.Steps[^1].HubPssMiB:F2}");
    }

    private static async Task StepAsync(Run run, int k, List<Run> runs, int minFreeMiB, int minutes, Stopwatch clock, string prefix)
    {
        var available = ProcessTree.AvailableMiB();
        // What the machine lost per running server so far, all hubs together; 150 MiB until it is known.
        var total = runs.Sum(r => r.Steps.Count);
        var first = runs.Where(r => r.Steps.Count > 0).Select(r => r.Steps[0].AvailableMiB).DefaultIfEmpty(available).Max();
        var perServer = total >= 4 ? Math.Max(50, (first - available) / (total - 1)) : 150;
        if (available - perServer < minFreeMiB) { run.Why = $"stopped before user {k}: available memory {available:F0} MiB would fall below {minFreeMiB} MiB"; return; }
        if (clock.Elapsed.TotalMinutes > minutes) { run.Why = $"stopped before user {k}: the {minutes}-minute time limit"; return; }
        var user = $"{prefix}{k:D3}";
        double ms;
        try
        {
            await run.Target.CreateUserAsync(user);
            run.Started.Add(user);
            ms = await run.Target.SpawnAsync(user);
        }
        catch (Exception e) when (e is InvalidOperationException or HttpRequestException or TaskCanceledException)
        {
            run.Why = $"the spawn of user {k} failed: {e.Message.Split('\n')[0]}";
            return;
        }
        var memory = ProcessTree.HubMemory(run.Target.Pid);
        var load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        run.Steps.Add(new Step(k, ms, memory.RssMiB, memory.PssMiB, ProcessTree.AvailableMiB(), load));
        Console.WriteLine($"  {run.Target.Name,-12} user {k,3}: spawn {ms,6:F0} ms, hub RSS {memory.RssMiB,6:F1} MiB PSS {memory.PssMiB,6:F1} MiB, available {run.Steps[^1].AvailableMiB,6:F0} MiB, load {load}");
        if (run.Steps.Count >= 6 && Last3(run.Steps) > 2 * First3(run.Steps))
        {
            run.Doubled = true;
            run.Why = $"spawn time doubled at user {k}: median of the last three {Last3(run.Steps):F0} ms > 2 x {First3(run.Steps):F0} ms";
        }
    }

    private static double First3(List<Step> steps) => Stats.Median(steps.Take(3).Select(s => s.SpawnMs).ToList());
    private static double Last3(List<Step> steps) => Stats.Median(steps.TakeLast(3).Select(s => s.SpawnMs).ToList());
    private static double Around(List<Step> steps, int users) => Stats.Median(steps.Take(users).TakeLast(3).Select(s => s.SpawnMs).ToList());

    private static async Task StopAllAsync(HubTarget target, List<string> users)
    {
        // Eight at a time: each stop waits for the server's own shutdown.
        using var gate = new SemaphoreSlim(8);
        await Task.WhenAll(users.Select(async u =>
        {
            await gate.WaitAsync();
            try { await target.StopAsync(u); }
            catch (Exception e) when (e is HttpRequestException or InvalidOperationException or TaskCanceledException) { Console.WriteLine($"  could not stop {u}: {e.Message}"); }
            finally { gate.Release(); }
        }));
    }
}
