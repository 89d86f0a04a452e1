namespace Astrolabe.Tap.Adql;

/// <summary>`astrolabe adql check`: reports, for each query (one per line), whether it is valid ADQL 2.1.</summary>
public static class AdqlCheck
{
    /// <summary>Checks every non-empty line of <paramref name="queries"/>; writes "valid" or the positioned
    /// error per query to <paramref name="output"/>; returns 0 when all are valid, otherwise 1.</summary>
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
            try
            {
                AdqlParser.Parse(line);
                output.WriteLine($"{number}: valid");
            }
            catch (AdqlException e)
            {
                output.WriteLine($"{number}: invalid: {e.Message}");
                status = 1;
            }
        }
        return status;
    }
}
