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
        AdqlParser.Parse(adql);
        throw new AdqlException("the ADQL translator is not implemented yet", 1, 1);
    }
}
