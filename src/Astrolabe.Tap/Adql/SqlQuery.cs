namespace Astrolabe.Tap.Adql;

/// <summary>A translated query ready to run.</summary>
/// <param name="Sql">SQL for the dialect it was translated for.</param>
/// <param name="Parameters">Values for the named placeholders in <paramref name="Sql"/>; names carry their
/// "@" prefix (e.g. "@p0"), which both Microsoft.Data.Sqlite and Npgsql accept.</param>
/// <param name="Columns">The result columns, in order.</param>
public sealed record SqlQuery(
    string Sql,
    IReadOnlyList<KeyValuePair<string, object?>> Parameters,
    IReadOnlyList<ResultColumn> Columns);
