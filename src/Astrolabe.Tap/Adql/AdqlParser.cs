namespace Astrolabe.Tap.Adql;

/// <summary>Parses ADQL 2.1 text into a syntax tree, without any catalogue or database.</summary>
public static class AdqlParser
{
    /// <summary>Parses one ADQL query; throws <see cref="AdqlException"/> with the position of the first error.</summary>
    public static QueryStatement Parse(string adql)
    {
        ArgumentNullException.ThrowIfNull(adql);
        throw new AdqlException("the ADQL parser is not implemented yet", 1, 1);
    }
}

/// <summary>A whole ADQL query (placeholder while the parser is written).</summary>
public sealed record QueryStatement(string Text);
