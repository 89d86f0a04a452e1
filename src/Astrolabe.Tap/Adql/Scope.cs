namespace Astrolabe.Tap.Adql;

/// <summary>A column visible in a query: its ADQL name, the SQL that reads it, its type and where it comes from.</summary>
internal sealed record ScopeColumn(string Name, string Sql, ValueType Type, Source? Origin = null, ColumnInfo? Info = null);

/// <summary>A table, derived table or common table in a FROM clause, under its correlation name.</summary>
internal sealed class Source
{
    public required string Name { get; init; }
    public required bool NameDelimited { get; init; }
    public required bool Aliased { get; init; }
    public TableInfo? Table { get; init; }
    public required string SqlAlias { get; init; }
    public List<ScopeColumn> Columns { get; } = [];

    public bool MatchesQualifier(IReadOnlyList<Identifier> qualifier)
    {
        var last = qualifier[^1];
        bool nameMatches = NameDelimited || last.Delimited
            ? string.Equals(Name, last.Name, last.Delimited ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase)
            : string.Equals(Name, last.Name, StringComparison.OrdinalIgnoreCase);
        if (!nameMatches)
        {
            return false;
        }
        if (qualifier.Count == 1)
        {
            return true;
        }
        // schema.table (or catalog.schema.table) only names an unaliased catalogue table.
        return !Aliased && Table is not null && qualifier[^2].Matches(Table.Schema);
    }
}

/// <summary>The names a query level can see: its FROM sources, their unqualified columns, and the levels around it.</summary>
internal sealed class Scope(Scope? parent)
{
    public Scope? Parent { get; } = parent;
    public List<Source> Sources { get; } = [];
    public List<ScopeColumn> Unqualified { get; } = [];
}

/// <summary>A translated query: its SQL and its output columns (name, quoted SQL name, type).</summary>
internal sealed record TranslatedQuery(string Sql, List<OutputColumn> Columns);

internal sealed record OutputColumn(string Name, string SqlName, ValueType Type);
