using System.Text.Json;
using Astrolabe.Tap.Tests.Support;

namespace Astrolabe.Tap.Tests;

/// <summary>pyvo, the Python TAP client astronomers use from notebooks (Debian python3-pyvo, run with
/// /usr/bin/python3), against the live service: sync, async, upload and MAXREC overflow.</summary>
[Collection("sqlite service")]
public sealed class PyvoClientTests(SqliteServiceFixture fixture)
{
    [Fact]
    public async Task Pyvo_runs_sync_async_upload_and_sees_overflow()
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Scripts", "pyvo_client.py");
        var (exit, output) = await ExternalProcess.RunAsync("/usr/bin/python3", [script, fixture.Server.BaseUrl], TimeSpan.FromMinutes(3));
        Assert.True(exit == 0, $"pyvo script failed (exit {exit}):\n{output}");
        var json = JsonDocument.Parse(output.Trim().Split('\n').Last()).RootElement;
        var data = DemoReference.Instance.Rows;

        Assert.Equal([1L, 2, 3, 4, 5], json.GetProperty("sync_ids").EnumerateArray().Select(e => e.GetInt64()));

        Assert.Equal("COMPLETED", json.GetProperty("async_phase").GetString());
        Assert.Equal(data.Count(r => r.MagR < 20), json.GetProperty("async_count").GetInt32());

        var counts = json.GetProperty("upload_counts");
        Assert.Equal(data.Count(r => DemoReference.Distance(r.Ra, r.Dec, 150, 20) <= 5), counts.GetProperty("a").GetInt32());
        Assert.Equal(data.Count(r => DemoReference.Distance(r.Ra, r.Dec, 30, -45) <= 5), counts.GetProperty("b").GetInt32());

        Assert.Equal(10, json.GetProperty("maxrec_rows").GetInt32());
        Assert.True(json.GetProperty("maxrec_overflow_warning").GetBoolean() || json.GetProperty("maxrec_query_status").GetString() == "OVERFLOW",
            $"pyvo did not notice the overflow: {output}");

        var error = json.GetProperty("error").GetString();
        Assert.NotNull(error);
        Assert.Contains("nosuchcolumn", error, StringComparison.OrdinalIgnoreCase);
    }
}
