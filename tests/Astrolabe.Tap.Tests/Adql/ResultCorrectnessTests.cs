using System.Globalization;
using Astrolabe.Sky;
using Astrolabe.Tap.Adql;

namespace Astrolabe.Tap.Tests.Adql;

/// <summary>ADQL queries run on real SQLite and real PostgreSQL with the same data; every answer is
/// computed independently in C# over the generated rows.</summary>
public class ResultCorrectnessTests(AdqlDatabases db) : IClassFixture<AdqlDatabases>
{
    public static TheoryData<string> Backends => new() { "sqlite", "postgres" };

    private TestData Data => db.Data;

    private async Task<List<object?[]>> Rows(string backend, string adql, long? maxRec = null) => (await db.RunAsync(backend, adql, maxRec)).Rows;

    private static void AssertRows(IEnumerable<object?[]> expected, List<object?[]> actual, double tolerance = 1e-9)
    {
        var e = expected.ToList();
        Assert.True(e.Count == actual.Count, $"expected {e.Count} rows, got {actual.Count}");
        for (int r = 0; r < e.Count; r++)
        {
            Assert.Equal(e[r].Length, actual[r].Length);
            for (int c = 0; c < e[r].Length; c++)
            {
                object? x = e[r][c], y = actual[r][c];
                if (x is double dx && y is double dy)
                {
                    Assert.True(Math.Abs(dx - dy) <= tolerance * Math.Max(1, Math.Abs(dx)), $"row {r} column {c}: expected {dx}, got {dy}");
                }
                else
                {
                    Assert.True(Equals(x, y), $"row {r} column {c}: expected {x ?? "NULL"} ({x?.GetType().Name}), got {y ?? "NULL"} ({y?.GetType().Name})");
                }
            }
        }
    }

    private static IEnumerable<object?[]> Ids(IEnumerable<long> ids) => ids.Order().Select(i => new object?[] { i });

    private IEnumerable<long> StarsWithin(double ra, double dec, double radius) =>
        Data.Stars.Where(s => SphericalGeometry.Distance(s.Ra, s.Dec, ra, dec) <= radius).Select(s => s.Id);

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Cone_search_with_contains_returns_exactly_the_stars_in_the_circle(string backend)
    {
        var expected = StarsWithin(10, 20, 0.5).ToList();
        Assert.InRange(expected.Count, 50, 1000);
        AssertRows(Ids(expected), await Rows(backend, "SELECT id FROM demo.stars WHERE CONTAINS(POINT('ICRS', ra, dec), CIRCLE('ICRS', 10, 20, 0.5)) = 1 ORDER BY id"));
        AssertRows(Ids(expected), await Rows(backend, "SELECT id FROM demo.stars WHERE 1 = INTERSECTS(CIRCLE(10, 20, 0.5), POINT(ra, dec)) ORDER BY id"));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Cone_search_with_distance_works_across_ra_zero(string backend)
    {
        var expected = Data.Stars.Where(s => SphericalGeometry.Distance(s.Ra, s.Dec, 359.9, -0.1) < 0.3).Select(s => s.Id).ToList();
        Assert.True(expected.Any(id => Data.Stars[(int)id - 1].Ra < 1) && expected.Any(id => Data.Stars[(int)id - 1].Ra > 359));
        AssertRows(Ids(expected), await Rows(backend, "SELECT id FROM demo.stars WHERE DISTANCE(POINT(ra, dec), POINT(359.9, -0.1)) < 0.3 ORDER BY id"));
        AssertRows(Ids(expected), await Rows(backend, "SELECT id FROM demo.stars WHERE 0.3 > DISTANCE(359.9, -0.1, ra, dec) ORDER BY id"));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Cone_search_around_the_pole_combined_with_a_magnitude_cut(string backend)
    {
        var expected = Data.Stars.Where(s => SphericalGeometry.Distance(s.Ra, s.Dec, 0, 90) <= 2 && s.Gmag < 15).Select(s => s.Id).ToList();
        Assert.NotEmpty(expected);
        AssertRows(Ids(expected), await Rows(backend, "SELECT id FROM demo.stars WHERE CONTAINS(POINT(ra, dec), CIRCLE(0, 90, 2)) = 1 AND gmag < 15 ORDER BY id"));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Cone_search_sql_uses_the_healpix_index_column(string backend)
    {
        var (_, query) = await db.RunAsync(backend, "SELECT id FROM demo.stars WHERE DISTANCE(POINT(ra, dec), POINT(10, 20)) < 0.5");
        Assert.Contains("\"hpx\" BETWEEN", query.Sql);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Cone_search_plan_reads_the_healpix_index(string backend)
    {
        var plan = await db.PlanAsync(backend, "SELECT id FROM demo.stars WHERE CONTAINS(POINT(ra, dec), CIRCLE(10, 20, 0.5)) = 1");
        Assert.Contains("demo_stars_hpx", plan);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Count_with_a_magnitude_cut(string backend) =>
        AssertRows([[(long)Data.Stars.Count(s => s.Gmag < 15)]], await Rows(backend, "SELECT COUNT(*) AS n FROM demo.stars WHERE gmag < 15"));

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Top_with_order_by_returns_the_brightest(string backend)
    {
        var expected = Data.Stars.OrderBy(s => s.Gmag).ThenBy(s => s.Id).Take(5).Select(s => new object?[] { s.Id, s.Gmag });
        AssertRows(expected, await Rows(backend, "SELECT TOP 5 id, gmag FROM demo.stars ORDER BY gmag, id"));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Offset_skips_rows_after_ordering(string backend) =>
        AssertRows(Ids([11, 12, 13, 14, 15]), await Rows(backend, "SELECT TOP 5 id FROM demo.stars ORDER BY id OFFSET 10"));

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Group_by_with_having_and_aggregates(string backend)
    {
        var expected = Data.Stars.GroupBy(s => s.Class).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new object?[] { g.Key, (long)g.Count(), g.Average(s => s.Gmag), g.Max(s => s.Parallax) });
        AssertRows(expected, await Rows(backend,
            "SELECT class, COUNT(*) AS n, AVG(gmag), MAX(parallax) FROM demo.stars GROUP BY class HAVING COUNT(*) > 10 ORDER BY class"), 1e-6);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Like_is_case_sensitive_and_ilike_is_not(string backend)
    {
        long upper = Data.Stars.Count(s => s.Name?.StartsWith("HD", StringComparison.Ordinal) == true);
        long either = Data.Stars.Count(s => s.Name?.StartsWith("HD", StringComparison.OrdinalIgnoreCase) == true);
        Assert.True(either > upper && upper > 0);
        AssertRows([[upper]], await Rows(backend, "SELECT COUNT(*) FROM demo.stars WHERE name LIKE 'HD%'"));
        AssertRows([[either]], await Rows(backend, "SELECT COUNT(*) FROM demo.stars WHERE name ILIKE 'hd%'"));
        AssertRows([[(long)Data.Stars.Count(s => s.Name is not null && !s.Name.StartsWith("hd", StringComparison.Ordinal))]],
            await Rows(backend, "SELECT COUNT(*) FROM demo.stars WHERE name NOT LIKE 'hd _%'"));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Nulls_and_coalesce(string backend)
    {
        AssertRows([[(long)Data.Stars.Count(s => s.Bmag is null)]], await Rows(backend, "SELECT COUNT(*) FROM demo.stars WHERE bmag IS NULL"));
        var expected = Data.Stars.Take(6).Select(s => new object?[] { s.Id, s.Bmag ?? -1.0 });
        AssertRows(expected, await Rows(backend, "SELECT id, COALESCE(bmag, -1) FROM demo.stars WHERE id <= 6 ORDER BY id"));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Inner_left_and_full_joins(string backend)
    {
        var starIds = Data.Stars.Select(s => s.Id).ToHashSet();
        long inner = Data.Galaxies.Count(g => g.StarId is long id && starIds.Contains(id));
        AssertRows([[inner]], await Rows(backend, "SELECT COUNT(*) FROM demo.stars AS s JOIN demo.galaxies AS g ON s.id = g.star_id"));
        var referenced = Data.Galaxies.Where(g => g.StarId is not null).Select(g => g.StarId!.Value).ToHashSet();
        long left = inner + Data.Stars.Count(s => !referenced.Contains(s.Id));
        AssertRows([[left]], await Rows(backend, "SELECT COUNT(*) FROM demo.stars AS s LEFT OUTER JOIN demo.galaxies AS g ON s.id = g.star_id"));
        long full = left + Data.Galaxies.Count(g => g.StarId is null);
        AssertRows([[full]], await Rows(backend, "SELECT COUNT(*) FROM demo.stars AS s FULL OUTER JOIN demo.galaxies AS g ON s.id = g.star_id"));
        long right = inner + Data.Galaxies.Count(g => g.StarId is null);
        AssertRows([[right]], await Rows(backend, "SELECT COUNT(*) FROM demo.stars AS s RIGHT OUTER JOIN demo.galaxies AS g ON s.id = g.star_id"));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Natural_and_using_joins_match_on_the_common_columns(string backend)
    {
        var exact = Data.Mine.Where(m => Data.Stars[(int)m.Id - 1].Ra == m.Ra).Select(m => m.Id);
        AssertRows(Ids(exact), await Rows(backend, "SELECT id FROM demo.stars NATURAL JOIN TAP_UPLOAD.mine ORDER BY id"));
        AssertRows(Ids(Data.Mine.Select(m => m.Id)), await Rows(backend, "SELECT id FROM demo.stars JOIN TAP_UPLOAD.mine USING (id) ORDER BY id"));
        var (rows, query) = await db.RunAsync(backend, "SELECT * FROM demo.stars JOIN TAP_UPLOAD.mine USING (id) WHERE id = 1");
        Assert.Single(rows);
        Assert.Equal(["id", "ra", "dec", "gmag", "rmag", "bmag", "pmra", "pmdec", "parallax", "class", "name", "flags", "obs_time", "ra_2", "dec_2"],
            query.Columns.Select(c => c.Name));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Union_intersect_and_except_with_and_without_all(string backend)
    {
        var starIds = Data.Galaxies.Where(g => g.StarId is not null).Select(g => g.StarId!.Value).ToList();
        var eIds = Data.Galaxies.Where(g => g.StarId is not null && g.Morph == "E").Select(g => g.StarId!.Value).ToList();
        AssertRows([[(long)starIds.Distinct().Count()]], await Rows(backend,
            "SELECT COUNT(*) FROM (SELECT star_id FROM demo.galaxies WHERE star_id IS NOT NULL UNION SELECT star_id FROM demo.galaxies WHERE morph = 'E' AND star_id IS NOT NULL) AS u"));
        AssertRows([[(long)(starIds.Count + eIds.Count)]], await Rows(backend,
            "SELECT COUNT(*) FROM (SELECT star_id FROM demo.galaxies WHERE star_id IS NOT NULL UNION ALL SELECT star_id FROM demo.galaxies WHERE morph = 'E' AND star_id IS NOT NULL) AS u"));
        // Multisets: INTERSECT ALL keeps min(m, n) copies, EXCEPT ALL keeps max(m - n, 0).
        var all = starIds.GroupBy(x => x).ToDictionary(g => g.Key, g => g.Count());
        var e = eIds.GroupBy(x => x).ToDictionary(g => g.Key, g => g.Count());
        long intersectAll = e.Sum(kv => Math.Min(kv.Value, all[kv.Key]));
        long exceptAll = all.Sum(kv => Math.Max(0, kv.Value - e.GetValueOrDefault(kv.Key)));
        long exceptDistinct = all.Keys.Count(k => !e.ContainsKey(k));
        Assert.NotEqual(exceptAll, exceptDistinct);
        AssertRows([[intersectAll]], await Rows(backend,
            "SELECT COUNT(*) FROM (SELECT star_id FROM demo.galaxies WHERE star_id IS NOT NULL INTERSECT ALL SELECT star_id FROM demo.galaxies WHERE morph = 'E') AS x"));
        AssertRows([[exceptAll]], await Rows(backend,
            "SELECT COUNT(*) FROM (SELECT star_id FROM demo.galaxies WHERE star_id IS NOT NULL EXCEPT ALL SELECT star_id FROM demo.galaxies WHERE morph = 'E') AS x"));
        AssertRows([[exceptDistinct]], await Rows(backend,
            "SELECT COUNT(*) FROM (SELECT star_id FROM demo.galaxies WHERE star_id IS NOT NULL EXCEPT SELECT star_id FROM demo.galaxies WHERE morph = 'E') AS x"));
        AssertRows(Ids([1, 2, 3, 1_000_001, 1_000_002]), await Rows(backend,
            "SELECT id FROM demo.stars WHERE id <= 3 UNION SELECT id FROM demo.galaxies WHERE id BETWEEN 1000001 AND 1000002 ORDER BY 1"));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Common_table_expressions_and_subqueries(string backend)
    {
        long bright = Data.Stars.Count(s => s.Gmag < 12);
        AssertRows([[bright]], await Rows(backend, "WITH bright AS (SELECT id FROM demo.stars WHERE gmag < 12) SELECT COUNT(*) FROM bright"));
        var referenced = Data.Galaxies.Where(g => g.StarId is not null).Select(g => g.StarId!.Value).ToHashSet();
        AssertRows([[(long)referenced.Count]], await Rows(backend, "SELECT COUNT(*) FROM demo.stars WHERE id IN (SELECT star_id FROM demo.galaxies)"));
        AssertRows([[(long)referenced.Count]], await Rows(backend,
            "SELECT COUNT(*) FROM demo.stars AS s WHERE EXISTS (SELECT 1 FROM demo.galaxies AS g WHERE g.star_id = s.id)"));
        double mean = Data.Stars.Average(s => s.Gmag);
        AssertRows([[(long)Data.Stars.Count(s => s.Gmag < mean)]], await Rows(backend,
            "SELECT COUNT(*) FROM demo.stars WHERE gmag < (SELECT AVG(gmag) FROM demo.stars)"));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Polygon_and_box_containment(string backend)
    {
        var polygon = SkyPolygon.FromCoordinates([9.5, 19.5, 10.5, 19.5, 10.5, 20.5, 9.5, 20.5]);
        var inPolygon = Data.Stars.Where(s => SphericalGeometry.PolygonContainsPoint(polygon, new SkyPoint(s.Ra, s.Dec))).Select(s => s.Id).ToList();
        Assert.NotEmpty(inPolygon);
        AssertRows(Ids(inPolygon), await Rows(backend,
            "SELECT id FROM demo.stars WHERE CONTAINS(POINT(ra, dec), POLYGON(9.5, 19.5, 10.5, 19.5, 10.5, 20.5, 9.5, 20.5)) = 1 ORDER BY id"));
        var box = SkyPolygon.FromCoordinates(StcS.BoxCorners(10, 20, 1, 1));
        var inBox = Data.Stars.Where(s => SphericalGeometry.PolygonContainsPoint(box, new SkyPoint(s.Ra, s.Dec))).Select(s => s.Id);
        AssertRows(Ids(inBox), await Rows(backend, "SELECT id FROM demo.stars WHERE CONTAINS(POINT(ra, dec), BOX(10, 20, 1, 1)) = 1 ORDER BY id"));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Geometry_columns_and_functions(string backend)
    {
        var circle = new SkyCircle(10, 20, 5);
        var expected = Data.Fields.Where(f =>
        {
            var c = GeometryText.Parse(f.Footprint)!;
            return SphericalGeometry.CirclesIntersect(new SkyCircle(c[0], c[1], c[2]), circle);
        }).Select(f => new object?[] { f.Name });
        AssertRows(expected, await Rows(backend, "SELECT name FROM demo.fields WHERE INTERSECTS(footprint, CIRCLE(10, 20, 5)) = 1 ORDER BY name"));

        var areas = Data.Fields.Select(f => new object?[]
        {
            (long)f.FieldId, SphericalGeometry.PolygonArea(SkyPolygon.FromCoordinates(GeometryText.Parse(f.Outline))),
            SphericalGeometry.CircleArea(GeometryText.Parse(f.Footprint)![2]),
        });
        AssertRows(areas, await Rows(backend, "SELECT field_id, AREA(outline), AREA(footprint) FROM demo.fields ORDER BY field_id"), 1e-7);

        var centroids = Data.Fields.Select(f =>
        {
            var c = SphericalGeometry.PolygonCentroid(SkyPolygon.FromCoordinates(GeometryText.Parse(f.Outline)));
            return new object?[] { (long)f.FieldId, c.RaDeg, c.DecDeg };
        });
        AssertRows(centroids, await Rows(backend,
            "SELECT field_id, COORD1(CENTROID(outline)), COORD2(CENTROID(outline)) FROM demo.fields ORDER BY field_id"), 1e-7);

        var centreInOwnOutline = Data.Fields.Select(f => new object?[]
        {
            f.Name,
            SphericalGeometry.PolygonContainsPoint(SkyPolygon.FromCoordinates(GeometryText.Parse(f.Outline)),
                new SkyPoint(GeometryText.Parse(f.Center)![0], GeometryText.Parse(f.Center)![1])) ? 1L : 0L,
        }).OrderBy(r => (string)r[0]!, StringComparer.Ordinal);
        AssertRows(centreInOwnOutline, await Rows(backend, "SELECT name, CONTAINS(center, outline) FROM demo.fields ORDER BY name"));

        var point = (await Rows(backend, "SELECT POINT(ra, dec), CIRCLE(ra, dec, 1) FROM demo.stars WHERE id = 1"))[0];
        var s1 = Data.Stars[0];
        Assert.Equal([s1.Ra, s1.Dec], GeometryText.Parse((string)point[0]!)!);
        Assert.Equal([s1.Ra, s1.Dec, 1.0], GeometryText.Parse((string)point[1]!)!);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Geometry_relations_between_shapes_agree_with_astrolabe_sky(string backend)
    {
        // (query, expected): polygon/polygon, circle/polygon and circle/circle containment and intersection.
        var cases = new (string Adql, long Expected)[]
        {
            ("CONTAINS(POLYGON(10, 10, 11, 10, 11, 11), POLYGON(9, 9, 12, 9, 12, 12, 9, 12))", 1),
            ("CONTAINS(POLYGON(9, 9, 12, 9, 12, 12, 9, 12), POLYGON(10, 10, 11, 10, 11, 11))", 0),
            ("INTERSECTS(POLYGON(9, 10.5, 13, 10.5, 13, 11.5, 9, 11.5), POLYGON(10.5, 9, 11.5, 9, 11.5, 13, 10.5, 13))", 1),
            ("INTERSECTS(POLYGON(9, 9, 10, 9, 10, 10), POLYGON(50, 50, 51, 50, 51, 51))", 0),
            ("CONTAINS(CIRCLE(11, 11, 0.5), POLYGON(10, 10, 12, 10, 12, 12, 10, 12))", 1),
            ("CONTAINS(CIRCLE(11, 11, 1.5), POLYGON(10, 10, 12, 10, 12, 12, 10, 12))", 0),
            ("CONTAINS(POLYGON(10, 10, 12, 10, 12, 12, 10, 12), CIRCLE(11, 11, 2))", 1),
            ("INTERSECTS(CIRCLE(13, 11, 1.1), POLYGON(10, 10, 12, 10, 12, 12, 10, 12))", 1),
            ("INTERSECTS(CIRCLE(14, 11, 1.1), POLYGON(10, 10, 12, 10, 12, 12, 10, 12))", 0),
            ("CONTAINS(CIRCLE(0, 0, 1), CIRCLE(0.5, 0, 2))", 1),
            ("INTERSECTS(CIRCLE(0, 0, 1), CIRCLE(2.1, 0, 1))", 0),
            ("CONTAINS(POINT(11, 11), POLYGON(10, 10, 12, 10, 12, 12, 10, 12))", 1),
            ("CONTAINS(POINT(191, -11), POLYGON(10, 10, 12, 10, 12, 12, 10, 12))", 0),
        };
        foreach (var (adql, expected) in cases)
        {
            var rows = await Rows(backend, $"SELECT {adql} FROM demo.fields WHERE field_id = 1");
            Assert.True(Equals(expected, rows[0][0]), $"{adql}: expected {expected}, got {rows[0][0]}");
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Maths_bitwise_and_casts_match_the_definitions(string backend)
    {
        var expected = Data.Stars.Take(5).Select(s => new object?[]
        {
            s.Id,
            (double)Math.Round((decimal)s.Gmag, 1, MidpointRounding.AwayFromZero),
            (double)decimal.Truncate((decimal)s.Parallax * 100) / 100,
            s.Id % 3,
            (long)s.Flags & 4, (long)s.Flags ^ 5, ~(long)s.Flags, (long)s.Flags | 8,
            (long)Math.Truncate(s.Gmag),
            Math.Sqrt(s.Pmra * s.Pmra + s.Pmdec * s.Pmdec),
            Math.Sin(s.Dec * Math.PI / 180),
            Math.Atan2(s.Pmdec, s.Pmra),
            Math.Log10(s.Gmag),
            Math.Pow(s.Gmag, 2),
            (double)Math.Floor(s.Rmag),
        });
        AssertRows(expected, await Rows(backend,
            "SELECT id, ROUND(gmag, 1), TRUNCATE(parallax, 2), MOD(id, 3), flags & 4, flags ^ 5, ~flags, flags | 8, CAST(gmag AS INTEGER), " +
            "SQRT(pmra * pmra + pmdec * pmdec), SIN(RADIANS(dec)), ATAN2(pmdec, pmra), LOG10(gmag), POWER(gmag, 2), FLOOR(rmag) " +
            "FROM demo.stars WHERE id <= 5 ORDER BY id"), 1e-6);
        AssertRows([[(long)Data.Stars.Count(s => (s.Flags & 4) == 4)]], await Rows(backend, "SELECT COUNT(*) FROM demo.stars WHERE flags & 4 = 4"));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Strings_units_and_timestamps(string backend)
    {
        var expected = Data.Stars.Where(s => s.Id <= 3).Select(s => new object?[]
        {
            s.Name is null ? null : s.Name.ToUpperInvariant() + "!", s.Name?.ToLowerInvariant(), s.Ra * 3600,
        });
        AssertRows(expected, await Rows(backend, "SELECT UPPER(name) || '!', LOWER(name), IN_UNIT(ra, 'arcsec') FROM demo.stars WHERE id <= 3 ORDER BY id"));
        var cut = new DateTime(2016, 3, 1, 0, 0, 0, DateTimeKind.Utc);
        AssertRows([[(long)Data.Stars.Count(s => s.ObsTime > cut)]], await Rows(backend,
            "SELECT COUNT(*) FROM demo.stars WHERE obs_time > '2016-03-01T00:00:00'"));
        AssertRows([[Data.Stars[0].ObsTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture)]],
            await Rows(backend, "SELECT obs_time FROM demo.stars WHERE id = 1"));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task String_literals_are_data_not_sql(string backend)
    {
        Assert.Empty(await Rows(backend, "SELECT id FROM demo.stars WHERE name = 'x'' OR ''1''=''1'"));
        Assert.Empty(await Rows(backend, "SELECT id FROM demo.stars WHERE name = 'a''; DROP TABLE demo_stars; --'"));
        AssertRows([["it's"]], await Rows(backend, "SELECT 'it''s' FROM demo.stars WHERE id = 1"));
        AssertRows([[(long)Data.Stars.Count]], await Rows(backend, "SELECT COUNT(*) FROM demo.stars"));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Maxrec_returns_one_row_more_than_maxrec_so_overflow_shows(string backend)
    {
        Assert.Equal(11, (await Rows(backend, "SELECT id FROM demo.stars ORDER BY id", maxRec: 10)).Count);
        Assert.Equal(5, (await Rows(backend, "SELECT TOP 5 id FROM demo.stars ORDER BY id", maxRec: 10)).Count);
        Assert.Equal(11, (await Rows(backend, "SELECT TOP 50 id FROM demo.stars ORDER BY id", maxRec: 10)).Count);
        Assert.Single(await Rows(backend, "SELECT id FROM demo.stars", maxRec: 0));
        AssertRows(Ids([21, 22, 23]), await Rows(backend, "SELECT id FROM demo.stars ORDER BY id OFFSET 20", maxRec: 2));
        Assert.Equal(4, (await Rows(backend, "SELECT id FROM demo.stars UNION SELECT id FROM demo.galaxies", maxRec: 3)).Count);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Result_columns_carry_types_units_and_xtypes(string backend)
    {
        var (_, query) = await db.RunAsync(backend,
            "SELECT id, ra AS alpha, gmag, name, obs_time, POINT(ra, dec) AS pos, COUNT(*) AS n_rows FROM demo.stars GROUP BY id, ra, gmag, name, obs_time, dec");
        var c = query.Columns;
        Assert.Equal(("id", "long"), (c[0].Name, c[0].Datatype));
        Assert.Equal(("alpha", "double", "deg", "pos.eq.ra;meta.main"), (c[1].Name, c[1].Datatype, c[1].Unit, c[1].Ucd));
        Assert.Equal(("float", "mag"), (c[2].Datatype, c[2].Unit));
        Assert.Equal(("char", "*"), (c[3].Datatype, c[3].Arraysize));
        Assert.Equal("timestamp", c[4].Xtype);
        Assert.Equal(("double", "2", "point"), (c[5].Datatype, c[5].Arraysize, c[5].Xtype));
        Assert.Equal(("n_rows", "long"), (c[6].Name, c[6].Datatype));
    }

    public static TheoryData<string> CrossBackendQueries => new()
    {
        "SELECT DISTINCT class FROM demo.stars ORDER BY class",
        "SELECT DISTINCT name FROM demo.stars WHERE id < 40 ORDER BY name DESC",
        "SELECT 'x' || class AS k, COUNT(*) FROM demo.stars GROUP BY 'x' || class ORDER BY k",
        "SELECT class, COUNT(*) FROM demo.stars WHERE name LIKE 'G%' GROUP BY class HAVING class <> 'star' ORDER BY 2",
        "WITH b AS (SELECT id, gmag FROM demo.stars WHERE gmag < 10) SELECT COUNT(*) FROM demo.stars AS s WHERE s.id IN (SELECT id FROM b)",
        "SELECT FLOOR(gmag) AS bin, COUNT(*) FROM demo.stars GROUP BY bin ORDER BY bin",
        "SELECT TOP 3 id, CAST(id AS VARCHAR(3)), CAST(rmag AS INTEGER), CAST(-rmag AS BIGINT), CAST(id AS DOUBLE PRECISION) FROM demo.stars ORDER BY id",
        "SELECT TOP 3 CAST('2021-03-04T05:06:07' AS TIMESTAMP), CAST('10 20' AS POINT) FROM demo.stars",
        "SELECT TOP 2 ROUND(rmag), TRUNCATE(rmag), MOD(rmag, 2.5), ROUND(id, -1), EXP(1), LOG(rmag), PI(), COT(1), DEGREES(1) FROM demo.stars ORDER BY id",
        "SELECT TOP 2 BOX(10, 20, 1, 2), POLYGON(POINT(1, 2), POINT(3, 4), POINT(5, 6)), CENTROID(CIRCLE(1, 2, 3)), COORDSYS(POINT(1, 2)) FROM demo.stars",
        "SELECT TOP 2 0xFF, 1e3, .5, ~0, 7 ^ 2, 6 | 1, 6 & 3 FROM demo.stars",
        "SELECT TOP 3 id FROM demo.stars WHERE id IN (SELECT TOP 3 id FROM demo.stars ORDER BY gmag) ORDER BY id",
        "SELECT * FROM TAP_SCHEMA.columns ORDER BY column_index",
        "SELECT t.table_name, COUNT(*) FROM TAP_SCHEMA.tables AS t JOIN TAP_SCHEMA.columns AS c ON t.table_name = c.table_name GROUP BY t.table_name",
        "SELECT s.id, m.id FROM demo.stars AS s JOIN TAP_UPLOAD.mine AS m ON DISTANCE(POINT(s.ra, s.dec), POINT(m.ra, m.dec)) < 0.01 WHERE s.id < 50 ORDER BY s.id",
        "SELECT id, (SELECT COUNT(*) FROM demo.galaxies AS g WHERE g.star_id = s.id) AS n FROM demo.stars AS s WHERE id < 5 ORDER BY id",
        "SELECT TOP 3 id FROM demo.stars UNION SELECT TOP 2 id FROM demo.galaxies ORDER BY 1 DESC OFFSET 1",
        "SELECT MAX(name), MIN(obs_time), SUM(flags), SUM(gmag), AVG(flags) FROM demo.stars",
        "SELECT id FROM demo.stars WHERE obs_time BETWEEN '2015-01-01' AND '2015-02-01' AND id IN (1, 2, 3) ORDER BY id",
        "SELECT TOP 1 LOWER('ÄÖÜ'), UPPER('straße') FROM demo.stars",
        "SELECT name, field_id FROM demo.fields WHERE CONTAINS(POINT(10.5, 20.5), outline) = 1 OR INTERSECTS(outline, CIRCLE(200, -60, 1)) = 1 ORDER BY name",
        "SELECT COUNT(*) FROM demo.stars NATURAL JOIN TAP_UPLOAD.mine",
        "SELECT TOP 5 s.name, g.morph FROM demo.stars AS s FULL OUTER JOIN demo.galaxies AS g ON s.id = g.star_id ORDER BY s.name, g.morph",
    };

    [Theory]
    [MemberData(nameof(CrossBackendQueries))]
    public async Task Both_backends_return_the_same_rows(string adql)
    {
        var sqlite = await Rows("sqlite", adql);
        var postgres = await Rows("postgres", adql);
        Assert.NotEmpty(sqlite);
        AssertRows(sqlite, postgres);
    }
}
