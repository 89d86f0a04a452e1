using System.Globalization;

namespace Astrolabe.Tap.Adql;

/// <summary>`astrolabe adql check` and `astrolabe adql translate`, as functions of text in and text out.</summary>
public static class AdqlCheck
{
    /// <summary>Checks every non-empty line of <paramref name="queries"/> as one ADQL 2.1 query (syntax only,
    /// no database); writes "N: valid" or "N: invalid: line L, column C: ..." per query to
    /// <paramref name="output"/>; returns 0 when all are valid, otherwise 1.</summary>
    public static int Run(TextReader queries, TextWriter output)
    {
        int status = 0;
        int number = 0;
        string? line;
        while ((line = queries.ReadLine()) is not null)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            number++;
            if (!Check(line, out var error))
            {
                status = 1;
            }
            output.WriteLine(error is null ? $"{number}: valid" : $"{number}: invalid: {error.Message}");
        }
        return status;
    }

    /// <summary>Whether one query (possibly several lines) is valid ADQL 2.1 syntax.</summary>
    public static bool Check(string query, out AdqlException? error)
    {
        try
        {
            AdqlParser.Parse(query);
            error = null;
            return true;
        }
        catch (AdqlException e)
        {
            error = e;
            return false;
        }
    }

    /// <summary>Writes the SQL for <paramref name="query"/> in <paramref name="dialect"/> against
    /// <paramref name="catalog"/> (an <see cref="OpenCatalog"/> when none is given), then its parameters as
    /// SQL comments. Returns 0, or 1 after writing the positioned error.</summary>
    public static int Translate(string query, SqlDialect dialect, TextWriter output, ITableCatalog? catalog = null)
    {
        try
        {
            var sql = AdqlTranslator.Translate(query, catalog ?? new OpenCatalog(), dialect);
            output.WriteLine(sql.Sql + ";");
            foreach (var (name, value) in sql.Parameters)
            {
                string text = value switch
                {
                    null => "NULL",
                    string s => "'" + s.Replace("'", "''") + "'",
                    IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                    _ => value.ToString() ?? "",
                };
                output.WriteLine($"-- {name} = {text.Replace("\n", "\\n")}");
            }
            return 0;
        }
        catch (AdqlException e)
        {
            output.WriteLine($"invalid: {e.Message}");
            return 1;
        }
    }
}
