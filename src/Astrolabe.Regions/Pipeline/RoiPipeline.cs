using System.Diagnostics;
using Astrolabe.Fits;
using Astrolabe.Regions.Catalogue;
using Astrolabe.Regions.Cubes;
using Astrolabe.Regions.Detection;

namespace Astrolabe.Regions.Pipeline;

/// <summary>The <c>astrolabe roi</c> job: finds regions in many cubes on all cores within a memory budget, isolates each
/// cube's failure, records progress for resumption and writes one catalogue.</summary>
public sealed class RoiPipeline
{
    private readonly RoiPipelineOptions _options;

    public RoiPipeline(RoiPipelineOptions options)
    {
        options.Validate();
        _options = options;
    }

    /// <summary>Finds the regions of one cube file; throws with a reason when the file cannot be used.</summary>
    public static async Task<(IReadOnlyList<RegionOfInterest> Regions, IReadOnlyList<string> Notes)> ProcessFileAsync(
        string path, RegionFinder finder, CancellationToken cancellationToken = default)
    {
        using var file = FitsFile.Open(path);
        return await ProcessImage(file, path, finder, null, _ => 1, cancellationToken).ConfigureAwait(false);
    }

    public async Task<PipelineReport> RunAsync(Action<PipelineProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var problems = new List<string>();
        var files = CubeInputs.Expand(_options.Inputs, problems).ToList();
        string catalogue = Path.GetFullPath(_options.Output);
        if (files.RemoveAll(f => Path.GetFullPath(f) == catalogue) > 0 && !File.Exists(PipelineState.PathFor(_options.Output)))
        {
            // Among the inputs and not a catalogue of an earlier run (which has its state file beside it, and is skipped):
            // writing would destroy a cube.
            problems.Add($"{_options.Output} is one of the inputs; write the catalogue elsewhere (nothing was written)");
            return new PipelineReport(_options.Output, [], problems, 0, clock.Elapsed);
        }
        if (files.Count == 0)
        {
            // Most likely a mistyped glob or folder: an existing catalogue and its state are left as they are.
            problems.Add($"nothing to search, so {_options.Output} was not written");
            return new PipelineReport(_options.Output, [], problems, 0, clock.Elapsed);
        }
        var finder = new RegionFinder(_options.Finder);
        long budgetBytes = _options.MemoryBudgetBytes > 0 ? _options.MemoryBudgetBytes : GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2;
        var budget = new MemoryBudget(budgetBytes);

        string? outputFolder = Path.GetDirectoryName(catalogue);
        if (outputFolder is not null) Directory.CreateDirectory(outputFolder);
        ThrowUnlessWritable(_options.Output);
        using var state = PipelineState.Open(PipelineState.PathFor(_options.Output), PipelineState.Describe(_options.Finder), _options.Resume);

        var sizes = new long[files.Count];
        long bytesTotal = 0;
        for (int i = 0; i < files.Count; i++)
        {
            sizes[i] = SizeOf(files[i]);
            bytesTotal += sizes[i];
        }

        var outcomes = new CubeOutcome[files.Count];
        var rows = new IReadOnlyList<RegionOfInterest>[files.Count];
        int done = 0, skipped = 0, failed = 0, regions = 0;
        long bytesDone = 0, bytesSkipped = 0;
        var gate = new object();
        void Report(string file)
        {
            if (progress is null) return;
            PipelineProgress snapshot;
            lock (gate)
            {
                var elapsed = clock.Elapsed;
                long worked = bytesDone - bytesSkipped, left = bytesTotal - bytesDone;
                TimeSpan? remaining = worked > 0 ? TimeSpan.FromSeconds(elapsed.TotalSeconds * left / worked) : null;
                snapshot = new PipelineProgress(files.Count, done, skipped, failed, bytesTotal, bytesDone, regions, elapsed, file) { Remaining = remaining };
            }
            progress(snapshot);
        }
        Report("");

        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.Parallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, files.Count), parallel, async (i, ct) =>
        {
            string file = files[i];
            var (outcome, found) = await ProcessOneAsync(file, state, finder, budget, needed => InnerParallelism(needed, budget, files.Count),
                _options.Lenient ? FitsReadOptions.Lenient : null, ct).ConfigureAwait(false);
            outcomes[i] = outcome;
            rows[i] = found;
            lock (gate)
            {
                done++;
                if (outcome.Skipped)
                {
                    skipped++;
                    bytesSkipped += sizes[i];
                }
                if (!outcome.Succeeded) failed++;
                regions += found.Count;
                bytesDone += sizes[i];
            }
            Report(file);
        }).ConfigureAwait(false);

        var all = new List<RegionOfInterest>(regions);
        foreach (var part in rows) all.AddRange(part);
        RoiCatalogue.Write(_options.Output, all);
        return new PipelineReport(_options.Output, outcomes, problems, all.Count, clock.Elapsed);
    }

    /// <summary>A catalogue that cannot be written is found before the search, not after it (the file is left as it was).</summary>
    private static void ThrowUnlessWritable(string path)
    {
        bool existed = File.Exists(path);
        using (File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite)) { }
        if (!existed) File.Delete(path);
    }

    /// <summary>Threads for one cube: all cores are shared among the cubes that can be in flight at once, so a run of a few
    /// (or a few large) cubes still uses every core.</summary>
    private int InnerParallelism(long neededBytes, MemoryBudget budget, int files)
    {
        long fit = Math.Max(1, budget.TotalBytes / Math.Max(1, neededBytes));
        int concurrent = (int)Math.Max(1, Math.Min(Math.Min(fit, _options.Parallelism), files));
        return Math.Max(1, _options.Parallelism / concurrent);
    }

    private static async Task<(CubeOutcome, IReadOnlyList<RegionOfInterest>)> ProcessOneAsync(
        string file, PipelineState state, RegionFinder finder, MemoryBudget budget, Func<long, int> innerParallelism, FitsReadOptions? read,
        CancellationToken cancellationToken)
    {
        string key;
        long size = 0, modified = 0;
        try
        {
            key = Path.GetFullPath(file);
            var info = new FileInfo(file);
            if (info.Exists)
            {
                size = info.Length;
                modified = info.LastWriteTimeUtc.Ticks;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            key = file;
        }

        if (state.Done(key, size, modified) is { } earlier)
        {
            return (new CubeOutcome(file, true, true, earlier.Regions.Count, null, earlier.Notes), earlier.Regions);
        }

        try
        {
            using var fits = FitsFile.Open(file, read);
            var (found, notes) = await ProcessImage(fits, file, finder, budget, innerParallelism, cancellationToken).ConfigureAwait(false);
            state.Record(new CubeRecord { Key = key, File = file, Size = size, ModifiedTicks = modified, Succeeded = true, Notes = notes, Regions = found });
            return (new CubeOutcome(file, true, false, found.Count, null, notes), found);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // One bad cube must not stop the run: record why it failed and carry on.
            string reason = Describe(e);
            state.Record(new CubeRecord { Key = key, File = file, Size = size, ModifiedTicks = modified, Succeeded = false, Error = reason });
            return (new CubeOutcome(file, false, false, 0, reason, []), []);
        }
    }

    private static async Task<(IReadOnlyList<RegionOfInterest>, IReadOnlyList<string>)> ProcessImage(
        FitsFile file, string label, RegionFinder finder, MemoryBudget? budget, Func<long, int> innerParallelism, CancellationToken cancellationToken)
    {
        var image = file.FirstImage ?? throw new InvalidDataException("no image HDU with pixels (NAXIS >= 2) in the file");
        if (image.NAxis < 2)
        {
            throw new InvalidDataException($"the first image has NAXIS = {image.NAxis}; at least 2 axes are needed");
        }
        var opened = FitsCubeReader.Open(image);
        var source = opened.Source;
        long needed = finder.WorkingBytes(source.Width, source.Height, source.Channels);
        long taken = budget is null ? 0 : await budget.AcquireAsync(needed, cancellationToken).ConfigureAwait(false);
        try
        {
            var notes = new List<string>(opened.Notes);
            foreach (var fix in file.Fixes) notes.Add(fix.ToString());
            double correlated = double.IsFinite(opened.Description.BeamAreaPixels) ? opened.Description.BeamAreaPixels : 1;
            var result = finder.Find(source, correlated, cancellationToken, innerParallelism(needed));
            if (double.IsNaN(result.NoiseSigma))
            {
                notes.Add("no usable (finite) data: nothing to search");
            }
            var rows = new List<RegionOfInterest>(result.Regions.Count);
            for (int i = 0; i < result.Regions.Count; i++)
            {
                rows.Add(RegionOfInterest.Measure(result.Regions[i], opened.Description, label, i + 1, result.NoiseSigma));
            }
            return (rows, notes);
        }
        finally
        {
            if (taken > 0) budget!.Release(taken);
        }
    }

    private static long SizeOf(string file)
    {
        try
        {
            var info = new FileInfo(file);
            return info.Exists ? info.Length : 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return 0;
        }
    }

    /// <summary>How <see cref="Describe"/> begins the reason of a file that is not valid FITS (what a lenient read may
    /// still get something from).</summary>
    public const string NotValidFits = "not valid FITS";

    /// <summary>A one-line reason naming what is wrong, without a stack trace.</summary>
    public static string Describe(Exception e) => e switch
    {
        FitsFormatException => $"{NotValidFits}: {e.Message}",
        FileNotFoundException or DirectoryNotFoundException => $"not found: {e.Message}",
        UnauthorizedAccessException => $"cannot be read: {e.Message}",
        EndOfStreamException => $"truncated: {e.Message}",
        InvalidDataException => $"not a usable cube: {e.Message}",
        IOException => $"read error: {e.Message}",
        OutOfMemoryException => "out of memory: the cube does not fit; lower the parallelism or raise the memory budget",
        _ => $"{e.GetType().Name}: {e.Message}",
    };
}
