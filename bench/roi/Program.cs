// RoI pipeline throughput on generated ALMA-like cubes: Astrolabe serial vs all cores, and the numpy/scipy/astropy
// reference (reference.py) serial vs all cores, measured side by side in one run on the same files.
//
//   dotnet run -c Release --project bench/roi -- [--size 256x256x128] [--count 8] [--no-python] [--keep DIR]
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Astrolabe.Regions.Pipeline;
using Astrolabe.Regions.Synthetic;

var size = Option("--size", "256x256x128").Split('x').Select(int.Parse).ToArray();
int count = int.Parse(Option("--count", "8"), CultureInfo.InvariantCulture);
bool python = !args.Contains("--no-python");
string folder = Option("--keep", Path.Combine(Path.GetTempPath(), $"astrolabe-roi-bench-{size[0]}x{size[1]}x{size[2]}-{count}"));
int cores = Environment.ProcessorCount;

Console.WriteLine($"RoI benchmark: {count} cubes of {size[0]}x{size[1]}x{size[2]} float32, {cores} cores, {Environment.OSVersion}, .NET {Environment.Version}");
var spec = new SyntheticCubeSpec { Width = size[0], Height = size[1], Channels = size[2], Sources = Math.Max(8, size[0] * size[1] / 2000) };
var cubes = Directory.Exists(folder) && Directory.GetFiles(folder, "cube_*.fits").Length == count
    ? Directory.GetFiles(folder, "cube_*.fits").Order().ToList()
    : DemoCubeSet.Write(folder, count, spec, firstSeed: 1).ToList();
double megabytes = cubes.Sum(f => new FileInfo(f).Length) / 1e6;
Console.WriteLine($"cubes in {folder}: {megabytes:F1} MB");

// Warm-up: JIT and page cache.
await Run(cubes.Take(1).ToList(), 1);
var results = new List<(string Name, double Seconds, double CpuSeconds)>
{
    Named("astrolabe, 1 core", await Run(cubes, 1)),
    Named($"astrolabe, {cores} cores", await Run(cubes, cores)),
};
if (python)
{
    results.Add(Named("python reference, 1 process", RunPython(cubes, 1)));
    results.Add(Named($"python reference, {cores} processes", RunPython(cubes, cores)));
}

// Wall-clock figures depend on what else the machine runs; CPU seconds per cube much less so.
Console.WriteLine();
Console.WriteLine($"{"",-34}{"s/cube",10}{"cubes/s",10}{"MB/s",10}{"CPU s/cube",12}");
foreach (var (name, seconds, cpu) in results)
{
    Console.WriteLine($"{name,-34}{seconds / count,10:F3}{count / seconds,10:F2}{megabytes / seconds,10:F1}{cpu / count,12:F3}");
}
Console.WriteLine();
Console.WriteLine($"astrolabe scaling, {cores} cores vs 1:              x{results[0].Seconds / results[1].Seconds:F2}");
if (python)
{
    Console.WriteLine($"astrolabe vs python reference, 1 core (wall):   x{results[2].Seconds / results[0].Seconds:F1}");
    Console.WriteLine($"astrolabe vs python reference, 1 core (CPU):    x{results[2].CpuSeconds / results[0].CpuSeconds:F1}");
    Console.WriteLine($"astrolabe vs python reference, {cores} cores (wall):  x{results[3].Seconds / results[1].Seconds:F1}");
    Console.WriteLine($"python reference scaling, {cores} vs 1:             x{results[2].Seconds / results[3].Seconds:F2}");
}
Console.WriteLine($"load average at the end: {File.ReadAllText("/proc/loadavg").Trim()}");
return 0;

static (string, double, double) Named(string name, (double Seconds, double CpuSeconds) run) => (name, run.Seconds, run.CpuSeconds);

async Task<(double Seconds, double CpuSeconds)> Run(List<string> files, int parallelism)
{
    string output = Path.Combine(Path.GetTempPath(), $"astrolabe-roi-bench-{Guid.NewGuid():N}.csv");
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var clock = Stopwatch.StartNew();
    var report = await new RoiPipeline(new RoiPipelineOptions { Inputs = files, Output = output, Parallelism = parallelism, Resume = false }).RunAsync();
    double seconds = clock.Elapsed.TotalSeconds;
    double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
    if (report.Failed > 0) throw new InvalidOperationException($"{report.Failed} cubes failed: {report.Cubes.First(c => !c.Succeeded).Error}");
    File.Delete(output);
    File.Delete(PipelineState.PathFor(output));
    Console.WriteLine($"  astrolabe x{parallelism}: {seconds:F2} s ({cpuSeconds:F2} CPU s), {report.Regions} regions");
    return (seconds, cpuSeconds);
}

(double Seconds, double CpuSeconds) RunPython(List<string> files, int jobs)
{
    var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true };
    start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "reference.py"));
    start.ArgumentList.Add("--jobs");
    start.ArgumentList.Add(jobs.ToString(CultureInfo.InvariantCulture));
    foreach (string f in files) start.ArgumentList.Add(f);
    using var process = Process.Start(start)!;
    string line = process.StandardOutput.ReadToEnd();
    process.WaitForExit();
    if (process.ExitCode != 0) throw new InvalidOperationException($"reference.py exited {process.ExitCode}");
    var json = JsonDocument.Parse(line).RootElement;
    // The script's own clock: from its first file read to its last region, without interpreter start-up.
    double seconds = json.GetProperty("seconds").GetDouble(), cpuSeconds = json.GetProperty("cpu_seconds").GetDouble();
    Console.WriteLine($"  python x{jobs}: {seconds:F2} s ({cpuSeconds:F2} CPU s), {json.GetProperty("regions").GetInt32()} regions");
    return (seconds, cpuSeconds);
}

string Option(string name, string fallback)
{
    int at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
}
