namespace Astrolabe.Fits;

/// <summary>How strictly a FITS file is read.</summary>
public sealed record FitsReadOptions
{
    public static FitsReadOptions Strict { get; } = new();
    public static FitsReadOptions Lenient { get; } = new() { IsLenient = true };

    /// <summary>
    /// Read what is readable instead of failing: malformed cards are skipped or repaired, a missing END or a
    /// truncated data unit is tolerated (missing pixels read as NaN). Every repair is listed in
    /// <see cref="FitsFile.Fixes"/>.
    /// </summary>
    public bool IsLenient { get; init; }

    /// <summary>Where a gzip-compressed file is decompressed to (default: the system temporary directory).</summary>
    public string? TemporaryDirectory { get; init; }
}

/// <summary>One repair made while reading in lenient mode.</summary>
public sealed record FitsFix(string Description, long ByteOffset, int HduIndex, int? CardNumber = null, string? Keyword = null)
{
    public override string ToString() =>
        $"HDU {HduIndex}" + (CardNumber is { } c ? $", card {c}" : "") + (Keyword is { } k ? $" ({k})" : "")
        + $", byte {ByteOffset}: {Description}";
}
