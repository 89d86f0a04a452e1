// RoI pipeline throughput on generated ALMA-like cubes: Astrolabe on one core and on all cores, and the numpy/scipy/astropy
// reference (reference.py) on one core and with one process per core, measured side by side in one run on the same files.
// Every run is a child process (this program with --child, or reference.py); one-core runs are started under
// `taskset -c 0`, so every thread of them (thread pool and GC included) shares CPU 0. Each run reports wall and CPU
// seconds per cube, MB/s and its peak memory.
//
// Both sides are timed the same way. Warm runs: each child first processes the first cube untimed (.NET: JIT and type
// loading; Python: imports are already done, and the first call's lazy loading), then times all the cubes inside the
// process. Cold runs (one core, unless --no-cold): the whole child process from spawn to exit with no warm-up — runtime
// start-up and JIT, or interpreter start-up and imports, included — timed by this process, CPU from getrusage.
//
// With --rounds N the whole interleaved sequence runs N times and the table and ratios are medians over the rounds (each
// round's one-core ratio is listed too): on a shared machine one round moves with the load.
//
//   dotnet run -c Release --project bench/roi -- [--size 256x256x128] [--count 8] [--rounds 1] [--no-python] [--no-cold] [--keep DIR]
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Astrolabe.Regions.Pipeline;
using Astrolabe.Regions.Synthetic;

if (args.Length > 0 && args[0] == "--child")
{
    bool coldChild = args.Length > 2 && args[2] == "--cold";
    return await Child(int.Parse(args[1], CultureInfo.InvariantCulture), coldChild, args[(coldChild ? 3 : 2)..].ToList());
}

var size = Option("--size", "256x256x128").Split('x').Select(int.Parse).ToArray();
int count = int.Parse(Option("--count", "8"), CultureInfo.InvariantCulture);
bool python = !args.Contains("--no-python");
bool cold = !args.Contains("--no-cold");
int rounds = int.Parse(Option("--rounds", "1"), CultureInfo.InvariantCulture);
string folder = Option("--keep", Path.Combine(Path.GetTempPath(), $"astrolabe-roi-bench-{size[0]}x{size[1]}x{size[2]}-{count}"));
int cores = Environment.ProcessorCount;

Console.WriteLine($"RoI benchmark: {count} cubes of {size[0]}x{size[1]}x{size[2]} float32, {cores} cores, {Environment.OSVersion}, .NET {Environment.Version}");
Console.WriteLine($"load average at the start: {File.ReadAllText("/proc/loadavg").Trim()}");
var spec = new SyntheticCubeSpec { Width = size[0], Height = size[1], Channels = size[2], Sources = Math.Max(8, size[0] * size[1] / 2000) };
var cubes = Directory.Exists(folder) && Directory.GetFiles(folder, "cube_*.fits").Length == count
    ? Directory.GetFiles(folder, "cube_*.fits").Order().ToList()
    : DemoCubeSet.Write(folder, count, spec, firstSeed: 1).ToList();
double megabytes = cubes.Sum(f => new FileInfo(f).Length) / 1e6;
Console.WriteLine($"cubes in {folder}: {megabytes:F1} MB (page cache warm: every run reads the same files)");

var all = new List<Measured>();
var roundRatios = new List<string>();
for (int round = 1; round <= rounds; round++)
{
    if (rounds > 1) Console.WriteLine($"round {round} of {rounds}, load {File.ReadAllText("/proc/loadavg").Trim()}");
    // Interleaved, so a change in the machine's load hits both sides alike.
    var ours = Run(cubes, 1, cold: false);
    all.Add(ours);
    if (python)
    {
        var theirs = RunPython(cubes, 1, cold: false);
        all.Add(theirs);
        roundRatios.Add($"x{theirs.CpuSeconds / ours.CpuSeconds:F1}");
    }
    all.Add(Run(cubes, cores, cold: false));
    if (python) all.Add(RunPython(cubes, cores, cold: false));
    if (cold)
    {
        all.Add(Run(cubes, 1, cold: true));
        if (python) all.Add(RunPython(cubes, 1, cold: true));
    }
}
// Medians over the rounds, per configuration, in the order first run.
var results = all.Select(r => r.Name).Distinct().Select(name =>
{
    var runs = all.Where(r => r.Name == name).ToList();
    return new Measured(name, Median(runs.Select(r => r.Seconds)), Median(runs.Select(r => r.CpuSeconds)), runs.Max(r => r.PeakMegabytes));
}).ToList();
if (rounds > 1) Console.WriteLine($"\nmedians over {rounds} rounds; one-core CPU ratio in each round: {string.Join(", ", roundRatios)}");

Console.WriteLine();
Console.WriteLine($"{"",-42}{"s/cube",10}{"cubes/s",10}{"MB/s",10}{"CPU s/cube",12}{"peak MB",10}   (peak: private resident memory)");
foreach (var r in results)
{
    Console.WriteLine($"{r.Name,-42}{r.Seconds / count,10:F3}{count / r.Seconds,10:F3}{megabytes / r.Seconds,10:F1}{r.CpuSeconds / count,12:F3}{r.PeakMegabytes,10:F0}");
}
Console.WriteLine();
var ours1 = results.First(r => r.Name.StartsWith("astrolabe, 1"));
var oursN = results.First(r => r.Name.StartsWith($"astrolabe, {cores}"));
Console.WriteLine($"astrolabe scaling, {cores} workers vs 1 (cubes/s):      x{ours1.Seconds / oursN.Seconds:F2}");
if (python)
{
    var py1 = results.First(r => r.Name.StartsWith("python reference, 1"));
    var pyN = results.First(r => r.Name.StartsWith($"python reference, {cores}"));
    Console.WriteLine($"python reference scaling, {cores} processes vs 1:      x{py1.Seconds / pyN.Seconds:F2}");
    Console.WriteLine($"astrolabe vs python reference, 1 core (wall):      x{py1.Seconds / ours1.Seconds:F1}");
    Console.WriteLine($"astrolabe vs python reference, 1 core (CPU):       x{py1.CpuSeconds / ours1.CpuSeconds:F1}");
    Console.WriteLine($"astrolabe vs python reference, {cores} cores (wall):     x{pyN.Seconds / oursN.Seconds:F1}");
    Console.WriteLine($"astrolabe vs python reference, {cores} cores (CPU):      x{pyN.CpuSeconds / oursN.CpuSeconds:F1}");
    Console.WriteLine($"peak memory, python reference / astrolabe (1 core): x{py1.PeakMegabytes / ours1.PeakMegabytes:F1}");
    if (cold)
    {
        var ourCold = results.First(r => r.Name.StartsWith("astrolabe, 1 core, cold"));
        var pyCold = results.First(r => r.Name.StartsWith("python reference, 1 process, cold"));
        Console.WriteLine($"astrolabe vs python reference, 1 core, cold (wall): x{pyCold.Seconds / ourCold.Seconds:F1}   (whole processes, start-up included)");
        Console.WriteLine($"astrolabe vs python reference, 1 core, cold (CPU):  x{pyCold.CpuSeconds / ourCold.CpuSeconds:F1}");
    }
}
Console.WriteLine($"load average at the end: {File.ReadAllText("/proc/loadavg").Trim()}");
return 0;

Measured Run(List<string> files, int workers, bool cold)
{
    string self = Environment.ProcessPath!;
    var start = new ProcessStartInfo(workers == 1 ? "taskset" : self) { RedirectStandardOutput = true };
    if (workers == 1)
    {
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("0");
        start.ArgumentList.Add(self);
    }
    if (Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(typeof(Measured).Assembly.Location);
    start.ArgumentList.Add("--child");
    start.ArgumentList.Add(workers.ToString(CultureInfo.InvariantCulture));
    if (cold) start.ArgumentList.Add("--cold");
    foreach (string f in files) start.ArgumentList.Add(f);
    var (line, wholeSeconds, wholeCpu) = RunChild(start);
    var json = JsonDocument.Parse(line).RootElement;
    double seconds = cold ? wholeSeconds : json.GetProperty("seconds").GetDouble();
    double cpuSeconds = cold ? wholeCpu : json.GetProperty("cpu_seconds").GetDouble();
    double peak = json.GetProperty("peak_private_mb").GetDouble(), peakWithFile = json.GetProperty("peak_rss_mb").GetDouble();
    string name = (workers == 1 ? "astrolabe, 1 core" : $"astrolabe, {workers} cores") + (cold ? ", cold (whole process)" : "");
    Console.WriteLine($"  {name}: {seconds:F2} s ({cpuSeconds:F2} CPU s, {cpuSeconds / seconds:F2} cores busy), {json.GetProperty("regions").GetInt32()} regions, peak {peak:F0} MB private resident ({peakWithFile:F0} MB counting the cube's pages mapped from the page cache); GC: {json.GetProperty("gc_gen0").GetInt32()} gen0, {json.GetProperty("gc_gen2").GetInt32()} gen2 collections, {json.GetProperty("gc_pause_seconds").GetDouble():F3} s paused");
    return new Measured(name, seconds, cpuSeconds, peak);
}

// One timed pipeline run in this process, after a warm-up on the first cube (JIT and page cache) unless cold; prints one
// JSON line.
static async Task<int> Child(int workers, bool cold, List<string> files)
{
    if (!cold)
    {
        await Pipeline(files.Take(1).ToList(), workers);
        GC.Collect();
    }
    ResetPeakResident();
    using var sampler = new AnonymousMemorySampler();
    var self = Process.GetCurrentProcess();
    var cpu = self.TotalProcessorTime;
    int gen2 = GC.CollectionCount(2), gen0 = GC.CollectionCount(0);
    var paused = GC.GetTotalPauseDuration();
    var clock = Stopwatch.StartNew();
    int regions = await Pipeline(files, workers);
    double seconds = clock.Elapsed.TotalSeconds;
    self.Refresh();
    Console.WriteLine(JsonSerializer.Serialize(new
    {
        seconds,
        cpu_seconds = (self.TotalProcessorTime - cpu).TotalSeconds,
        regions,
        peak_private_mb = sampler.PeakMegabytes,
        peak_rss_mb = PeakResidentMegabytes(),
        gc_gen0 = GC.CollectionCount(0) - gen0,
        gc_gen2 = GC.CollectionCount(2) - gen2,
        gc_pause_seconds = (GC.GetTotalPauseDuration() - paused).TotalSeconds,
    }));
    return 0;
}

static async Task<int> Pipeline(List<string> files, int workers)
{
    string output = Path.Combine(Path.GetTempPath(), $"astrolabe-roi-bench-{Guid.NewGuid():N}.csv");
    var report = await new RoiPipeline(new RoiPipelineOptions { Inputs = files, Output = output, Parallelism = workers, Resume = false }).RunAsync();
    File.Delete(output);
    File.Delete(PipelineState.PathFor(output));
    if (report.Failed > 0) throw new InvalidOperationException($"{report.Failed} cubes failed: {report.Cubes.First(c => !c.Succeeded).Error}");
    return report.Regions;
}

Measured RunPython(List<string> files, int jobs, bool cold)
{
    // One process is pinned to CPU 0 like the one-core Astrolabe run.
    var start = new ProcessStartInfo(jobs == 1 ? "taskset" : "/usr/bin/python3") { RedirectStandardOutput = true };
    if (jobs == 1)
    {
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("0");
        start.ArgumentList.Add("/usr/bin/python3");
    }
    start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "reference.py"));
    start.ArgumentList.Add("--jobs");
    start.ArgumentList.Add(jobs.ToString(CultureInfo.InvariantCulture));
    if (!cold) start.ArgumentList.Add("--warm-up");
    foreach (string f in files) start.ArgumentList.Add(f);
    var (line, wholeSeconds, wholeCpu) = RunChild(start);
    var json = JsonDocument.Parse(line).RootElement;
    // Warm: the script's own clock, after its warm-up cube, from its first file read to its last region. Cold: the whole
    // process, interpreter start-up and imports included.
    double seconds = cold ? wholeSeconds : json.GetProperty("seconds").GetDouble();
    double cpuSeconds = cold ? wholeCpu : json.GetProperty("cpu_seconds").GetDouble();
    double peak = json.GetProperty("peak_rss_mb").GetDouble();
    string name = (jobs == 1 ? "python reference, 1 process" : $"python reference, {jobs} processes") + (cold ? ", cold (whole process)" : "");
    Console.WriteLine($"  {name}: {seconds:F2} s ({cpuSeconds:F2} CPU s, {cpuSeconds / seconds:F2} cores busy), {json.GetProperty("regions").GetInt32()} regions, peak {peak:F0} MB resident (largest process)");
    return new Measured(name, seconds, cpuSeconds, peak);
}

// Runs a child to its end: its one line of output, its wall time from spawn to exit, and the CPU time of it and of every
// process it waited for (getrusage of this process's reaped children, before and after).
static (string Line, double Seconds, double CpuSeconds) RunChild(ProcessStartInfo start)
{
    double cpuBefore = ChildrenCpuSeconds();
    var clock = Stopwatch.StartNew();
    using var process = Process.Start(start)!;
    string line = process.StandardOutput.ReadToEnd();
    process.WaitForExit();
    double seconds = clock.Elapsed.TotalSeconds;
    if (process.ExitCode != 0) throw new InvalidOperationException($"{start.FileName} {string.Join(' ', start.ArgumentList.Take(4))}... exited {process.ExitCode}");
    return (line, seconds, ChildrenCpuSeconds() - cpuBefore);
}

static double ChildrenCpuSeconds()
{
    if (Native.getrusage(Native.RusageChildren, out var usage) != 0) throw new InvalidOperationException("getrusage failed");
    return usage.UserSeconds + usage.UserMicroseconds / 1e6 + usage.SystemSeconds + usage.SystemMicroseconds / 1e6;
}

// Linux: writing 5 to clear_refs resets the peak resident set (VmHWM) of this process.
static void ResetPeakResident() => File.WriteAllText("/proc/self/clear_refs", "5");

static double PeakResidentMegabytes()
{
    foreach (string line in File.ReadLines("/proc/self/status"))
    {
        if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
        {
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
        }
    }
    return double.NaN;
}

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : 0.5 * (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]);
}

string Option(string name, string fallback)
{
    int at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
}

record Measured(string Name, double Seconds, double CpuSeconds, double PeakMegabytes);

static class Native
{
    public const int RusageChildren = -1;

    /// <summary>The start of Linux's struct rusage on 64-bit: user and system time as (seconds, microseconds); the
    /// other fields are left out of the layout but the buffer is the full size.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 144)]
    public struct Usage
    {
        public long UserSeconds, UserMicroseconds, SystemSeconds, SystemMicroseconds;
    }

    [DllImport("libc", SetLastError = true)]
    public static extern int getrusage(int who, out Usage usage);
}

/// <summary>The largest private (anonymous) resident memory of this process, sampled every 20 ms. The FITS reader maps
/// the cube's file, so the process's resident set also counts page-cache pages of the file while they are mapped;
/// those belong to the page cache (they are there for `cat` too) and are left out here.</summary>
sealed class AnonymousMemorySampler : IDisposable
{
    private readonly Timer _timer;
    private long _peakKb;

    public AnonymousMemorySampler()
    {
        Sample();
        _timer = new Timer(_ => Sample(), null, 20, 20);
    }

    public double PeakMegabytes
    {
        get
        {
            Sample();
            return Interlocked.Read(ref _peakKb) / 1024.0;
        }
    }

    private void Sample()
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("RssAnon:", StringComparison.Ordinal))
            {
                long kb = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
                long seen;
                while (kb > (seen = Interlocked.Read(ref _peakKb)) && Interlocked.CompareExchange(ref _peakKb, kb, seen) != seen)
                {
                }
                return;
            }
        }
    }

    public void Dispose() => _timer.Dispose();
}
