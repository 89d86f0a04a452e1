using Astrolabe.Tap.Adql;

namespace Astrolabe.Tap.Tests.Adql;

public class TranslatorTests
{
    private static readonly TestCatalog Catalog = TestCatalog.ForSqlite();

    private static SqlQuery Sqlite(string adql, long? maxRec = null) => AdqlTranslator.Translate(adql, Catalog, SqlDialect.Sqlite, maxRec);

    private static SqlQuery Postgres(string adql, long? maxRec = null) =>
        AdqlTranslator.Translate(adql, TestCatalog.ForPostgres("cat"), SqlDialect.Postgres, maxRec);

    [Fact]
    public void String_literals_become_parameters_never_sql_text()
    {
        var q = Sqlite("SELECT id FROM demo.stars WHERE name = 'x''); DROP TABLE demo_stars; --'");
        Assert.DoesNotContain("DROP", q.Sql);
        Assert.Equal("x'); DROP TABLE demo_stars; --", Assert.Single(q.Parameters).Value);
    }

    [Fact]
    public void Identifiers_in_sql_come_from_the_catalogue_not_the_query()
    {
        var q = Postgres("SELECT S.Class AS \"weird\"\"alias\" FROM Demo.Stars AS S");
        Assert.Equal("SELECT \"t1\".\"obj_class\" AS \"weird\"\"alias\" FROM \"cat\".\"demo_stars\" AS \"t1\"", q.Sql);
        Assert.Equal("weird\"alias", q.Columns[0].Name);
    }

    [Fact]
    public void Maxrec_limits_to_one_more_row_than_maxrec()
    {
        Assert.EndsWith(" LIMIT 101", Sqlite("SELECT id FROM demo.stars", maxRec: 100).Sql);
        Assert.EndsWith(" LIMIT 5", Sqlite("SELECT TOP 5 id FROM demo.stars", maxRec: 100).Sql);
        Assert.EndsWith(" LIMIT 101", Sqlite("SELECT TOP 500 id FROM demo.stars", maxRec: 100).Sql);
        Assert.EndsWith(" LIMIT 101 OFFSET 7", Postgres("SELECT id FROM demo.stars ORDER BY id OFFSET 7", maxRec: 100).Sql);
        Assert.EndsWith(" LIMIT -1 OFFSET 7", Sqlite("SELECT id FROM demo.stars ORDER BY id OFFSET 7").Sql);
        Assert.EndsWith(" OFFSET 7", Postgres("SELECT id FROM demo.stars ORDER BY id OFFSET 7").Sql);
    }

    [Theory]
    [InlineData("SELECT id FROM demo.stars WHERE CONTAINS(POINT(ra, dec), CIRCLE(10, 20, 0.5)) = 1")]
    [InlineData("SELECT id FROM demo.stars WHERE 1 = CONTAINS(POINT(ra, dec), CIRCLE(10, 20, 0.5))")]
    [InlineData("SELECT id FROM demo.stars WHERE DISTANCE(POINT(ra, dec), POINT(10, 20)) < 0.5")]
    [InlineData("SELECT id FROM demo.stars WHERE DISTANCE(POINT(10, 20), POINT(ra, dec)) <= 0.5")]
    [InlineData("SELECT id FROM demo.stars WHERE 0.5 > DISTANCE(ra, dec, 10, 20)")]
    [InlineData("SELECT s.id FROM demo.stars AS s JOIN TAP_UPLOAD.mine AS m ON m.id = s.id WHERE INTERSECTS(CIRCLE(10, 20, 0.5), POINT(s.ra, s.dec)) = 1")]
    public void Cone_searches_use_healpix_ranges_on_both_backends(string adql)
    {
        Assert.Contains("\"hpx\" BETWEEN ", Sqlite(adql).Sql);
        Assert.Contains("\"hpx\" BETWEEN ", Postgres(adql).Sql);
        Assert.Contains("adql.distance(", Postgres(adql).Sql);
    }

    [Theory]
    [InlineData("SELECT id FROM demo.stars WHERE CONTAINS(POINT(ra, dec), CIRCLE(ra, 20, 0.5)) = 1")]
    [InlineData("SELECT id FROM demo.stars WHERE CONTAINS(POINT(ra, dec), CIRCLE(10, 20, 0.5)) = 0")]
    [InlineData("SELECT id FROM demo.stars WHERE DISTANCE(POINT(ra, dec), POINT(10, 20)) > 0.5")]
    [InlineData("SELECT id FROM demo.stars WHERE CONTAINS(POINT(pmra, dec), CIRCLE(10, 20, 0.5)) = 1")]
    [InlineData("SELECT m.id FROM TAP_UPLOAD.mine AS m WHERE CONTAINS(POINT(m.ra, m.dec), CIRCLE(10, 20, 0.5)) = 1")]
    public void Searches_that_are_not_indexed_cones_keep_only_the_exact_check(string adql)
    {
        var sql = Sqlite(adql).Sql;
        Assert.DoesNotContain(" BETWEEN ", sql);
        Assert.Contains("adql_distance(", sql);
    }

    [Fact]
    public void Result_columns_describe_votable_fields()
    {
        var q = Sqlite("SELECT ra, COUNT(*) AS n, CIRCLE(ra, dec, 1) AS c, DISTANCE(ra, dec, 1, 2), name FROM demo.stars GROUP BY ra, dec, name");
        Assert.Equal(("ra", "double", "deg"), (q.Columns[0].Name, q.Columns[0].Datatype, q.Columns[0].Unit));
        Assert.Equal(("n", "long", "meta.number"), (q.Columns[1].Name, q.Columns[1].Datatype, q.Columns[1].Ucd));
        Assert.Equal(("double", "3", "circle"), (q.Columns[2].Datatype, q.Columns[2].Arraysize, q.Columns[2].Xtype));
        Assert.Equal(("distance", "deg"), (q.Columns[3].Name, q.Columns[3].Unit));
        Assert.Equal(("char", "*"), (q.Columns[4].Datatype, q.Columns[4].Arraysize));
    }

    [Fact]
    public void Duplicate_output_names_are_made_unique()
    {
        var q = Sqlite("SELECT s.id, g.id, s.id AS id FROM demo.stars AS s JOIN demo.galaxies AS g ON s.id = g.star_id");
        Assert.Equal(["id", "id_2", "id_3"], q.Columns.Select(c => c.Name));
    }

    [Fact]
    public void Unknown_names_get_a_suggestion()
    {
        var table = Assert.Throws<AdqlException>(() => Sqlite("SELECT * FROM demo.star"));
        Assert.Equal("line 1, column 15: unknown table 'demo.star'; did you mean 'demo.stars'?", table.Message);
        var column = Assert.Throws<AdqlException>(() => Sqlite("SELECT paralax FROM demo.stars"));
        Assert.Equal("line 1, column 8: unknown column 'paralax'; did you mean 'parallax'?", column.Message);
        var quoted = Assert.Throws<AdqlException>(() => Sqlite("SELECT id FROM demo.stars WHERE name = \"Vega\""));
        Assert.Contains("a string literal takes single quotes: 'Vega'", quoted.Message);
    }

    [Fact]
    public void Ambiguous_column_names_both_tables()
    {
        var e = Assert.Throws<AdqlException>(() => Sqlite("SELECT ra FROM demo.stars AS s, demo.galaxies AS g"));
        Assert.Equal("line 1, column 8: column 'ra' is ambiguous: it is in s and g; qualify it with a table name or alias", e.Message);
    }

    [Fact]
    public void Wrong_types_are_refused_with_the_types_named()
    {
        var e = Assert.Throws<AdqlException>(() => Sqlite("SELECT id FROM demo.stars WHERE name > 3"));
        Assert.Equal("line 1, column 33: cannot compare VARCHAR with INTEGER using >", e.Message);
    }

    [Fact]
    public void Set_operations_with_limits_are_wrapped_for_sqlite()
    {
        var q = Sqlite("SELECT TOP 2 id FROM demo.stars UNION ALL SELECT id FROM demo.galaxies");
        Assert.StartsWith("SELECT * FROM (SELECT \"t1\".\"id\" AS \"id\" FROM \"demo_stars\" AS \"t1\" LIMIT 2) AS \"s2\" UNION ALL SELECT", q.Sql);
    }

    [Fact]
    public void Open_catalogue_translates_without_metadata()
    {
        var q = AdqlTranslator.Translate("SELECT TOP 1 * FROM survey.objects WHERE mag < 20", new OpenCatalog(), SqlDialect.Postgres);
        Assert.Equal("SELECT \"t1\".* FROM \"survey\".\"objects\" AS \"t1\" WHERE (\"t1\".\"mag\" < 20) LIMIT 1", q.Sql);
    }
}
