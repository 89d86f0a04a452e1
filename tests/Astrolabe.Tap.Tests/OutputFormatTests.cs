using System.Globalization;
using System.Text.Json;
using Astrolabe.Tap.Tests.Support;

namespace Astrolabe.Tap.Tests;

/// <summary>Results as astropy reads them: VOTable TABLEDATA and BINARY2 (with NULLs, strings and a DALI point)
/// decode to the same values, computed independently here; uploads by URL work.</summary>
[Collection("sqlite service")]
public sealed class OutputFormatTests(SqliteServiceFixture fixture)
{
    private TapTestServer Server => fixture.Server;

    [Fact]
    public async Task Astropy_reads_tabledata_and_binary2_results_alike()
    {
        const string query = "SELECT object_id, class, ra, mag_r, redshift, POINT('ICRS', ra, dec) AS pos " +
                             "FROM demo.objects WHERE object_id <= 40 ORDER BY object_id";
        var directory = Directory.CreateTempSubdirectory("astrolabe-tap-formats-").FullName;
        try
        {
            var files = new List<string>();
            foreach (var format in new[] { "votable", "votable/b2" })
            {
                var (status, body, type) = await Server.SyncAsync(query, format);
                Assert.True(status == 200, body);
                Assert.StartsWith("application/x-votable+xml", type);
                Assert.Contains(format == "votable" ? "<TABLEDATA>" : "<BINARY2>", body);
                var file = Path.Combine(directory, format.Replace('/', '_') + ".vot");
                await File.WriteAllTextAsync(file, body);
                files.Add(file);
            }
            var script = Path.Combine(AppContext.BaseDirectory, "Scripts", "read_results.py");
            var (exit, output) = await ExternalProcess.RunAsync("/usr/bin/python3", [script, .. files], TimeSpan.FromMinutes(2));
            Assert.True(exit == 0, output);
            var json = JsonDocument.Parse(output.Trim().Split('\n').Last()).RootElement;
            var expected = DemoReference.Instance.Rows.Where(r => r.Id <= 40).OrderBy(r => r.Id).ToList();
            foreach (var file in files)
            {
                var table = json.GetProperty(file);
                var pos = table.GetProperty("fields")[5];
                Assert.Equal("point", pos.GetProperty("xtype").GetString());
                Assert.Equal("double", pos.GetProperty("datatype").GetString());
                var rows = table.GetProperty("rows").EnumerateArray().ToList();
                Assert.Equal(expected.Count, rows.Count);
                for (int i = 0; i < rows.Count; i++)
                {
                    var row = rows[i];
                    var truth = expected[i];
                    Assert.Equal(truth.Id, row[0].GetInt64());
                    Assert.Equal(truth.Class, row[1].GetString());
                    Assert.Equal(truth.Ra, row[2].GetDouble());
                    Assert.Equal((float)truth.MagR, (float)row[3].GetDouble());
                    if (truth.Redshift is null)
                    {
                        Assert.Equal(JsonValueKind.Null, row[4].ValueKind);
                    }
                    else
                    {
                        Assert.Equal((float)truth.Redshift.Value, (float)row[4].GetDouble());
                    }
                    var point = row[5].EnumerateArray().Select(e => e.GetDouble()).ToArray();
                    Assert.Equal(truth.Ra, point[0], 9);
                }
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Upload_by_url_is_queryable_as_tap_upload()
    {
        // The service's own BINARY2 output, fetched over loopback http, serves as the uploaded table.
        var source = $"{Server.BaseUrl}/sync?LANG=ADQL&FORMAT=votable%2Fb2&QUERY=" +
                     Uri.EscapeDataString("SELECT TOP 4 * FROM demo.objects ORDER BY object_id").Replace(",", "%2C");
        using var client = Server.Client();
        var parameters = new Dictionary<string, string>
        {
            ["LANG"] = "ADQL",
            ["QUERY"] = "SELECT t.object_id, o.class FROM TAP_UPLOAD.t AS t JOIN demo.objects AS o ON o.object_id = t.object_id ORDER BY t.object_id",
            ["UPLOAD"] = $"t,{source}",
            ["FORMAT"] = "csv",
        };
        using var response = await client.PostAsync($"{Server.BaseUrl}/sync", new FormUrlEncodedContent(parameters));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        var expected = DemoReference.Instance.Rows.Take(4).Select(r => $"{r.Id.ToString(CultureInfo.InvariantCulture)},{r.Class}");
        Assert.Equal(expected, body.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1));
    }

    [Fact]
    public async Task Upload_larger_than_the_limit_is_refused()
    {
        await using var server = await TapTestServer.StartAsync(settings: new Dictionary<string, string?> { ["Tap:MaxUploadBytes"] = "2000" });
        var source = $"{server.BaseUrl}/sync?LANG=ADQL&QUERY=" + Uri.EscapeDataString("SELECT TOP 500 * FROM demo.objects");
        using var client = server.Client();
        using var response = await client.PostAsync($"{server.BaseUrl}/sync", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["LANG"] = "ADQL",
            ["QUERY"] = "SELECT COUNT(*) FROM TAP_UPLOAD.big",
            ["UPLOAD"] = $"big,{source}",
        }));
        Assert.Equal(413, (int)response.StatusCode);
        Assert.Contains("2000 bytes", VoTable.ErrorMessage(await response.Content.ReadAsStringAsync()));
    }
}
