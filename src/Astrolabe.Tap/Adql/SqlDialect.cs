namespace Astrolabe.Tap.Adql;

/// <summary>A SQL backend the translator writes for.</summary>
public sealed class SqlDialect
{
    public static readonly SqlDialect Sqlite = new("sqlite");
    public static readonly SqlDialect Postgres = new("postgres");

    private SqlDialect(string name) => Name = name;

    /// <summary>"sqlite" or "postgres".</summary>
    public string Name { get; }

    public bool IsPostgres => ReferenceEquals(this, Postgres);

    /// <summary>The dialect named "sqlite" or "postgres"/"postgresql" (case-insensitive), or null.</summary>
    public static SqlDialect? FromName(string name) => name.ToLowerInvariant() switch
    {
        "sqlite" => Sqlite,
        "postgres" or "postgresql" or "pg" => Postgres,
        _ => null,
    };

    /// <summary>Quotes a bare identifier with double quotes (valid in both backends).</summary>
    public static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"") + "\"";

    public override string ToString() => Name;
}
