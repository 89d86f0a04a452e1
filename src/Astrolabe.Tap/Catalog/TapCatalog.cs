using Astrolabe.Tap.Adql;

namespace Astrolabe.Tap.Catalog;

/// <summary>The tables a query may name: everything in TAP_SCHEMA, plus the request's TAP_UPLOAD tables.</summary>
internal sealed class TapCatalog : ITableCatalog
{
    private readonly Dictionary<(string, string), TableInfo> _byName = new();
    private readonly List<TableInfo> _tables = [];

    public TapCatalog(IReadOnlyList<PublishedTable> published, IEnumerable<TableInfo>? uploads = null)
    {
        Published = published;
        foreach (var table in published)
        {
            Add(table.ToTableInfo());
        }
        foreach (var upload in uploads ?? [])
        {
            Add(upload);
        }
    }

    public IReadOnlyList<PublishedTable> Published { get; }

    public IEnumerable<TableInfo> Tables => _tables;

    private void Add(TableInfo table)
    {
        _byName[(table.Schema.ToLowerInvariant(), table.Name.ToLowerInvariant())] = table;
        _tables.Add(table);
    }

    /// <summary>This catalogue with a request's uploaded tables added.</summary>
    public TapCatalog WithUploads(IEnumerable<TableInfo> uploads) => new(Published, uploads);

    public TableInfo? FindTable(string? schema, string table)
    {
        if (schema is not null)
        {
            return _byName.GetValueOrDefault((schema.ToLowerInvariant(), table.ToLowerInvariant()));
        }
        TableInfo? found = null;
        foreach (var candidate in _tables)
        {
            if (string.Equals(candidate.Name, table, StringComparison.OrdinalIgnoreCase))
            {
                // An unqualified name shared by two schemas is ambiguous: the user must qualify it.
                if (found is not null)
                {
                    return null;
                }
                found = candidate;
            }
        }
        return found;
    }
}
