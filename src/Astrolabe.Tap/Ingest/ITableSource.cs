using Astrolabe.Tap.Catalog;

namespace Astrolabe.Tap.Ingest;

/// <summary>A table read row by row from a file (CSV, VOTable, FITS) for ingest or upload. Values are long,
/// double, bool, string or byte[] according to each column's ADQL type, or null.</summary>
internal interface ITableSource : IRowSource, IDisposable
{
    IReadOnlyList<PublishedColumn> Columns { get; }

    /// <summary>The table description the file carries, if any.</summary>
    string? Description { get; }

    /// <summary>How far through the file reading is, 0 to 1 (for a progress bar).</summary>
    double Fraction { get; }
}

/// <summary>A file that cannot be read as the table it claims to be; the message says where and why.</summary>
internal sealed class TableFormatException(string message) : Exception(message);
