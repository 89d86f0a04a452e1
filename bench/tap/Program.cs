// TAP service benchmark: the same ADQL through /tap/sync and straight on the database, side by side in one run,
// optionally against DaCHS 2.7 serving the same PostgreSQL table (bench/tap/side-by-side.sh drives that).
//
//   dotnet run -c Release --project bench/tap -- [--rows 1000000] [--repeat 31] [--postgres CONNSTR] [--skip-sqlite]
//   dotnet run -c Release --project bench/tap -- --ingest-only CONNSTR [--rows N]
//   dotnet run -c Release --project bench/tap -- --shared CONNSTR --dachs-work WORK [--skip-sqlite]
//
// For each backend (the embedded SQLite default, and PostgreSQL when --postgres or ASTROLABE_TEST_POSTGRES gives a
// role with CREATEDB) it generates the demo catalogue in a fresh database, starts the TAP service in this process
// (Kestrel on 127.0.0.1), and prints medians for a 0.5° cone, a COUNT with a magnitude cut and TOP 1000, over TAP
// and direct, with their ratio and the per-request overhead; then rows per second streaming the whole table as
// VOTable BINARY2 and CSV, and the ADQL parse+translate time per query.
// --ingest-only loads the demo catalogue into an existing database and stops. --shared measures on an existing
// PostgreSQL database that already holds it (no ingest), and with --dachs-work (a directory set up by
// bench/dachs/dachs.sh) also DaCHS on the same table, interleaved with Astrolabe, each against the time its own SQL
// needs straight on the database.
using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
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
string? shared = null, ingestOnly = null, dachsWork = null;
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
        case "--shared": shared = args[++i]; break;
        case "--ingest-only": ingestOnly = args[++i]; break;
        case "--dachs-work": dachsWork = args[++i]; break;
        default: Console.Error.WriteLine($"unknown argument {args[i]}"); return 2;
    }
}

if (ingestOnly is not null)
{
    var sw = Stopwatch.StartNew();
    var loaded = await CatalogIngest.IngestDemoAsync(ingestOnly, rows, null, CancellationToken.None);
    Console.WriteLine($"demo catalogue generated, loaded, HEALPix-indexed and published: {loaded.Rows:N0} rows in {sw.Elapsed.TotalSeconds:F1} s");
    NpgsqlConnection.ClearAllPools();
    return 0;
}

Console.WriteLine($"Astrolabe TAP benchmark: {rows:N0}-row demo catalogue, {repeat} repetitions per query, " +
                  $"{Environment.ProcessorCount} cores, .NET {Environment.Version}");
if (dachsWork is null)
{
    Console.WriteLine("Reference (DESIGN.md appendix B, not measured here): DaCHS 2.7 + PostgreSQL/q3c, 0.5° cone ≈ 60 ms over TAP sync, ≈ 0.3 ms in the database.");
}
Console.WriteLine();

if (sqlite)
{
    var directory = Directory.CreateTempSubdirectory("astrolabe-tap-bench-").FullName;
    try
    {
        await Bench.RunAsync("SQLite (embedded default)", $"Data Source={Path.Combine(directory, "catalog.db")}", directory, rows, repeat, ingest: true, dachs: null);
    }
    finally
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }
}
if (shared is not null)
{
    var directory = Directory.CreateTempSubdirectory("astrolabe-tap-bench-").FullName;
    try
    {
        var dachs = dachsWork is null ? null : Dachs.Open(dachsWork);
        await Bench.RunAsync(dachs is null ? "PostgreSQL 15 (shared database)" : "PostgreSQL 15, the same table served by Astrolabe and by DaCHS 2.7",
            shared, directory, rows, repeat, ingest: false, dachs);
    }
    finally
    {
        NpgsqlConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }
}
else if (!string.IsNullOrEmpty(postgres))
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
        await Bench.RunAsync("PostgreSQL 15", connection, directory, rows, repeat, ingest: true, dachs: null);
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

/// <summary>DaCHS 2.7 set up by bench/dachs/dachs.sh in a work directory: its TAP URL, and its own translation of
/// ADQL to SQL (so its database time is that of the SQL it runs).</summary>
internal sealed record Dachs(string BaseUrl, string Work)
{
    /// <summary>Resident memory of the DaCHS server process (the child of the recorded runuser PID), in bytes.</summary>
    public long ServerResidentBytes()
    {
        try
        {
            var pid = File.ReadAllText(Path.Combine(Work, "dachs.pid")).Trim();
            var child = File.ReadAllText($"/proc/{pid}/task/{pid}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? pid;
            var line = File.ReadLines($"/proc/{child}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    public static Dachs Open(string work) =>
        new($"http://127.0.0.1:{File.ReadAllText(Path.Combine(work, "port")).Trim()}/tap", work);

    public IReadOnlyList<string> Translate(IReadOnlyList<string> adql, long maxRec)
    {
        var file = Path.Combine(Path.GetTempPath(), $"astrolabe-dachs-sql-{Environment.ProcessId}.json");
        File.WriteAllText(file, JsonSerializer.Serialize(adql));
        try
        {
            var script = FindScript();
            var start = new ProcessStartInfo(script, ["sql", Work, file, maxRec.ToString(CultureInfo.InvariantCulture)])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"dachs.sh sql failed: {stderr.Result}");
            }
            return JsonSerializer.Deserialize<List<string>>(output.Trim().Split('\n').Last())!;
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string FindScript()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "bench", "dachs", "dachs.sh");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException("bench/dachs/dachs.sh not found above " + AppContext.BaseDirectory);
    }
}

internal static class Bench
{
    private const string Binary2 = "application/x-votable+xml;serialization=BINARY2";

    public static async Task RunAsync(string backend, string connectionString, string dataRoot, long rows, int repeat, bool ingest, Dachs? dachs)
    {
        Console.WriteLine($"== {backend}");
        if (ingest)
        {
            var sw = Stopwatch.StartNew();
            var result = await CatalogIngest.IngestDemoAsync(connectionString, rows, null, CancellationToken.None);
            Console.WriteLine($"demo catalogue generated, loaded, HEALPix-indexed and published: {result.Rows:N0} rows in {sw.Elapsed.TotalSeconds:F1} s " +
                              $"({result.Rows / sw.Elapsed.TotalSeconds:N0} rows/s)");
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DataRoot"] = dataRoot,
            ["Tap:ConnectionString"] = connectionString,
            ["Tap:MaxRecLimit"] = "100000000",
        });
        builder.Services.AddTap(builder.Configuration);
        await using var app = builder.Build();
        app.MapTap();
        await app.StartAsync();
        var baseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/tap";
        var tap = app.Services.GetRequiredService<TapService>();
        var catalog = await tap.GetCatalogAsync(CancellationToken.None);
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(15) };
        if (!ingest)
        {
            rows = (await TimeSqlAsync(tap, "SELECT * FROM demo.objects", [])).Rows;
            Console.WriteLine($"demo.objects holds {rows:N0} rows");
        }

        // MAXREC one above the table's size, so that neither service can call the whole table an overflow.
        long maxRec = rows + 1;
        // Deterministic cone centres spread over the sky; each repetition uses the next one, on every path.
        var random = new Random(7);
        var centres = Enumerable.Range(0, repeat).Select(_ => (Ra: 360 * random.NextDouble(), Dec: Math.Asin(2 * random.NextDouble() - 1) * 180 / Math.PI)).ToArray();
        var queries = new (string Name, Func<int, string> Adql)[]
        {
            ("0.5° cone (CONTAINS)", i => $"SELECT * FROM demo.objects WHERE 1 = CONTAINS(POINT('ICRS', ra, dec), CIRCLE('ICRS', {centres[i].Ra:R}, {centres[i].Dec:R}, 0.5))"),
            ("COUNT with mag_r < 18", _ => "SELECT COUNT(*) FROM demo.objects WHERE mag_r < 18"),
            ("TOP 1000", _ => "SELECT TOP 1000 * FROM demo.objects"),
        };
        // DaCHS's own SQL for every repetition, from its own translator (adqlglue.morphADQL), same MAXREC.
        var dachsSql = dachs is null ? null
            : queries.Select(q => dachs.Translate(Enumerable.Range(0, repeat).Select(q.Adql).ToList(), maxRec)).ToArray();
        for (int q = 0; q < queries.Length; q++)
        {
            Console.WriteLine($"  {queries[q].Name}: Astrolabe SQL: {AdqlTranslator.Translate(queries[q].Adql(0), catalog, tap.Database.Dialect, maxRec).Sql}");
            if (dachsSql is not null)
            {
                Console.WriteLine($"  {"",-22}  DaCHS SQL:     {dachsSql[q][0]}");
            }
        }
        if (dachs is not null)
        {
            // Same answer from both services (CSV rows counted) and from the database, before anything is timed.
            for (int q = 0; q < queries.Length; q++)
            {
                long ours = await CountCsvRowsAsync(http, baseUrl, queries[q].Adql(0), maxRec);
                long theirs = await CountCsvRowsAsync(http, dachs.BaseUrl, queries[q].Adql(0), maxRec);
                long direct = (await TimeDirectAsync(tap, catalog, queries[q].Adql(0), maxRec)).Rows;
                Console.WriteLine($"  {queries[q].Name}: rows over TAP, Astrolabe {ours}, DaCHS {theirs}; database {direct}" +
                                  (ours == theirs && ours == direct ? "" : "  ** MISMATCH **"));
            }
            Console.WriteLine($"{"query",-24}{"Astrolabe TAP",15}{"its SQL on DB",15}{"overhead",11} |{"DaCHS TAP",12}{"its SQL on DB",15}{"overhead",11} |{"overhead ratio",16}{"TAP ratio",11}");
        }
        else
        {
            Console.WriteLine($"{"query",-24}{"TAP sync median",18}{"database median",18}{"TAP/database",14}{"overhead",12}{"rows",8}");
        }
        var overheadRatios = new List<(string Name, double Ratio)>();
        for (int q = 0; q < queries.Length; q++)
        {
            var (name, adql) = queries[q];
            List<double> viaTap = [], direct = [], dachsTap = [], dachsDirect = [];
            long rowCount = 0;
            for (int i = -5; i < repeat; i++)
            {
                int k = Math.Max(i, 0);
                // Alternate the order so caches and load favour no path.
                double t, d, dt = 0, dd = 0;
                if (i % 2 == 0 || dachs is null)
                {
                    t = (await TimeTapAsync(http, baseUrl, adql(k), Binary2, maxRec)).Ms;
                    if (dachs is not null)
                    {
                        dt = (await TimeTapAsync(http, dachs.BaseUrl, adql(k), Binary2, maxRec)).Ms;
                    }
                }
                else
                {
                    dt = (await TimeTapAsync(http, dachs.BaseUrl, adql(k), Binary2, maxRec)).Ms;
                    t = (await TimeTapAsync(http, baseUrl, adql(k), Binary2, maxRec)).Ms;
                }
                var ours = await TimeDirectAsync(tap, catalog, adql(k), maxRec);
                d = ours.Ms;
                if (dachsSql is not null)
                {
                    dd = (await TimeSqlAsync(tap, dachsSql[q][k], [])).Ms;
                }
                if (i >= 0)
                {
                    viaTap.Add(t);
                    direct.Add(d);
                    dachsTap.Add(dt);
                    dachsDirect.Add(dd);
                    rowCount = ours.Rows;
                }
            }
            double tapMedian = Median(viaTap), dbMedian = Median(direct);
            if (dachs is null)
            {
                Console.WriteLine($"{name,-24}{tapMedian,15:F2} ms{dbMedian,15:F2} ms{tapMedian / dbMedian,13:F1}x{tapMedian - dbMedian,9:F2} ms{rowCount,8}");
            }
            else
            {
                double dTap = Median(dachsTap), dDb = Median(dachsDirect);
                double ratio = (tapMedian - dbMedian) / (dTap - dDb);
                overheadRatios.Add((name, ratio));
                Console.WriteLine($"{name,-24}{tapMedian,12:F2} ms{dbMedian,12:F2} ms{tapMedian - dbMedian,8:F2} ms |" +
                                  $"{dTap,9:F2} ms{dDb,12:F2} ms{dTap - dDb,8:F2} ms |{ratio,15:F3}x{tapMedian / dTap,10:F3}x");
            }
        }

        // Each format streamed twice per service, alternating services; the faster round of each counts, so that
        // a burst of load from elsewhere on the machine does not decide the ratio.
        var streamRatios = new List<(string Name, double Ratio)>();
        var formats = dachs is null ? new[] { Binary2, "csv", "votable" } : new[] { Binary2, "csv" };
        foreach (var format in formats)
        {
            string label = format == Binary2 ? "BINARY2" : format == "votable" ? "TABLEDATA" : "CSV";
            var direct = await TimeDirectAsync(tap, catalog, "SELECT * FROM demo.objects", maxRec);
            (double Seconds, long Bytes, long Lines, bool Overflow, long PeakGrowth)? ours = null, theirs = null;
            for (int round = 0; round < 2; round++)
            {
                var o = await StreamAsync(http, baseUrl, format, maxRec, () => Process.GetCurrentProcess().WorkingSet64);
                Console.WriteLine($"  {label} round {round + 1}: Astrolabe {o.Seconds:F2} s");
                if (ours is null || o.Seconds < ours.Value.Seconds)
                {
                    ours = o;
                }
                if (dachs is not null)
                {
                    var t = await StreamAsync(http, dachs.BaseUrl, format, maxRec, dachs.ServerResidentBytes);
                    Console.WriteLine($"  {label} round {round + 1}: DaCHS {t.Seconds:F2} s");
                    if (theirs is null || t.Seconds < theirs.Value.Seconds)
                    {
                        theirs = t;
                    }
                }
            }
            var us = ours!.Value;
            Console.WriteLine($"stream all rows as {label,-9} Astrolabe: {direct.Rows / us.Seconds,10:N0} rows/s ({direct.Rows:N0} rows, {us.Bytes / 1048576.0:F0} MiB, {us.Seconds:F2} s{(us.Overflow ? ", OVERFLOW" : "")}); " +
                              $"database alone {direct.Rows / (direct.Ms / 1000):N0} rows/s; TAP/database time {us.Seconds * 1000 / direct.Ms:F2}x; " +
                              $"bench process working set +{us.PeakGrowth / 1048576.0:F0} MiB during the stream");
            if (theirs is { } them)
            {
                long theirRows = format == "csv" ? them.Lines - 1 : direct.Rows;
                double ratio = (direct.Rows / us.Seconds) / (theirRows / them.Seconds);
                streamRatios.Add((label, ratio));
                Console.WriteLine($"stream all rows as {label,-9} DaCHS:     {theirRows / them.Seconds,10:N0} rows/s ({(format == "csv" ? $"{theirRows:N0} CSV rows" : "rows not counted")}, " +
                                  $"{them.Bytes / 1048576.0:F0} MiB, {them.Seconds:F2} s{(them.Overflow ? ", OVERFLOW" : "")}); " +
                                  $"DaCHS server resident +{them.PeakGrowth / 1048576.0:F0} MiB during the stream; Astrolabe/DaCHS rows/s {ratio:F1}x");
            }
        }

        // Per query: a median over all three together would hide the cone, whose translation computes a HEALPix cover.
        var perQuery = new List<string>();
        foreach (var (name, adql) in queries)
        {
            var parse = new List<double>();
            for (int i = 0; i < 1000; i++)
            {
                var sw = Stopwatch.StartNew();
                AdqlTranslator.Translate(adql(i % repeat), catalog, tap.Database.Dialect, 100_000);
                parse.Add(sw.Elapsed.TotalMilliseconds);
            }
            perQuery.Add($"{name} {Median(parse) * 1000:F1} µs");
        }
        Console.WriteLine($"ADQL parse+translate (Astrolabe), median per query: {string.Join("; ", perQuery)}; DaCHS's on a wider set: bench/adql");
        if (dachs is not null)
        {
            Console.WriteLine("Targets:");
            foreach (var (name, ratio) in overheadRatios)
            {
                Console.WriteLine($"  per-request overhead beyond the database ≤ 0.2x DaCHS's, {name}: {ratio:F3}x — {(ratio <= 0.2 ? "met" : "NOT met")}");
            }
            foreach (var (name, ratio) in streamRatios)
            {
                Console.WriteLine($"  streaming rows/s ≥ 5x DaCHS's, {name}: {ratio:F1}x — {(ratio >= 5 ? "met" : "NOT met")}");
            }
        }
        Console.WriteLine();
        await app.StopAsync();
    }

    /// <summary>The whole table through /sync in one format: seconds to the last byte, bytes, newlines, whether the
    /// answer says OVERFLOW, and the peak growth of a memory figure sampled every 50 ms while it streams.</summary>
    private static async Task<(double Seconds, long Bytes, long Lines, bool Overflow, long PeakGrowth)> StreamAsync(HttpClient http, string baseUrl,
        string format, long maxRec, Func<long> memory)
    {
        long before = memory(), peak = before;
        using var sampler = new Timer(_ => peak = Math.Max(peak, memory()), null, 0, 50);
        var sw = Stopwatch.StartNew();
        using var response = await SendAsync(http, baseUrl, "SELECT * FROM demo.objects", format, maxRec);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[1 << 16];
        long bytes = 0, lines = 0;
        var tail = new List<byte>();
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            bytes += read;
            lines += buffer.AsSpan(0, read).Count((byte)'\n');
            tail.AddRange(buffer.AsSpan(Math.Max(0, read - 4096), Math.Min(read, 4096)).ToArray());
            if (tail.Count > 8192)
            {
                tail.RemoveRange(0, tail.Count - 8192);
            }
        }
        double seconds = sw.Elapsed.TotalSeconds;
        bool overflow = System.Text.Encoding.UTF8.GetString(tail.ToArray()).Contains("OVERFLOW", StringComparison.Ordinal);
        return (seconds, bytes, lines, overflow, peak - before);
    }

    private static async Task<long> CountCsvRowsAsync(HttpClient http, string baseUrl, string adql, long maxRec)
    {
        using var response = await SendAsync(http, baseUrl, adql, "csv", maxRec);
        var text = await response.Content.ReadAsStringAsync();
        return text.Count(c => c == '\n') - 1;
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, string baseUrl, string adql, string format, long maxRec)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{baseUrl}/sync")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["REQUEST"] = "doQuery",
                ["LANG"] = "ADQL",
                ["QUERY"] = adql,
                ["FORMAT"] = format,
                ["MAXREC"] = maxRec.ToString(CultureInfo.InvariantCulture),
            }),
        };
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
        {
            var message = await response.Content.ReadAsStringAsync();
            response.Dispose();
            throw new InvalidOperationException($"{baseUrl}: {adql}: HTTP {(int)response.StatusCode} {message}");
        }
        return response;
    }

    /// <summary>Time to the last byte of a /sync answer, and its size in bytes.</summary>
    private static async Task<(double Ms, long Bytes)> TimeTapAsync(HttpClient http, string baseUrl, string adql, string format, long maxRec)
    {
        var sw = Stopwatch.StartNew();
        using var response = await SendAsync(http, baseUrl, adql, format, maxRec);
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
        return await TimeSqlAsync(tap, sql.Sql, sql.Parameters);
    }

    /// <summary>SQL straight on the service's database (a fresh pooled connection, as a request gets), every value
    /// of every row read.</summary>
    private static async Task<(double Ms, long Rows)> TimeSqlAsync(TapService tap, string sql, IEnumerable<KeyValuePair<string, object?>> parameters)
    {
        var sw = Stopwatch.StartNew();
        await using var connection = await tap.Database.OpenAsync(CancellationToken.None);
        await using DbCommand command = CatalogDatabase.Command(connection, sql, parameters);
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
