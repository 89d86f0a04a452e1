using System.CommandLine;
using System.Runtime.InteropServices;
using Astrolabe.Regions.Detection;
using Astrolabe.Regions.Pipeline;
using Spectre.Console;

namespace Astrolabe.Commands;

/// <summary>`astrolabe roi`: find regions of interest in FITS cubes (the work is <see cref="RoiPipeline"/>'s).</summary>
public static class RoiCommand
{
    public static Command Create()
    {
        var inputs = new Argument<string[]>("inputs") { Description = "FITS cubes or images: files, folders (searched recursively) or globs ('*', '?', '[..]', '**').", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out", "-o") { Description = "Catalogue to write; the extension picks the format: .vot (VOTable), .csv or .fits.", Required = true };
        var snr = new Option<double>("--snr") { Description = "Clip level: S/N a smoothed voxel must exceed.", DefaultValueFactory = _ => new FinderOptions().SnrThreshold };
        var minSnr = new Option<double>("--min-snr") { Description = "Smallest integrated S/N a region may have.", DefaultValueFactory = _ => new FinderOptions().MinimumIntegratedSnr };
        var minPixels = new Option<int>("--min-pixels") { Description = "Smallest projected area of a region, in pixels.", DefaultValueFactory = _ => new FinderOptions().MinimumPixels };
        var minChannels = new Option<int>("--min-channels") { Description = "Fewest channels a region in a cube may span.", DefaultValueFactory = _ => new FinderOptions().MinimumChannels };
        var parallel = new Option<int>("--parallel", "-j") { Description = "Cubes processed at once (default: one per core).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var memory = new Option<double>("--memory-gb") { Description = "Working memory for the cubes in flight, GB (default: half of the available memory)." };
        var restart = new Option<bool>("--restart") { Description = "Ignore the state of an earlier run and process every cube again." };
        var lenient = new Option<bool>("--lenient") { Description = "Read damaged FITS files as far as they are readable (truncated data is blank); each repair is noted." };

        // Checked here, under the names the user typed; the pipeline checks the same settings again for its other callers.
        snr.Require(v => v > 0, "a positive S/N");
        minSnr.Require(v => v >= 0, "an S/N of 0 or more");
        minPixels.Require(v => v >= 1, "at least 1");
        minChannels.Require(v => v >= 1, "at least 1");
        parallel.Require(v => v >= 1, "at least 1");
        memory.Require(v => v > 0, "a positive number of GB");
        inputs.Validators.Add(result =>
        {
            // An unknown option would otherwise be taken for a file name, fail as "not found" and leave the run going.
            foreach (string input in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (input.StartsWith('-') && !File.Exists(input) && !Directory.Exists(input)) result.AddError($"Unknown option '{input}' (see astrolabe roi --help).");
            }
        });

        var command = new Command("roi", "Find regions of interest in FITS cubes and write one catalogue.")
        {
            inputs, output, snr, minSnr, minPixels, minChannels, parallel, memory, restart, lenient,
        };
        command.SetAction(async (p, ct) =>
        {
            RoiPipeline pipeline;
            try
            {
                pipeline = new RoiPipeline(new RoiPipelineOptions
                {
                    Inputs = p.GetValue(inputs)!,
                    Output = p.GetValue(output)!,
                    Parallelism = p.GetValue(parallel),
                    MemoryBudgetBytes = (long)(p.GetValue(memory) * 1e9),
                    Resume = !p.GetValue(restart),
                    Lenient = p.GetValue(lenient),
                    Finder = new FinderOptions
                    {
                        SnrThreshold = p.GetValue(snr),
                        MinimumIntegratedSnr = p.GetValue(minSnr),
                        MinimumPixels = p.GetValue(minPixels),
                        MinimumChannels = p.GetValue(minChannels),
                    },
                });
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"astrolabe roi: {e.Message}");
                return 1;
            }

            // Ctrl-C or SIGTERM stops the run between channels and says how to go on; a second one stops at once.
            using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(ct);
            int exitCode = 130;
            PosixSignalRegistration Stop(PosixSignal signal) => PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = !interrupt.IsCancellationRequested;
                exitCode = signal == PosixSignal.SIGTERM ? 143 : 130;
                interrupt.Cancel();
            });
            using var onInterrupt = Stop(PosixSignal.SIGINT);
            using var onTerminate = Stop(PosixSignal.SIGTERM);
            PipelineReport report;
            try { report = await RunWithProgress(pipeline, interrupt.Token); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"astrolabe roi: cannot write the catalogue or its state: {e.Message}");
                return 1;
            }
            catch (OperationCanceledException) when (interrupt.IsCancellationRequested)
            {
                // Each finished cube is in the state file already; the catalogue is written only by a complete run.
                Console.Error.WriteLine($"astrolabe roi: interrupted; cubes finished so far are kept in {PipelineState.PathFor(p.GetValue(output)!)}, " +
                                        "and the same command goes on from there.");
                return exitCode;
            }
            foreach (string problem in report.InputProblems) Console.Error.WriteLine($"astrolabe roi: {problem}");
            foreach (var cube in report.Cubes)
            {
                if (!cube.Succeeded)
                    Console.Error.WriteLine($"FAILED {cube.File}: {cube.Error}" +
                                            (!p.GetValue(lenient) && cube.Error!.StartsWith(RoiPipeline.NotValidFits, StringComparison.Ordinal) ? " (--lenient reads what is readable)" : ""));
                foreach (string note in cube.Notes) Console.Error.WriteLine($"note   {cube.File}: {note}");
            }
            if (report.Cubes.Count == 0) return report.ExitCode; // nothing searched, nothing written: the problems say why
            Console.WriteLine($"{report.Cubes.Count} cubes: {report.Processed} processed, {report.Skipped} already done, {report.Failed} failed; " +
                              $"{report.Regions} regions in {report.Output} ({report.Elapsed.TotalSeconds:F1} s).");
            return report.ExitCode;
        });
        return command;
    }

    private static async Task<PipelineReport> RunWithProgress(RoiPipeline pipeline, CancellationToken ct)
    {
        if (Console.IsOutputRedirected)
        {
            return await pipeline.RunAsync(null, ct);
        }
        PipelineReport? report = null;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("cubes", maxValue: 1);
                report = await pipeline.RunAsync(progress =>
                {
                    // Bytes drive the bar and the time left; files, RoIs and failures are in the description.
                    task.MaxValue = Math.Max(1, progress.BytesTotal);
                    task.Value = progress.BytesDone;
                    task.Description = $"{progress.FilesDone}/{progress.FilesTotal} files, {progress.BytesDone / 1e6:F0}/{progress.BytesTotal / 1e6:F0} MB, " +
                                       $"{progress.RegionsFound} RoIs" + (progress.FilesFailed > 0 ? $", [red]{progress.FilesFailed} failed[/]" : "") +
                                       (progress.FilesSkipped > 0 ? $", {progress.FilesSkipped} done before" : "");
                }, ct);
                task.Value = task.MaxValue;
            });
        return report!;
    }
}
