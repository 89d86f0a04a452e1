using System.Globalization;

/// <summary>Where a spawn's time goes, from the logs each hub keeps, matched to the times the benchmark sent the start
/// request and received "ready": the hub's work before it runs the server (our hub writes a "---- <time> starting"
/// line just before exec), Python's start-up until the server's first log line, the server's set-up until it serves
/// ("is running at"), and the time from then until the hub reported the server ready (readiness polling, proxy route,
/// database). Jupyter logs local time; this machine's clock is UTC.</summary>
static class SpawnSteps
{
    public sealed record Spawn(DateTime SentUtc, DateTime ReadyUtc);

    public static void Print(string hub, string user, string logPath, IReadOnlyList<Spawn> spawns)
    {
        var file = Directory.Exists(logPath) ? Path.Combine(logPath, user + ".log") : logPath;
        if (!File.Exists(file)) { Console.WriteLine($"  ({hub}: no log at {file})"); return; }
        var lines = File.ReadAllLines(file).Select(l => (Time: TimeOf(l), Line: l)).Where(x => x.Time is not null).Select(x => (Time: x.Time!.Value, x.Line)).ToList();
        var steps = new Dictionary<string, List<double>>();
        void Add(string step, DateTime from, DateTime? to) { if (to is { } t) (steps.TryGetValue(step, out var l) ? l : steps[step] = []).Add((t - from).TotalMilliseconds); }
        foreach (var s in spawns)
        {
            DateTime? First(string text, DateTime after) => lines.FirstOrDefault(x => x.Time >= after && x.Time <= s.ReadyUtc.AddSeconds(1) && x.Line.Contains(text, StringComparison.Ordinal)).Time is var t && t != default ? t : null;
            var exec = First(" starting on port ", s.SentUtc.AddMilliseconds(-5));
            var python = First("Starting jupyterhub single-user server", exec ?? s.SentUtc);
            var running = python is { } p ? First(" is running at:", p) : null;
            if (exec is { } e) Add("1 hub: request to exec of the server", s.SentUtc, e);
            if (python is not null) Add(exec is null ? "1-2 hub's work + Python start-up until the server's first log line" : "2 Python start-up until the server's first log line", exec ?? s.SentUtc, python);
            if (running is not null && python is { } py) Add("3 server set-up until it serves", py, running);
            if (running is { } r) Add("4 hub: server serving -> ready received", r, s.ReadyUtc);
        }
        Console.WriteLine($"{hub}: where the spawn time goes (median ms over {spawns.Count} spawns, from its log {file}):");
        foreach (var (step, ms) in steps.OrderBy(kv => kv.Key, StringComparer.Ordinal)) Console.WriteLine($"  {Stats.Median(ms),7:F0}  {step[2..]}");
    }

    // "---- 2026-11-22T02:15:27.4372139+00:00 starting ..." (our hub) or "[I 2026-11-22 02:15:29.935 SingleUserNotebookApp ...]" (Jupyter).
    private static DateTime? TimeOf(string line)
    {
        if (line.StartsWith("---- ", StringComparison.Ordinal) && DateTimeOffset.TryParse(line.AsSpan(5, line.IndexOf(' ', 5) - 5), CultureInfo.InvariantCulture, DateTimeStyles.None, out var t))
            return t.UtcDateTime;
        if (line.Length > 26 && line[0] == '[' && line[2] == ' ' &&
            DateTime.TryParseExact(line.AsSpan(3, 23), "yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out var local))
            return local.ToUniversalTime();
        return null;
    }
}
