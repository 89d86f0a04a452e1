using Astrolabe.Regions.Detection;

namespace Astrolabe.Regions.Pipeline;

/// <summary>Settings of one <c>astrolabe roi</c> run.</summary>
public sealed record RoiPipelineOptions
{
    /// <summary>Files, folders and globs (see <see cref="CubeInputs"/>).</summary>
    public required IReadOnlyList<string> Inputs { get; init; }

    /// <summary>Catalogue path; its extension picks the format (.vot, .csv, .fits).</summary>
    public required string Output { get; init; }

    public FinderOptions Finder { get; init; } = new();

    /// <summary>Cubes processed at once; default one per core.</summary>
    public int Parallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Working memory shared by the cubes in flight; 0 means half of the memory available to the process.</summary>
    public long MemoryBudgetBytes { get; init; }

    /// <summary>Skip cubes that an earlier run with the same settings finished (the state file next to the output).</summary>
    public bool Resume { get; init; } = true;

    /// <summary>Read damaged files as far as they are readable (<see cref="Fits.FitsReadOptions.Lenient"/>: a truncated
    /// data unit's missing pixels are blank, malformed cards are kept as text, ...); each repair becomes a note of the
    /// cube. A file read this way without repairs gives what a strict read gives, so earlier results stay valid.</summary>
    public bool Lenient { get; init; }

    public void Validate()
    {
        if (Inputs.Count == 0) throw new ArgumentException("Give at least one input file, folder or glob.");
        if (Parallelism < 1) throw new ArgumentException($"Parallelism must be at least 1, got {Parallelism}.");
        if (MemoryBudgetBytes < 0) throw new ArgumentException($"The memory budget must not be negative, got {MemoryBudgetBytes}.");
        Catalogue.RoiCatalogue.FormatOf(Output);
        Finder.Validate();
    }
}
