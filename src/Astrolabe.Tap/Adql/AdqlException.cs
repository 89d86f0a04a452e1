namespace Astrolabe.Tap.Adql;

/// <summary>A syntax or semantic error in an ADQL query, positioned at a 1-based line and column.</summary>
public sealed class AdqlException(string reason, int line, int column)
    : Exception($"line {line}, column {column}: {reason}")
{
    /// <summary>What is wrong, without the position.</summary>
    public string Reason { get; } = reason;

    public int Line { get; } = line;

    public int Column { get; } = column;
}
