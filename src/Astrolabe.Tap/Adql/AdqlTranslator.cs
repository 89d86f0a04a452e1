namespace Astrolabe.Tap.Adql;

/// <summary>Translates ADQL 2.1 to SQL for one backend, checking every identifier against a catalogue.</summary>
public static class AdqlTranslator
{
    /// <summary>Parses, checks and translates <paramref name="adql"/>. With <paramref name="maxRec"/> the SQL
    /// returns at most maxRec + 1 rows (combined with TOP/OFFSET), so a caller seeing more than maxRec rows
    /// knows the result overflowed.</summary>
    public static SqlQuery Translate(string adql, ITableCatalog catalog, SqlDialect dialect, long? maxRec = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(dialect);
        var statement = AdqlParser.Parse(adql);
        return Translate(statement, catalog, dialect, maxRec);
    }

    /// <summary>Checks and translates an already parsed query.</summary>
    public static SqlQuery Translate(QueryStatement statement, ITableCatalog catalog, SqlDialect dialect, long? maxRec = null)
    {
        ArgumentNullException.ThrowIfNull(statement);
        if (maxRec is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxRec), "MAXREC cannot be negative");
        }
        return new SqlWriter(catalog, dialect).Write(statement, maxRec);
    }
}
