using Astrolabe.Tap.Adql;

namespace Astrolabe.Tap.Tests.Adql;

public class ParserTests
{
    private static AdqlException Fails(string adql) => Assert.Throws<AdqlException>(() => AdqlParser.Parse(adql));

    [Fact]
    public void Parse_builds_a_tree_without_a_database()
    {
        var statement = AdqlParser.Parse("SELECT TOP 10 DISTINCT_NOT_A_KEYWORD AS x FROM s.t AS a WHERE a.b > 1.5 ORDER BY 1 DESC OFFSET 3");
        var ordered = Assert.IsType<OrderedQuery>(statement.Body);
        Assert.Equal(3, ordered.Offset);
        Assert.True(ordered.OrderBy[0].Descending);
        var select = Assert.IsType<SelectQuery>(ordered.Body);
        Assert.Equal(10, select.Top);
        var item = Assert.IsType<DerivedColumn>(select.Items[0]);
        Assert.Equal("x", item.Alias!.Name);
        var table = Assert.IsType<TableReference>(select.From[0]);
        Assert.Equal(("s", "t", "a"), (table.Schema!.Name, table.Table.Name, table.Alias!.Name));
        var where = Assert.IsType<Comparison>(select.Where);
        Assert.Equal(">", where.Operator);
        Assert.Equal(new Position(1, 63), where.At);
    }

    [Fact]
    public void Error_names_line_column_token_found_and_what_was_expected()
    {
        var e = Fails("SELECT ra, dec\nFROM demo.stars\nWHERE gmag < 15 AND\n  ORDER BY ra");
        Assert.Equal((4, 3), (e.Line, e.Column));
        Assert.Equal("line 4, column 3: found 'ORDER', expected a value (a column, a number, a string, a function or '(')", e.Message);
    }

    [Fact]
    public void Misspelt_from_is_reported_where_it_is_written()
    {
        var e = Fails("SELECT ra, dec FORM demo.stars");
        Assert.Equal((1, 16), (e.Line, e.Column));
        Assert.Contains("found 'FORM', expected ',' or FROM", e.Message);
    }

    [Fact]
    public void Reserved_word_as_a_name_suggests_quoting_it()
    {
        var e = Fails("SELECT size FROM TAP_SCHEMA.columns");
        Assert.Equal("line 1, column 8: found reserved word 'size', expected an identifier (write \"size\" to use it as a name)", e.Message);
    }

    [Fact]
    public void Limit_is_explained_as_top()
    {
        var e = Fails("SELECT * FROM t LIMIT 10");
        Assert.Contains("ADQL limits rows with SELECT TOP n, not LIMIT", e.Message);
        Assert.Equal(17, e.Column);
    }

    [Fact]
    public void Statements_other_than_select_are_refused()
    {
        Assert.Contains("found 'DROP', expected SELECT or WITH", Fails("DROP TABLE t").Message);
        Assert.Contains("found ';'", Fails("SELECT * FROM t;; DELETE FROM t").Message);
    }

    [Fact]
    public void Deeply_nested_query_is_refused_rather_than_overflowing_the_stack()
    {
        var adql = "SELECT " + new string('(', 5000) + "1" + new string(')', 5000) + " FROM t";
        Assert.Contains("nests more than", Fails(adql).Message);
    }

    [Fact]
    public void Huge_query_is_refused_before_parsing()
    {
        var adql = "SELECT a FROM t WHERE a IN (" + string.Join(",", Enumerable.Repeat("1", AdqlParser.MaxQueryLength / 2)) + ")";
        Assert.Contains("characters long", Fails(adql).Message);
    }

    [Fact]
    public void Very_long_arithmetic_chain_is_refused_with_a_position()
    {
        var adql = "SELECT 1" + string.Concat(Enumerable.Repeat(" + 1", AdqlParser.MaxTerms)) + " FROM t";
        var e = Fails(adql);
        Assert.Contains($"at most {AdqlParser.MaxTerms} operands", e.Message);
        Assert.Equal(9 + 4 * (AdqlParser.MaxTerms - 1) + 1, e.Column);
    }

    [Fact]
    public void Thousands_of_or_terms_translate_without_exhausting_the_stack()
    {
        var adql = "SELECT id FROM demo.stars WHERE id = 0" + string.Concat(Enumerable.Range(1, 50_000).Select(i => $" OR id = {i}"));
        var sql = AdqlTranslator.Translate(adql, TestCatalog.ForSqlite(), SqlDialect.Sqlite).Sql;
        Assert.EndsWith("(\"t1\".\"id\" = 50000))", sql);
    }

    [Fact]
    public void Adjacent_string_literals_are_one_literal()
    {
        var select = (SelectQuery)AdqlParser.Parse("SELECT 'a''b'\n  'c' FROM t").Body;
        Assert.Equal("a'bc", ((StringLiteral)((DerivedColumn)select.Items[0]).Value).Value);
    }

    [Fact]
    public void Optional_coordinate_system_argument_is_dropped()
    {
        var select = (SelectQuery)AdqlParser.Parse("SELECT POINT('ICRS', ra, dec) FROM t").Body;
        Assert.Equal(2, ((FunctionCall)((DerivedColumn)select.Items[0]).Value).Arguments.Count);
    }

    [Theory]
    [InlineData("SELECT * FROM t WHERE 1 = CONTAINS(POINT(ra, dec), CIRCLE(10, 20, -0.5))", 67, "-0.5")]
    [InlineData("SELECT * FROM t WHERE 1 = CONTAINS(POINT(ra, dec), CIRCLE('ICRS', POINT(10, 20), -1e-3))", 82, "-1e-3")]
    public void A_circle_with_a_negative_radius_is_refused_where_it_is(string query, int column, string radius)
    {
        var e = Assert.Throws<AdqlException>(() => AdqlParser.Parse(query));
        Assert.Contains($"the radius of CIRCLE must not be negative (it is {radius} degrees)", e.Message);
        Assert.Equal(column, e.Column);
        // A radius of zero, a positive one, or one computed from a column is left to the query.
        foreach (var ok in new[] { "CIRCLE(10, 20, 0)", "CIRCLE(10, 20, 0.5)", "CIRCLE(10, 20, -r)", "CIRCLE(10, 20, -0)" })
            AdqlParser.Parse($"SELECT * FROM t WHERE 1 = CONTAINS(POINT(ra, dec), {ok})");
    }

    [Fact]
    public void Parenthesised_value_and_parenthesised_condition_are_told_apart()
    {
        var a = (SelectQuery)AdqlParser.Parse("SELECT a FROM t WHERE (a + 1) * 2 > 3").Body;
        Assert.IsType<Comparison>(a.Where);
        var b = (SelectQuery)AdqlParser.Parse("SELECT a FROM t WHERE (a > 1 OR b < 2) AND c = 3").Body;
        Assert.IsType<OrCondition>(Assert.IsType<AndCondition>(b.Where).Left);
    }

    [Fact]
    public void Intersect_binds_tighter_than_union()
    {
        var q = Assert.IsType<SetQuery>(AdqlParser.Parse("SELECT a FROM t UNION SELECT a FROM u INTERSECT SELECT a FROM v").Body);
        Assert.Equal(SetOperator.Union, q.Operator);
        Assert.Equal(SetOperator.Intersect, Assert.IsType<SetQuery>(q.Right).Operator);
    }

    [Fact]
    public void Check_reports_each_query_and_exits_1_when_one_is_invalid()
    {
        var output = new StringWriter();
        int status = AdqlCheck.Run(new StringReader("SELECT * FROM t\n\nSELECT * FORM t\nSELECT TOP 1 a FROM t\n"), output);
        Assert.Equal(1, status);
        Assert.Equal(
            "1: valid\n2: invalid: line 1, column 10: found 'FORM', expected ',' or FROM\n3: valid\n",
            output.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Check_exits_0_when_all_are_valid()
    {
        var output = new StringWriter();
        Assert.Equal(0, AdqlCheck.Run(new StringReader("SELECT a FROM t\nSELECT b FROM u WHERE b > 1\n"), output));
        Assert.Equal("1: valid\n2: valid\n", output.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Translate_prints_sql_and_its_parameters()
    {
        var output = new StringWriter();
        Assert.Equal(0, AdqlCheck.Translate("SELECT TOP 2 name FROM demo.stars WHERE name LIKE 'O''Brien%'", SqlDialect.Postgres, output));
        Assert.Equal(
            "SELECT \"t1\".\"name\" AS \"name\" FROM \"demo\".\"stars\" AS \"t1\" WHERE (\"t1\".\"name\" LIKE @p0 ESCAPE '') LIMIT 2;\n-- @p0 = 'O''Brien%'\n",
            output.ToString().ReplaceLineEndings("\n"));
        var error = new StringWriter();
        Assert.Equal(1, AdqlCheck.Translate("SELECT FROM t", SqlDialect.Sqlite, error));
        Assert.StartsWith("invalid: line 1, column 8:", error.ToString());
    }
}
