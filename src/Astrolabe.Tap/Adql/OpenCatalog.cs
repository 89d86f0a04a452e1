namespace Astrolabe.Tap.Adql;

/// <summary>A catalogue that accepts every table and column, untyped: for translating ADQL to show its SQL
/// without a database (`astrolabe adql translate`). Tables map to "schema"."table" as written. Never use it
/// to run user queries: the service checks names against TAP_SCHEMA.</summary>
public sealed class OpenCatalog : ITableCatalog
{
    public bool AllowsUnknownColumns => true;

    public TableInfo? FindTable(string? schema, string table) => new(
        schema ?? "",
        table,
        schema is null ? SqlDialect.QuoteIdentifier(table) : SqlDialect.QuoteIdentifier(schema) + "." + SqlDialect.QuoteIdentifier(table),
        []);
}
