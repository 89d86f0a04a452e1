using System.Net;
using System.Text;
using Astrolabe.Tap.Tests.Support;

namespace Astrolabe.Tap.Tests;

/// <summary>Bad requests get the right HTTP status and an error VOTable (QUERY_STATUS=ERROR) whose message
/// says what is wrong and where.</summary>
[Collection("sqlite service")]
public sealed class BadInputTests(SqliteServiceFixture fixture)
{
    private TapTestServer Server => fixture.Server;

    private async Task<string> ErrorAsync(string query, int expectedStatus = 400, string? format = null, long? maxRec = null)
    {
        var (status, body, type) = await Server.SyncAsync(query, format, maxRec);
        Assert.True(status == expectedStatus, $"expected HTTP {expectedStatus}, got {status}: {body}");
        Assert.StartsWith("application/x-votable+xml", type);
        Assert.Equal("ERROR", VoTable.Status(body));
        return VoTable.ErrorMessage(body);
    }

    [Fact]
    public async Task Syntax_error_names_line_and_column()
    {
        var message = await ErrorAsync("SELECT object_id\nFROM demo.objects\nWHERE mag_r <");
        Assert.Contains("line 3", message);
        Assert.Contains("column", message);
    }

    [Fact]
    public async Task Unknown_table_is_named()
    {
        var message = await ErrorAsync("SELECT * FROM demo.nosuchtable");
        Assert.Contains("nosuchtable", message);
    }

    [Fact]
    public async Task Unknown_column_is_named()
    {
        var message = await ErrorAsync("SELECT magnitude_q FROM demo.objects");
        Assert.Contains("magnitude_q", message);
    }

    [Fact]
    public async Task Wrong_argument_types_are_refused()
    {
        var message = await ErrorAsync("SELECT object_id FROM demo.objects WHERE 1 = CONTAINS(class, CIRCLE('ICRS', 1, 2, 3))");
        Assert.Contains("line 1", message);
    }

    [Fact]
    public async Task Huge_query_is_refused_with_the_limit()
    {
        var query = new StringBuilder("SELECT object_id FROM demo.objects WHERE object_id IN (0");
        while (query.Length < 120_000)
        {
            query.Append(", 1");
        }
        query.Append(')');
        var message = await ErrorAsync(query.ToString(), 413);
        Assert.Contains("100000", message);
    }

    [Fact]
    public async Task Missing_query_unknown_format_bad_maxrec_and_wrong_lang_are_explained()
    {
        using var client = Server.Client();
        var missing = await client.GetAsync($"{Server.BaseUrl}/sync?REQUEST=doQuery&LANG=ADQL");
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("QUERY", VoTable.ErrorMessage(await missing.Content.ReadAsStringAsync()));

        Assert.Contains("FORMAT", await ErrorAsync("SELECT TOP 1 * FROM demo.objects", format: "excel"));

        var badMaxrec = await client.GetAsync($"{Server.BaseUrl}/sync?LANG=ADQL&QUERY=SELECT%201&MAXREC=-4");
        Assert.Equal(HttpStatusCode.BadRequest, badMaxrec.StatusCode);
        Assert.Contains("MAXREC", VoTable.ErrorMessage(await badMaxrec.Content.ReadAsStringAsync()));

        var lang = await client.GetAsync($"{Server.BaseUrl}/sync?LANG=PQL&QUERY=x");
        Assert.Equal(HttpStatusCode.BadRequest, lang.StatusCode);
        Assert.Contains("LANG=PQL", VoTable.ErrorMessage(await lang.Content.ReadAsStringAsync()));
    }

    private async Task<(HttpStatusCode, string)> UploadAsync(string table, string upload, string? fileName = "t.vot")
    {
        using var client = Server.Client();
        using var form = new MultipartFormDataContent
        {
            { new StringContent("ADQL"), "LANG" },
            { new StringContent("SELECT * FROM TAP_UPLOAD.t"), "QUERY" },
            { new StringContent(upload), "UPLOAD" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes(table)), "part", fileName! },
        };
        using var response = await client.PostAsync($"{Server.BaseUrl}/sync", form);
        return (response.StatusCode, VoTable.ErrorMessage(await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task Malformed_uploads_are_refused_with_the_reason()
    {
        var (notXml, message1) = await UploadAsync("ra,dec\n1,2\n", "t,param:part");
        Assert.Equal(HttpStatusCode.BadRequest, notXml);
        Assert.Contains("not a usable VOTable", message1);

        const string badCell = """
            <VOTABLE xmlns="http://www.ivoa.net/xml/VOTable/v1.3" version="1.4"><RESOURCE><TABLE>
            <FIELD name="ra" datatype="double"/><DATA><TABLEDATA><TR><TD>12.5</TD></TR><TR><TD>north</TD></TR></TABLEDATA></DATA>
            </TABLE></RESOURCE></VOTABLE>
            """;
        var (badValue, message2) = await UploadAsync(badCell, "t,param:part");
        Assert.Equal(HttpStatusCode.BadRequest, badValue);
        Assert.Contains("row 2", message2);
        Assert.Contains("north", message2);

        var (missingPart, message3) = await UploadAsync(badCell, "t,param:other");
        Assert.Equal(HttpStatusCode.BadRequest, missingPart);
        Assert.Contains("other", message3);

        var (badName, message4) = await UploadAsync(badCell, "1t,param:part");
        Assert.Equal(HttpStatusCode.BadRequest, badName);
        Assert.Contains("1t", message4);

        var (badScheme, message5) = await UploadAsync(badCell, "t,file:///etc/passwd");
        Assert.Equal(HttpStatusCode.BadRequest, badScheme);
        Assert.Contains("http", message5);
    }

    [Fact]
    public async Task Query_over_the_time_limit_is_cancelled_with_a_message()
    {
        await using var server = await TapTestServer.StartAsync(settings: new Dictionary<string, string?> { ["Tap:SyncTimeoutSeconds"] = "1" });
        // A cross join of 20,000 x 20,000 rows: far longer than one second on any machine.
        var (status, body, _) = await server.SyncAsync("SELECT COUNT(*) FROM demo.objects AS a, demo.objects AS b WHERE a.mag_r < b.mag_g");
        Assert.Equal(400, status);
        Assert.Contains("time limit of 1 seconds", VoTable.ErrorMessage(body));
    }
}
