using System.Globalization;
using Astrolabe.Tap.Tests.Support;

namespace Astrolabe.Tap.Tests;

/// <summary>ADQL queries through /sync whose answers are computed here in C# from the regenerated demo rows.
/// The same cases run on SQLite and on a real PostgreSQL (subclasses below).</summary>
public abstract class QueryCorrectnessTests
{
    private static readonly DemoReference Data = DemoReference.Instance;

    internal abstract TapTestServer Server { get; }

    /// <summary>Every case: the query and the expected CSV rows (without the header), in result order when the
    /// query orders, else compared as sets.</summary>
    public static TheoryData<string> Cases => new(Expected.Keys);

    private static readonly Dictionary<string, (string Adql, bool Ordered, Func<IEnumerable<string>> Rows)> Expected = new()
    {
        ["cone_contains"] = (
            "SELECT object_id FROM demo.objects WHERE 1 = CONTAINS(POINT('ICRS', ra, dec), CIRCLE('ICRS', 150.0, 20.0, 5.0))",
            false, () => Ids(r => DemoReference.Distance(r.Ra, r.Dec, 150, 20) <= 5)),
        ["cone_distance"] = (
            "SELECT object_id FROM demo.objects WHERE DISTANCE(POINT('ICRS', ra, dec), POINT('ICRS', 30.0, -45.0)) < 3",
            false, () => Ids(r => DemoReference.Distance(r.Ra, r.Dec, 30, -45) < 3)),
        ["cone_across_ra_zero"] = (
            "SELECT object_id FROM demo.objects WHERE 1 = CONTAINS(POINT('ICRS', ra, dec), CIRCLE('ICRS', 359.5, 1.0, 4.0))",
            false, () => Ids(r => DemoReference.Distance(r.Ra, r.Dec, 359.5, 1) <= 4)),
        ["cone_at_pole"] = (
            "SELECT object_id FROM demo.objects WHERE 1 = CONTAINS(POINT('ICRS', ra, dec), CIRCLE('ICRS', 0.0, 89.0, 3.0))",
            false, () => Ids(r => DemoReference.Distance(r.Ra, r.Dec, 0, 89) <= 3)),
        ["count_magnitude_cut"] = (
            "SELECT COUNT(*) AS n FROM demo.objects WHERE mag_r < 20",
            true, () => [Data.Rows.Count(r => r.MagR < 20).ToString(CultureInfo.InvariantCulture)]),
        ["group_by_class"] = (
            "SELECT class, COUNT(*) AS n FROM demo.objects GROUP BY class ORDER BY class",
            true, () => Data.Rows.GroupBy(r => r.Class).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => $"{g.Key},{g.Count()}")),
        ["top_brightest_stars"] = (
            "SELECT TOP 5 object_id FROM demo.objects WHERE class = 'star' ORDER BY mag_g",
            true, () => Data.Rows.Where(r => r.Class == "star").OrderBy(r => r.MagG).Take(5).Select(r => Id(r.Id))),
        ["null_redshift"] = (
            "SELECT COUNT(*) FROM demo.objects WHERE redshift IS NULL",
            true, () => [Data.Rows.Count(r => r.Redshift is null).ToString(CultureInfo.InvariantCulture)]),
        ["between_and_like"] = (
            "SELECT object_id FROM demo.objects WHERE mag_r BETWEEN 18 AND 18.2 AND class LIKE 'gal%'",
            false, () => Ids(r => r.MagR >= 18 && r.MagR <= 18.2 && r.Class.StartsWith("gal", StringComparison.Ordinal))),
        ["offset_paging"] = (
            "SELECT object_id FROM demo.objects ORDER BY object_id OFFSET 19995",
            true, () => Data.Rows.OrderBy(r => r.Id).Skip(19995).Select(r => Id(r.Id))),
        ["in_list_and_arithmetic"] = (
            "SELECT object_id, mag_g - mag_r AS colour FROM demo.objects WHERE object_id IN (3, 500, 17001) ORDER BY object_id",
            true, () => Data.Rows.Where(r => r.Id is 3 or 500 or 17001).OrderBy(r => r.Id)
                .Select(r => $"{Id(r.Id)},{Math.Round(r.MagG - r.MagR, 4).ToString(CultureInfo.InvariantCulture)}")),
        ["parallax_cut"] = (
            "SELECT COUNT(*) FROM demo.objects WHERE parallax > 1.0 AND class = 'star'",
            true, () => [Data.Rows.Count(r => r.Parallax > 1.0 && r.Class == "star").ToString(CultureInfo.InvariantCulture)]),
    };

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static IEnumerable<string> Ids(Func<DemoReference.Row, bool> where) => Data.Rows.Where(where).Select(r => Id(r.Id));

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Query_returns_the_rows_computed_independently(string name)
    {
        var (adql, ordered, rows) = Expected[name];
        var (status, body, _) = await Server.SyncAsync(adql, format: "csv");
        Assert.True(status == 200, $"{name}: HTTP {status}: {body}");
        var lines = body.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(Normalise).ToList();
        var expected = rows().ToList();
        Assert.NotEmpty(expected);
        if (ordered)
        {
            Assert.Equal(expected, lines);
        }
        else
        {
            Assert.Equal(expected.Order(StringComparer.Ordinal), lines.Order(StringComparer.Ordinal));
        }
    }

    /// <summary>Rounds floating-point cells to 4 decimals so float/double differences between backends vanish.</summary>
    private static string Normalise(string line) =>
        string.Join(',', line.Split(',').Select(cell =>
            cell.Contains('.') && double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)
                ? Math.Round(v, 4).ToString(CultureInfo.InvariantCulture)
                : cell));
}

[Collection("sqlite service")]
public sealed class SqliteQueryCorrectnessTests(SqliteServiceFixture fixture) : QueryCorrectnessTests
{
    internal override TapTestServer Server => fixture.Server;
}

public sealed class PostgresQueryCorrectnessTests(PostgresServiceFixture fixture) : QueryCorrectnessTests, IClassFixture<PostgresServiceFixture>
{
    internal override TapTestServer Server => fixture.Server;
}
