// TAP service benchmark: the same ADQL through /tap/sync and straight on the database, side by side in one run.
//
//   dotnet run -c Release --project bench/tap -- [--rows 1000000] [--repeat 31] [--postgres CONNSTR] [--skip-sqlite]
//
// For each backend (the embedded SQLite default, and PostgreSQL when --postgres or ASTROLABE_TEST_POSTGRES gives a
// role with CREATEDB) it generates the demo catalogue in a fresh database, starts the TAP service in this process
// (Kestrel on 127.0.0.1), and prints medians for a 0.5° cone, a COUNT with a magnitude cut and TOP 1000, over TAP
// and direct, with their ratio and the per-request overhead; then rows per second streaming the whole table as
// VOTable BINARY2 and CSV, and the ADQL parse+translate time per query.
using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Astrolabe.Tap;
using Astrolabe.Tap.Adql;
using Astrolabe.Tap.Catalog;
using Astrolabe.Tap.Ingest;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
long rows = 1_000_000;
int repeat = 31;
string? postgres = Environment.GetEnvironmentVariable("ASTROLABE_TEST_POSTGRES");
bool sqlite = true;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--rows": rows = long.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--repeat": repeat = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--postgres": postgres = args[++i]; break;
        case "--no-postgres": postgres = null; break;
        case "--skip-sqlite": sqlite = false; break;
        default: Console.Error.WriteLine($"unknown argument {args[i]}"); return 2;
    }
}

Console.WriteLine($"Astrolabe TAP benchmark: {rows:N0}-row demo catalogue, {repeat} repetitions per query, " +
                  $"{Environment.ProcessorCount} cores, .NET {Environment.Version}");
Console.WriteLine("Reference (DESIGN.md appendix B, not measured here): DaCHS 2.7 + PostgreSQL/q3c, 0.5° cone ≈ 60 ms over TAP sync, ≈ 0.3 ms in the database.");
Console.WriteLine();

if (sqlite)
{
    var directory = Directory.CreateTempSubdirectory("astrolabe-tap-bench-").FullName;
    try
    {
        await Bench.RunAsync("SQLite (embedded default)", $"Data Source={Path.Combine(directory, "catalog.db")}", directory, rows, repeat);
    }
    finally
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }
}
if (!string.IsNullOrEmpty(postgres))
{
    var name = "tap_bench_" + Guid.NewGuid().ToString("N")[..8];
    await using (var admin = new NpgsqlConnection(postgres))
    {
        await admin.OpenAsync();
        await new NpgsqlCommand($"CREATE DATABASE {name}", admin).ExecuteNonQueryAsync();
    }
    var directory = Directory.CreateTempSubdirectory("astrolabe-tap-bench-").FullName;
    try
    {
        var connection = new NpgsqlConnectionStringBuilder(postgres) { Database = name }.ConnectionString;
        await Bench.RunAsync("PostgreSQL 15", connection, directory, rows, repeat);
    }
    finally
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(postgres);
        await admin.OpenAsync();
        await new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", admin).ExecuteNonQueryAsync();
        Directory.Delete(directory, recursive: true);
    }
}
else
{
    Console.WriteLine("PostgreSQL: skipped (give --postgres CONNSTR or set ASTROLABE_TEST_POSTGRES).");
}
return 0;

internal static class Bench
{
    public static async Task RunAsync(string backend, string connectionString, string dataRoot, long rows, int repeat)
    {
        Console.WriteLine($"== {backend}");
        var ingest = Stopwatch.StartNew();
        var result = await CatalogIngest.IngestDemoAsync(connectionString, rows, null, CancellationToken.None);
        Console.WriteLine($"demo catalogue generated, loaded, HEALPix-indexed and published: {result.Rows:N0} rows in {ingest.Elapsed.TotalSeconds:F1} s " +
                          $"({result.Rows / ingest.Elapsed.TotalSeconds:N0} rows/s)");

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DataRoot"] = dataRoot,
            ["Tap:ConnectionString"] = connectionString,
            ["Tap:MaxRecLimit"] = (rows + 1).ToString(CultureInfo.InvariantCulture),
        });
        builder.Services.AddTap(builder.Configuration);
        await using var app = builder.Build();
        app.MapTap();
        await app.StartAsync();
        var baseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/tap";
        var tap = app.Services.GetRequiredService<TapService>();
        var catalog = await tap.GetCatalogAsync(CancellationToken.None);
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(10) };

        // Deterministic cone centres spread over the sky; each repetition uses the next one, on both paths.
        var random = new Random(7);
        var centres = Enumerable.Range(0, repeat).Select(_ => (Ra: 360 * random.NextDouble(), Dec: Math.Asin(2 * random.NextDouble() - 1) * 180 / Math.PI)).ToArray();
        var queries = new (string Name, Func<int, string> Adql)[]
        {
            ("0.5° cone (CONTAINS)", i => $"SELECT * FROM demo.objects WHERE 1 = CONTAINS(POINT('ICRS', ra, dec), CIRCLE('ICRS', {centres[i].Ra:R}, {centres[i].Dec:R}, 0.5))"),
            ("COUNT with mag_r < 18", _ => "SELECT COUNT(*) FROM demo.objects WHERE mag_r < 18"),
            ("TOP 1000", _ => "SELECT TOP 1000 * FROM demo.objects"),
        };
        foreach (var (name, adql) in queries)
        {
            Console.WriteLine($"  {name}: {AdqlTranslator.Translate(adql(0), catalog, tap.Database.Dialect).Sql}");
        }
        Console.WriteLine($"{"query",-24}{"TAP sync median",18}{"database median",18}{"TAP/database",14}{"overhead",12}{"rows",8}");
        foreach (var (name, adql) in queries)
        {
            var viaTap = new List<double>();
            var direct = new List<double>();
            long rowCount = 0;
            for (int i = -5; i < repeat; i++)
            {
                int k = Math.Max(i, 0);
                // Alternate the order so caches favour neither path.
                var (t, n) = await TimeTapAsync(http, baseUrl, adql(k), "votable/b2", rows);
                var d = await TimeDirectAsync(tap, catalog, adql(k), rows);
                if (i >= 0)
                {
                    viaTap.Add(t);
                    direct.Add(d.Ms);
                    rowCount = d.Rows;
                }
            }
            double tapMedian = Median(viaTap), dbMedian = Median(direct);
            Console.WriteLine($"{name,-24}{tapMedian,15:F2} ms{dbMedian,15:F2} ms{tapMedian / dbMedian,13:F1}x{tapMedian - dbMedian,9:F2} ms{rowCount,8}");
        }

        foreach (var format in new[] { "votable/b2", "csv", "votable" })
        {
            var before = Process.GetCurrentProcess().WorkingSet64;
            long peak = before;
            using var sampler = new Timer(_ => peak = Math.Max(peak, Process.GetCurrentProcess().WorkingSet64), null, 0, 50);
            var stopwatch = Stopwatch.StartNew();
            var (_, bytes) = await TimeTapAsync(http, baseUrl, "SELECT * FROM demo.objects", format, rows);
            double tapSeconds = stopwatch.Elapsed.TotalSeconds;
            var direct = await TimeDirectAsync(tap, catalog, "SELECT * FROM demo.objects", rows);
            long count = direct.Rows;
            Console.WriteLine($"stream all rows as {format,-10}: {count / tapSeconds,12:N0} rows/s over TAP ({count:N0} rows, {bytes / 1048576.0:F0} MiB, {tapSeconds:F2} s); " +
                              $"database alone {direct.Rows / (direct.Ms / 1000):N0} rows/s; TAP/database time {tapSeconds * 1000 / direct.Ms:F2}x; " +
                              $"working set +{(peak - before) / 1048576.0:F0} MiB during the stream");
        }

        var parse = new List<double>();
        foreach (var (_, adql) in queries)
        {
            for (int i = 0; i < 2000; i++)
            {
                var sw = Stopwatch.StartNew();
                AdqlTranslator.Translate(adql(i % repeat), catalog, tap.Database.Dialect, 100_000);
                parse.Add(sw.Elapsed.TotalMilliseconds);
            }
        }
        Console.WriteLine($"ADQL parse+translate: median {Median(parse) * 1000:F1} µs per query");
        Console.WriteLine();
        await app.StopAsync();
    }

    /// <summary>Time to the last byte of a /sync answer, and its size in bytes.</summary>
    private static async Task<(double Ms, long Bytes)> TimeTapAsync(HttpClient http, string baseUrl, string adql, string format, long maxRec)
    {
        var sw = Stopwatch.StartNew();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{baseUrl}/sync")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["LANG"] = "ADQL", ["QUERY"] = adql, ["FORMAT"] = format, ["MAXREC"] = maxRec.ToString(CultureInfo.InvariantCulture),
            }),
        };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{adql}: HTTP {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[1 << 16];
        long bytes = 0;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            bytes += read;
        }
        return (sw.Elapsed.TotalMilliseconds, bytes);
    }

    /// <summary>The same query translated as the service does (same MAXREC, so the same SQL) and run straight on
    /// the database, every value read.</summary>
    private static async Task<(double Ms, long Rows)> TimeDirectAsync(TapService tap, ITableCatalog catalog, string adql, long maxRec)
    {
        var sql = AdqlTranslator.Translate(adql, catalog, tap.Database.Dialect, maxRec);
        var sw = Stopwatch.StartNew();
        await using var connection = await tap.Database.OpenAsync(CancellationToken.None);
        await using DbCommand command = connection.CreateCommand();
        command.CommandText = sql.Sql;
        foreach (var (name, value) in sql.Parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            command.Parameters.Add(p);
        }
        await using var reader = await command.ExecuteReaderAsync();
        var values = new object[reader.FieldCount];
        long count = 0;
        while (await reader.ReadAsync())
        {
            reader.GetValues(values);
            count++;
        }
        return (sw.Elapsed.TotalMilliseconds, count);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
