namespace Astrolabe.Regions.Pipeline;

/// <summary>A snapshot of a run, reported as each cube finishes.</summary>
public sealed record PipelineProgress(
    int FilesTotal, int FilesDone, int FilesSkipped, int FilesFailed,
    long BytesTotal, long BytesDone, int RegionsFound, TimeSpan Elapsed, string? LastFile)
{
    /// <summary>Remaining time extrapolated from the bytes processed so far (skipped cubes excluded), or null before the first cube.</summary>
    public TimeSpan? Remaining { get; init; }
}

/// <summary>How one cube ended.</summary>
public sealed record CubeOutcome(string File, bool Succeeded, bool Skipped, int Regions, string? Error, IReadOnlyList<string> Notes);

/// <summary>The result of a run: every cube's outcome (input order) and the catalogue written.</summary>
public sealed record PipelineReport(string Output, IReadOnlyList<CubeOutcome> Cubes, IReadOnlyList<string> InputProblems, int Regions, TimeSpan Elapsed)
{
    public int Failed => Count(c => !c.Succeeded);
    public int Skipped => Count(c => c.Skipped);
    public int Processed => Count(c => c.Succeeded && !c.Skipped);

    /// <summary>Process exit code: 0 when every cube succeeded, 2 when some failed or an input matched nothing (the
    /// catalogue still holds every cube that succeeded).</summary>
    public int ExitCode => Failed > 0 || InputProblems.Count > 0 ? 2 : 0;

    private int Count(Func<CubeOutcome, bool> predicate)
    {
        int n = 0;
        foreach (var c in Cubes) if (predicate(c)) n++;
        return n;
    }
}
