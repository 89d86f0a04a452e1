namespace Astrolabe.Tap.Adql;

/// <summary>Table metadata the translator checks every identifier against (TAP_SCHEMA, TAP_UPLOAD tables).</summary>
public interface ITableCatalog
{
    /// <summary>The table named <paramref name="table"/> in <paramref name="schema"/> (case-insensitive for
    /// regular identifiers), or any schema when <paramref name="schema"/> is null; null when not found.</summary>
    TableInfo? FindTable(string? schema, string table);

    /// <summary>All published tables; used only to suggest a close name in "unknown table" errors.</summary>
    IEnumerable<TableInfo> Tables => [];

    /// <summary>True only for <see cref="OpenCatalog"/>: columns not listed are accepted, untyped.</summary>
    bool AllowsUnknownColumns => false;
}
