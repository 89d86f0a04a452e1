using System.Globalization;

namespace Astrolabe.Hub.Sessions;

/// <summary>Memory and CPU limits for a server through Linux control groups, v1 or v2, created below the hub's own
/// group (`.../astrolabe/<leaf>`). A process joins by writing its pid to every `Joins` file before it execs the server,
/// so everything it starts is limited too. When the memory limit is hit the kernel kills a process of that group
/// only, and the count of such kills tells the hub why.</summary>
public sealed class Cgroups
{
    private readonly string? _memoryRoot, _cpuRoot; // directories under which leaves are made
    private readonly bool _v2;

    private Cgroups(string? memoryRoot, string? cpuRoot, bool v2) { _memoryRoot = memoryRoot; _cpuRoot = cpuRoot; _v2 = v2; }

    public bool LimitsMemory => _memoryRoot is not null;
    public bool LimitsCpu => _cpuRoot is not null;

    /// <summary>What this host allows, or null when no group can be made here (then rlimits are the fallback).</summary>
    public static Cgroups? Detect()
    {
        try
        {
            var own = File.ReadAllLines("/proc/self/cgroup").Select(l => l.Split(':', 3)).Where(p => p.Length == 3).ToList();
            if (File.Exists("/sys/fs/cgroup/cgroup.controllers"))
            {
                var path = own.FirstOrDefault(p => p[0] == "0")?[2] ?? "/";
                var root = Path.Combine("/sys/fs/cgroup" + path.TrimEnd('/'), "astrolabe");
                Directory.CreateDirectory(root);
                // v2 needs the controllers delegated to our subtree; this fails where the hub's group also holds processes.
                File.WriteAllText(Path.Combine(Path.GetDirectoryName(root)!, "cgroup.subtree_control"), "+memory +cpu");
                File.WriteAllText(Path.Combine(root, "cgroup.subtree_control"), "+memory +cpu");
                return new Cgroups(root, root, v2: true);
            }
            string? Root(string controller)
            {
                var line = own.FirstOrDefault(p => p[1].Split(',').Contains(controller));
                var mount = $"/sys/fs/cgroup/{controller}";
                if (line is null || !Directory.Exists(mount)) return null;
                var root = Path.Combine(mount + line[2].TrimEnd('/'), "astrolabe");
                try { Directory.CreateDirectory(root); return root; } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
            }
            var memory = Root("memory");
            var cpu = Root("cpu");
            return memory is null && cpu is null ? null : new Cgroups(memory, cpu, v2: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    /// <summary>Makes the leaf group with the limits; returns the `cgroup.procs` files a process writes itself into.</summary>
    public IReadOnlyList<string> Create(string leaf, long? memoryBytes, double? cpus)
    {
        var joins = new List<string>();
        if (_memoryRoot is not null && memoryBytes is > 0)
        {
            var dir = Leaf(_memoryRoot, leaf);
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, _v2 ? "memory.max" : "memory.limit_in_bytes"), memoryBytes.Value.ToString(CultureInfo.InvariantCulture));
            if (_v2) TryWrite(Path.Combine(dir, "memory.swap.max"), "0");
            joins.Add(Path.Combine(dir, "cgroup.procs"));
        }
        if (_cpuRoot is not null && cpus is > 0)
        {
            var dir = Leaf(_cpuRoot, leaf);
            Directory.CreateDirectory(dir);
            var quota = (long)(cpus.Value * 100_000);
            if (_v2) File.WriteAllText(Path.Combine(dir, "cpu.max"), $"{quota} 100000");
            else
            {
                File.WriteAllText(Path.Combine(dir, "cpu.cfs_period_us"), "100000");
                File.WriteAllText(Path.Combine(dir, "cpu.cfs_quota_us"), quota.ToString(CultureInfo.InvariantCulture));
            }
            var procs = Path.Combine(dir, "cgroup.procs");
            if (!joins.Contains(procs)) joins.Add(procs);
        }
        return joins;
    }

    /// <summary>How many processes the kernel has killed in this group for exceeding its memory limit.</summary>
    public long OomKills(string leaf)
    {
        if (_memoryRoot is null) return 0;
        var file = Path.Combine(Leaf(_memoryRoot, leaf), _v2 ? "memory.events" : "memory.oom_control");
        try
        {
            foreach (var line in File.ReadLines(file))
                if (line.StartsWith("oom_kill ", StringComparison.Ordinal)) return long.Parse(line[9..], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return 0;
    }

    /// <summary>Memory the group uses now, in bytes, or null when unknown.</summary>
    public long? MemoryUsage(string leaf)
    {
        if (_memoryRoot is null) return null;
        try
        {
            var text = File.ReadAllText(Path.Combine(Leaf(_memoryRoot, leaf), _v2 ? "memory.current" : "memory.usage_in_bytes")).Trim();
            return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    /// <summary>SIGKILLs every process still in the group; returns how many there were.</summary>
    public int KillAll(string leaf)
    {
        var killed = 0;
        foreach (var root in new[] { _memoryRoot, _cpuRoot }.Where(r => r is not null).Distinct())
        {
            var procs = Path.Combine(Leaf(root!, leaf), "cgroup.procs");
            if (!File.Exists(procs)) continue;
            foreach (var line in File.ReadLines(procs))
                if (int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 1) { Posix.Kill(pid, Posix.SIGKILL); killed++; }
        }
        return killed;
    }

    public void Remove(string leaf)
    {
        foreach (var root in new[] { _memoryRoot, _cpuRoot }.Where(r => r is not null).Distinct())
            try { Directory.Delete(Leaf(root!, leaf)); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    private static string Leaf(string root, string leaf) => Path.Combine(root, leaf);

    private static void TryWrite(string file, string value)
    {
        try { File.WriteAllText(file, value); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
