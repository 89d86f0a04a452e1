using System.Net;
using System.Text.Json;
using Astrolabe.Tap.Tests.Support;

namespace Astrolabe.Tap.Tests;

/// <summary>TAP 1.1 /sync details (DESIGN.md appendix B): parameter handling, MAXREC, formats, VOSI resources.</summary>
[Collection("sqlite service")]
public sealed class SyncProtocolTests(SqliteServiceFixture fixture)
{
    private TapTestServer Server => fixture.Server;

    [Fact]
    public async Task Get_without_request_with_lower_case_names_and_unknown_parameters_works()
    {
        using var client = Server.Client();
        var url = $"{Server.BaseUrl}/sync?lang=ADQL&query={Uri.EscapeDataString("SELECT TOP 3 object_id FROM demo.objects ORDER BY object_id")}&FoO=bar";
        var body = await client.GetStringAsync(url);
        Assert.Equal("OK", VoTable.Status(body));
        Assert.Equal([["1"], ["2"], ["3"]], VoTable.Rows(body));
    }

    [Fact]
    public async Task Maxrec_truncation_adds_overflow_info_after_the_table()
    {
        var (status, body, _) = await Server.SyncAsync("SELECT object_id FROM demo.objects", maxRec: 7);
        Assert.Equal(200, status);
        Assert.Equal(7, VoTable.Rows(body).Count);
        Assert.Equal("OVERFLOW", VoTable.Status(body));
        Assert.True(body.IndexOf("value=\"OVERFLOW\"", StringComparison.Ordinal) > body.IndexOf("</TABLE>", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Result_exactly_at_maxrec_is_not_an_overflow()
    {
        var (_, body, _) = await Server.SyncAsync("SELECT TOP 7 object_id FROM demo.objects", maxRec: 7);
        Assert.Equal(7, VoTable.Rows(body).Count);
        Assert.Equal("OK", VoTable.Status(body));
    }

    [Fact]
    public async Task Maxrec_zero_returns_the_columns_and_no_rows()
    {
        var (status, body, _) = await Server.SyncAsync("SELECT object_id, ra, dec, class FROM demo.objects", maxRec: 0);
        Assert.Equal(200, status);
        Assert.Equal(["object_id", "ra", "dec", "class"], VoTable.FieldNames(body));
        Assert.Empty(VoTable.Rows(body));
    }

    [Fact]
    public async Task Fields_carry_units_ucds_and_descriptions_from_tap_schema()
    {
        var (_, body, _) = await Server.SyncAsync("SELECT TOP 1 ra, mag_r FROM demo.objects");
        Assert.Contains("name=\"ra\" datatype=\"double\" unit=\"deg\" ucd=\"pos.eq.ra;meta.main\"", body);
        Assert.Contains("name=\"mag_r\" datatype=\"float\" unit=\"mag\"", body);
    }

    [Fact]
    public async Task Responseformat_csv_tsv_and_json_give_the_same_rows()
    {
        const string query = "SELECT TOP 3 object_id, class, redshift FROM demo.objects ORDER BY object_id";
        var (_, csv, csvType) = await Server.SyncAsync(query, format: "csv");
        var (_, tsv, tsvType) = await Server.SyncAsync(query, format: "text/tab-separated-values");
        var (_, json, jsonType) = await Server.SyncAsync(query, format: "application/json");
        Assert.StartsWith("text/csv", csvType);
        Assert.StartsWith("text/tab-separated-values", tsvType);
        Assert.StartsWith("application/json", jsonType);
        var expected = DemoReference.Instance.Rows.Take(3).ToList();

        var csvLines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("object_id,class,redshift", csvLines[0]);
        var tsvLines = tsv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("object_id\tclass\tredshift", tsvLines[0]);
        var data = JsonDocument.Parse(json).RootElement.GetProperty("data").EnumerateArray().ToList();
        for (int i = 0; i < 3; i++)
        {
            var row = expected[i];
            Assert.Equal(csvLines[i + 1].Replace(',', '\t'), tsvLines[i + 1]);
            Assert.StartsWith($"{row.Id},{row.Class},", csvLines[i + 1]);
            Assert.Equal(row.Id, data[i][0].GetInt64());
            Assert.Equal(row.Class, data[i][1].GetString());
            if (row.Redshift is null)
            {
                Assert.Equal(JsonValueKind.Null, data[i][2].ValueKind);
                Assert.EndsWith(",", csvLines[i + 1]);
            }
            else
            {
                Assert.Equal(row.Redshift.Value, data[i][2].GetDouble(), 5);
            }
        }
    }

    [Fact]
    public async Task Multipart_post_is_accepted()
    {
        using var client = Server.Client();
        using var form = new MultipartFormDataContent
        {
            { new StringContent("doQuery"), "REQUEST" },
            { new StringContent("ADQL"), "LANG" },
            { new StringContent("SELECT COUNT(*) AS n FROM demo.objects"), "QUERY" },
        };
        using var response = await client.PostAsync($"{Server.BaseUrl}/sync", form);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(TapTestServer.DemoRows.ToString(System.Globalization.CultureInfo.InvariantCulture), VoTable.Rows(body).Single()[0]);
    }

    [Fact]
    public async Task Tap_schema_columns_agree_with_tables_endpoint()
    {
        using var client = Server.Client();
        var tables = System.Xml.Linq.XDocument.Parse(await client.GetStringAsync($"{Server.BaseUrl}/tables"));
        var fromTables = tables.Descendants("table")
            .SelectMany(t => t.Elements("column").Select(c => $"{t.Element("name")!.Value}|{c.Element("name")!.Value}|{c.Element("dataType")!.Value}"))
            .Order(StringComparer.Ordinal).ToList();
        var (_, body, _) = await Server.SyncAsync("SELECT table_name, column_name, datatype FROM TAP_SCHEMA.columns", maxRec: 100_000);
        var fromSchema = VoTable.Rows(body).Select(r => $"{r[0]}|{r[1]}|{r[2]}").Order(StringComparer.Ordinal).ToList();
        Assert.Contains("demo.objects|mag_r|float", fromSchema);
        Assert.Contains("TAP_SCHEMA.columns|\"size\"|int", fromSchema);
        Assert.Equal(fromSchema, fromTables);
    }

    [Fact]
    public async Task Tap_schema_has_the_tap_1_1_columns()
    {
        var (status, body, _) = await Server.SyncAsync(
            "SELECT column_name, arraysize, xtype, \"size\", principal, indexed, std, column_index FROM TAP_SCHEMA.columns " +
            "WHERE table_name = 'demo.objects' AND column_name = 'ra'");
        Assert.True(status == 200, body);
        var row = VoTable.Rows(body).Single();
        Assert.Equal("ra", row[0]);
        Assert.Equal("1", row[4]);
        Assert.Equal("1", row[5]);
        Assert.Equal("0", row[6]);
        Assert.Equal("2", row[7]);
        var (_, schemas, _) = await Server.SyncAsync("SELECT schema_name, schema_index FROM TAP_SCHEMA.schemas ORDER BY schema_index");
        Assert.Equal(["TAP_SCHEMA", "demo"], VoTable.Rows(schemas).Select(r => r[0]));
    }

    [Fact]
    public async Task Single_table_and_examples_resources_describe_the_published_tables()
    {
        using var client = Server.Client();
        var table = await client.GetStringAsync($"{Server.BaseUrl}/tables/demo.objects");
        Assert.Contains("<name>mag_r</name>", table);
        Assert.Contains("<flag>indexed</flag>", table);
        using var missing = await client.GetAsync($"{Server.BaseUrl}/tables/demo.nothing");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("demo.nothing", await missing.Content.ReadAsStringAsync());

        var examples = System.Xml.Linq.XDocument.Parse(await client.GetStringAsync($"{Server.BaseUrl}/examples"));
        var queries = examples.Descendants().Where(e => (string?)e.Attribute("property") == "query").Select(e => e.Value).ToList();
        Assert.Contains(queries, q => q.Contains("CONTAINS(POINT('ICRS', ra, dec)", StringComparison.Ordinal));
        // Every example runs as it is written.
        foreach (var query in queries)
        {
            var (status, body, _) = await Server.SyncAsync(query);
            Assert.True(status == 200 && VoTable.Status(body) == "OK", $"{query}\n{body}");
        }
    }

    /// <summary>Every optional language feature /capabilities declares runs through /sync (a declaration without
    /// an example here fails too, so nothing is declared untested).</summary>
    [Fact]
    public async Task Every_declared_language_feature_runs()
    {
        const string from = "FROM demo.objects WHERE object_id <= 3";
        var examples = new Dictionary<string, string>
        {
            ["POINT"] = $"SELECT POINT('ICRS', ra, dec) {from}",
            ["CIRCLE"] = $"SELECT CIRCLE('ICRS', ra, dec, 1) {from}",
            ["BOX"] = $"SELECT object_id {from} AND 1 = CONTAINS(POINT(ra, dec), BOX(ra, dec, 1, 1))",
            ["POLYGON"] = $"SELECT POLYGON(ra, dec, ra + 1, dec, ra, dec + 1) {from}",
            ["REGION"] = $"SELECT object_id {from} AND 1 = CONTAINS(POINT(ra, dec), REGION('CIRCLE ICRS 0 0 180'))",
            ["CENTROID"] = $"SELECT CENTROID(CIRCLE(ra, dec, 1)) {from}",
            ["CONTAINS"] = $"SELECT object_id {from} AND 1 = CONTAINS(POINT(ra, dec), CIRCLE(ra, dec, 1))",
            ["INTERSECTS"] = $"SELECT object_id {from} AND 1 = INTERSECTS(CIRCLE(ra, dec, 1), CIRCLE(ra, dec, 2))",
            ["AREA"] = $"SELECT AREA(CIRCLE(ra, dec, 1)) {from}",
            ["DISTANCE"] = $"SELECT DISTANCE(POINT(ra, dec), POINT(0, 0)) {from}",
            ["COORD1"] = $"SELECT COORD1(POINT(ra, dec)) {from}",
            ["COORD2"] = $"SELECT COORD2(POINT(ra, dec)) {from}",
            ["COORDSYS"] = $"SELECT COORDSYS(POINT('ICRS', ra, dec)) {from}",
            ["LOWER"] = $"SELECT LOWER(class) {from}",
            ["UPPER"] = $"SELECT UPPER(class) {from}",
            ["ILIKE"] = $"SELECT object_id {from} AND class ILIKE 'S%'",
            ["UNION"] = $"SELECT object_id {from} UNION SELECT object_id {from}",
            ["EXCEPT"] = $"SELECT object_id {from} EXCEPT SELECT object_id FROM demo.objects WHERE object_id = 1",
            ["INTERSECT"] = $"SELECT object_id {from} INTERSECT SELECT object_id FROM demo.objects WHERE object_id = 1",
            ["WITH"] = $"WITH few AS (SELECT object_id {from}) SELECT * FROM few",
            ["CAST"] = $"SELECT CAST(mag_r AS INTEGER) {from}",
            ["IN_UNIT"] = $"SELECT IN_UNIT(ra, 'arcmin') {from}",
            ["OFFSET"] = $"SELECT object_id {from} ORDER BY object_id OFFSET 1",
            ["BIT_AND"] = $"SELECT object_id & 1 {from}",
            ["BIT_OR"] = $"SELECT object_id | 4 {from}",
            ["BIT_XOR"] = $"SELECT object_id ^ 1 {from}",
            ["BIT_NOT"] = $"SELECT ~object_id {from}",
        };
        using var client = Server.Client();
        var capabilities = System.Xml.Linq.XDocument.Parse(await client.GetStringAsync($"{Server.BaseUrl}/capabilities"));
        var forms = capabilities.Descendants().Where(e => e.Name.LocalName == "languageFeatures")
            .Where(e => !((string?)e.Attribute("type") ?? "").EndsWith("#features-udf", StringComparison.Ordinal))
            .SelectMany(e => e.Descendants().Where(f => f.Name.LocalName == "form").Select(f => f.Value.Trim()))
            .ToList();
        Assert.Contains("BIT_AND", forms);
        foreach (var form in forms)
        {
            Assert.True(examples.TryGetValue(form, out var query), $"declared feature {form} has no example in this test");
            var (status, body, _) = await Server.SyncAsync(query);
            Assert.True(status == 200 && VoTable.Status(body) == "OK", $"{form}: {query}\n{body}");
            Assert.NotEmpty(VoTable.Rows(body));
        }
    }

    [Fact]
    public async Task Capabilities_and_availability_are_public_even_when_queries_need_a_user()
    {
        await using var server = await TapTestServer.StartAsync(settings: new Dictionary<string, string?> { ["Tap:AllowAnonymous"] = "false" }, demo: false);
        using var client = server.Client();
        var capabilities = await client.GetStringAsync($"{server.BaseUrl}/capabilities");
        Assert.Contains("ivo://ivoa.net/std/ADQL#v2.1", capabilities);
        Assert.Contains("ivo://ivoa.net/std/TAPRegExt#features-adqlgeo", capabilities);
        Assert.Contains("<vosi:available>true</vosi:available>", await client.GetStringAsync($"{server.BaseUrl}/availability"));

        var (status, body, _) = await server.SyncAsync("SELECT * FROM TAP_SCHEMA.schemas");
        Assert.Equal(401, status);
        Assert.Equal("ERROR", VoTable.Status(body));
        Assert.Contains("anonymous", VoTable.ErrorMessage(body));

        var (signedIn, _, _) = await server.SyncAsync("SELECT * FROM TAP_SCHEMA.schemas", user: "alice");
        Assert.Equal(200, signedIn);
    }
}
