// ADQL benchmark: parse and parse+translate time per query of Astrolabe's ADQL translator, against DaCHS 2.7's
// ADQL library (Debian python3-gavo: parse, annotate, morph to PostgreSQL, flatten) on the same queries, in the
// same run. No database is involved on either side.
//   dotnet run -c Release --project bench/adql [-- --repeats 2000]
using System.Diagnostics;
using System.Text.Json;
using Astrolabe.Tap.Adql;

int repeats = int.Parse(ArgValue("--repeats") ?? "2000");
int dachsRepeats = int.Parse(ArgValue("--dachs-repeats") ?? "20");

string[] queries =
[
    "SELECT TOP 100 id, ra, dec, gmag FROM demo.stars WHERE CONTAINS(POINT('ICRS', ra, dec), CIRCLE('ICRS', 10, 20, 0.5)) = 1",
    "SELECT id, DISTANCE(POINT(ra, dec), POINT(10, 20)) AS d FROM demo.stars WHERE DISTANCE(POINT(ra, dec), POINT(10, 20)) < 0.1 ORDER BY d",
    "SELECT COUNT(*) FROM demo.stars WHERE gmag < 15",
    "SELECT TOP 1000 * FROM demo.stars",
    "SELECT s.id, g.redshift FROM demo.stars AS s JOIN demo.galaxies AS g ON s.id = g.star_id WHERE g.redshift > 0.1",
    "SELECT FLOOR(gmag) AS bin, COUNT(*) AS n, AVG(gmag - rmag) FROM demo.stars GROUP BY FLOOR(gmag) HAVING COUNT(*) > 10 ORDER BY bin",
    "SELECT id FROM demo.stars WHERE id IN (SELECT star_id FROM demo.galaxies WHERE redshift < 0.05) AND name LIKE 'HD%'",
    "SELECT id FROM demo.stars WHERE CONTAINS(POINT(ra, dec), POLYGON(9.5, 19.5, 10.5, 19.5, 10.5, 20.5, 9.5, 20.5)) = 1",
    "SELECT TOP 10 id, ra, dec FROM demo.stars WHERE gmag BETWEEN 10 AND 12 AND dec > 0 AND flags = 3 ORDER BY gmag DESC",
    "SELECT id, LOWER(name), ROUND(gmag, 2), SQRT(POWER(gmag, 2) + POWER(rmag, 2)), DEGREES(ASIN(SIN(RADIANS(dec)))) FROM demo.stars WHERE name IS NOT NULL",
];

var catalog = new BenchCatalog();
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
Console.WriteLine($"{queries.Length} queries; Astrolabe {repeats} repeats each, DaCHS {dachsRepeats} repeats each; median over queries of each query's median");

double MedianMicroseconds(Func<string, object> work, int n)
{
    var perQuery = new List<double>();
    foreach (var q in queries)
    {
        for (int i = 0; i < 50; i++)
        {
            work(q);
        }
        var samples = new double[n];
        for (int i = 0; i < n; i++)
        {
            long start = Stopwatch.GetTimestamp();
            work(q);
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }
        perQuery.Add(Median(samples));
    }
    return Median(perQuery);
}

// Warm up every path past the JIT's tiers before timing any of them.
for (int i = 0; i < 3000; i++)
{
    var q = queries[i % queries.Length];
    AdqlTranslator.Translate(q, catalog, SqlDialect.Sqlite, 100_000);
    AdqlTranslator.Translate(q, catalog, SqlDialect.Postgres, 100_000);
}

double parse = MedianMicroseconds(q => AdqlParser.Parse(q), repeats);
double sqlite = MedianMicroseconds(q => AdqlTranslator.Translate(q, catalog, SqlDialect.Sqlite, 100_000), repeats);
double postgres = MedianMicroseconds(q => AdqlTranslator.Translate(q, catalog, SqlDialect.Postgres, 100_000), repeats);
Console.WriteLine($"Astrolabe parse only:                     {parse,10:F1} µs per query");
Console.WriteLine($"Astrolabe parse + translate (SQLite):     {sqlite,10:F1} µs per query");
Console.WriteLine($"Astrolabe parse + translate (PostgreSQL): {postgres,10:F1} µs per query");
var cone = new double[repeats];
for (int i = 0; i < repeats; i++)
{
    long start = Stopwatch.GetTimestamp();
    AdqlTranslator.Translate(queries[0], catalog, SqlDialect.Postgres, 100_000);
    cone[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
}
Console.WriteLine($"  of which the 0.5° cone search (HEALPix order 12 ranges): {Median(cone),8:F1} µs");

var queryFile = Path.Combine(Path.GetTempPath(), "astrolabe-adql-bench-queries.json");
File.WriteAllText(queryFile, JsonSerializer.Serialize(queries));
var script = Path.Combine(AppContext.BaseDirectory, "dachs_adql_bench.py");
var python = Process.Start(new ProcessStartInfo("/usr/bin/python3", [script, queryFile, dachsRepeats.ToString()])
{
    RedirectStandardOutput = true,
    RedirectStandardError = true,
})!;
string output = python.StandardOutput.ReadToEnd();
string errors = python.StandardError.ReadToEnd();
python.WaitForExit();
using var result = JsonDocument.Parse(string.IsNullOrWhiteSpace(output) ? "{\"error\":\"no output\"}" : output);
if (result.RootElement.TryGetProperty("median_us", out var dachs))
{
    double d = dachs.GetDouble();
    Console.WriteLine($"DaCHS 2.7 parse + annotate + morph (PG):  {d,10:F1} µs per query");
    Console.WriteLine($"ratio DaCHS / Astrolabe (PostgreSQL):     {d / postgres,10:F1}×");
}
else
{
    Console.WriteLine($"DaCHS baseline not measured: {result.RootElement.GetProperty("error").GetString()} {errors.Trim()}");
}

static double Median(IReadOnlyList<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}

static string? ArgValue(string name)
{
    var args = Environment.GetCommandLineArgs();
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

/// <summary>The two tables the benchmark queries, with a HEALPix index on the stars.</summary>
internal sealed class BenchCatalog : ITableCatalog
{
    private static ColumnInfo C(string name, AdqlType type, string? unit = null) => new(name, name, type, unit);

    private readonly TableInfo[] _tables =
    [
        new("demo", "stars", "\"demo\".\"stars\"",
        [
            C("id", AdqlType.BigInt), C("ra", AdqlType.Double, "deg"), C("dec", AdqlType.Double, "deg"),
            C("gmag", AdqlType.Real, "mag"), C("rmag", AdqlType.Double, "mag"), C("name", AdqlType.VarChar),
            C("flags", AdqlType.Integer),
        ], new SpatialIndex("ra", "dec", "hpx", 12)),
        new("demo", "galaxies", "\"demo\".\"galaxies\"",
        [
            C("id", AdqlType.BigInt), C("ra", AdqlType.Double, "deg"), C("dec", AdqlType.Double, "deg"),
            C("redshift", AdqlType.Double), C("star_id", AdqlType.BigInt),
        ]),
    ];

    public IEnumerable<TableInfo> Tables => _tables;

    public TableInfo? FindTable(string? schema, string table) => _tables.FirstOrDefault(t =>
        string.Equals(t.Name, table, StringComparison.OrdinalIgnoreCase)
        && (schema is null || string.Equals(t.Schema, schema, StringComparison.OrdinalIgnoreCase)));
}
