using System.Globalization;

/// <summary>Resident memory of a hub, read from /proc: the hub's process and its descendants, leaving out the notebook
/// servers (any process whose command line names jupyterhub-singleuser, and everything below it).</summary>
static class ProcessTree
{
    /// <summary>VmRSS and PSS (shared pages divided among the processes sharing them) in MiB, and the pids counted.</summary>
    public sealed record Memory(double RssMiB, double PssMiB, IReadOnlyList<int> Pids);

    public static Memory HubMemory(int root) => TreeMemory(root, withServers: false);

    /// <summary>The memory of `root` and its descendants; without notebook servers unless `withServers`.</summary>
    public static Memory TreeMemory(int root, bool withServers)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var (pid, ppid) in Parents())
        {
            if (!children.TryGetValue(ppid, out var list)) children[ppid] = list = [];
            list.Add(pid);
        }
        var counted = new List<int>();
        var todo = new Stack<int>([root]);
        while (todo.Count > 0)
        {
            var pid = todo.Pop();
            if (!withServers && pid != root && IsSingleUserServer(pid)) continue;
            counted.Add(pid);
            foreach (var c in children.GetValueOrDefault(pid) ?? []) todo.Push(c);
        }
        double rss = 0, pss = 0;
        foreach (var pid in counted)
        {
            rss += Field($"/proc/{pid}/status", "VmRSS:");
            pss += Field($"/proc/{pid}/smaps_rollup", "Pss:");
        }
        return new Memory(rss / 1024, pss / 1024, counted);
    }

    /// <summary>Where a .NET process's resident memory is, by kind of mapping, in MiB (RSS, PSS): the framework's and our
    /// assemblies (file-mapped .dll: precompiled code and metadata), native libraries (.so), the runtime's double-mapped
    /// executable memory (JIT-compiled code, stubs, loader heaps), and anonymous memory (GC heap and native allocations).</summary>
    public static IReadOnlyList<(string Kind, double RssMiB, double PssMiB)> Breakdown(int pid)
    {
        var rss = new Dictionary<string, double>();
        var pss = new Dictionary<string, double>();
        var kind = "";
        foreach (var line in File.ReadLines($"/proc/{pid}/smaps"))
        {
            var first = line.IndexOf(' ');
            if (first > 0 && line[..first].Contains('-') && char.IsAsciiHexDigit(line[0]))
            {
                var parts = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
                var path = parts.Length > 5 ? parts[5].Trim() : "";
                kind = path.EndsWith(".dll", StringComparison.Ordinal) ? "assemblies (.dll, mapped)"
                    : path.Contains(".so", StringComparison.Ordinal) ? "native libraries (.so)"
                    : path.StartsWith("/memfd:", StringComparison.Ordinal) ? "JIT code, stubs, loader heaps (double-mapped)"
                    : path is "" or "[heap]" ? "anonymous (GC heap, native allocations)"
                    : "other";
            }
            else if (line.StartsWith("Rss:", StringComparison.Ordinal)) rss[kind] = rss.GetValueOrDefault(kind) + Kib(line);
            else if (line.StartsWith("Pss:", StringComparison.Ordinal)) pss[kind] = pss.GetValueOrDefault(kind) + Kib(line);
        }
        return rss.OrderByDescending(kv => kv.Value).Select(kv => (kv.Key, kv.Value / 1024, pss.GetValueOrDefault(kv.Key) / 1024)).ToList();
    }

    /// <summary>The notebook servers below `root` (each one's topmost process).</summary>
    public static IEnumerable<int> SingleUserServers(int root)
    {
        var parents = Parents().ToDictionary(p => p.Pid, p => p.Parent);
        foreach (var pid in parents.Keys)
        {
            if (pid == root || !IsSingleUserServer(pid)) continue;
            // Only the topmost: a kernel that leads its own session below a server belongs to that server.
            for (var p = pid; p > 1 && parents.TryGetValue(p, out var up); p = up)
            {
                if (up == root) { yield return pid; break; }
                if (IsSingleUserServer(up)) break;
            }
        }
    }

    public static string[] CommandLine(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return []; }
    }

    public static Dictionary<string, string> Environment(int pid)
    {
        var env = new Dictionary<string, string>();
        try
        {
            foreach (var kv in File.ReadAllText($"/proc/{pid}/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries))
                if (kv.IndexOf('=') is > 0 and var eq) env[kv[..eq]] = kv[(eq + 1)..];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return env;
    }

    /// <summary>MemAvailable of the machine in MiB.</summary>
    public static double AvailableMiB() => Field("/proc/meminfo", "MemAvailable:") / 1024;

    /// <summary>A notebook server with everything it runs: the exec'd program, or a Python process below the hub that
    /// leads its own session (a server our hub forked warm keeps its fork server's command line; each server gets its
    /// own session; JupyterHub's proxy, node, leads one too and is not a server).</summary>
    private static bool IsSingleUserServer(int pid) =>
        CommandLine(pid) is var command && (command.Any(a => a.EndsWith("jupyterhub-singleuser", StringComparison.Ordinal))
                                            || (Session(pid) == pid && command is [var exe, ..] && exe.Contains("python", StringComparison.Ordinal)));

    private static int Session(int pid) =>
        StatFields(pid) is { } fields && int.TryParse(fields[3], CultureInfo.InvariantCulture, out var session) ? session : 0;

    private static IEnumerable<(int Pid, int Parent)> Parents()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || StatFields(pid) is not { } fields) continue;
            yield return (pid, int.Parse(fields[1], CultureInfo.InvariantCulture));
        }
    }

    /// <summary>The fields of /proc/PID/stat after `pid (comm)` (state, ppid, pgrp, session, ...), or null when gone.
    /// comm may contain spaces and parentheses, so the split starts after the last ')'.</summary>
    private static string[]? StatFields(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    private static double Field(string file, string name)
    {
        try
        {
            foreach (var line in File.ReadLines(file))
                if (line.StartsWith(name, StringComparison.Ordinal)) return Kib(line);
        }
        catch (IOException) { }
        return 0;
    }

    private static double Kib(string line) => double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}

static class Stats
{
    public static double Median(IReadOnlyCollection<double> xs)
    {
        var s = xs.Order().ToList();
        return s.Count == 0 ? double.NaN : s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
    }
}
