using System.Net;
using System.Xml.Linq;
using Astrolabe.Tap.Tests.Support;

namespace Astrolabe.Tap.Tests;

/// <summary>/async as a UWS 1.1 job list: phases, results, errors, abort, ownership, restart.</summary>
[Collection("sqlite service")]
public sealed class AsyncJobTests(SqliteServiceFixture fixture)
{
    private static readonly XNamespace Uws = "http://www.ivoa.net/xml/UWS/v1.0";
    private const string SlowQuery = "SELECT COUNT(*) FROM demo.objects AS a, demo.objects AS b WHERE a.mag_r < b.mag_g";

    private TapTestServer Server => fixture.Server;

    private static async Task<string> CreateAsync(TapTestServer server, HttpClient client, string query, bool run = false)
    {
        var parameters = new Dictionary<string, string> { ["LANG"] = "ADQL", ["QUERY"] = query };
        if (run)
        {
            parameters["PHASE"] = "RUN";
        }
        using var response = await client.PostAsync($"{server.BaseUrl}/async", new FormUrlEncodedContent(parameters));
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var location = response.Headers.Location!.ToString();
        Assert.StartsWith($"{server.BaseUrl}/async/", location);
        return location;
    }

    private static async Task<XDocument> JobAsync(HttpClient client, string jobUrl) =>
        XDocument.Parse(await client.GetStringAsync(jobUrl));

    private static string Phase(XDocument job) => job.Root!.Element(Uws + "phase")!.Value;

    private static async Task<XDocument> WaitAsync(HttpClient client, string jobUrl, params string[] phases)
    {
        for (int i = 0; i < 600; i++)
        {
            // UWS 1.1 blocking poll: returns early when the phase changes.
            var job = await JobAsync(client, $"{jobUrl}?WAIT=5");
            if (phases.Contains(Phase(job)))
            {
                return job;
            }
        }
        throw new TimeoutException($"job {jobUrl} never reached {string.Join("/", phases)}");
    }

    private static async Task PostAsync(HttpClient client, string url, string name, string value)
    {
        using var response = await client.PostAsync(url, new FormUrlEncodedContent(new Dictionary<string, string> { [name] = value }));
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
    }

    [Fact]
    public async Task Job_runs_from_pending_to_completed_with_a_result()
    {
        using var alice = Server.Client("alice");
        var jobUrl = await CreateAsync(Server, alice, "SELECT COUNT(*) AS n FROM demo.objects WHERE class = 'qso'");
        var pending = await JobAsync(alice, jobUrl);
        Assert.Equal("PENDING", Phase(pending));
        Assert.Equal("alice", pending.Root!.Element(Uws + "ownerId")!.Value);
        Assert.Equal("PENDING", await alice.GetStringAsync($"{jobUrl}/phase"));

        await PostAsync(alice, $"{jobUrl}/phase", "PHASE", "RUN");
        var done = await WaitAsync(alice, jobUrl, "COMPLETED", "ERROR");
        Assert.Equal("COMPLETED", Phase(done));
        Assert.NotEqual("true", (string?)done.Root!.Element(Uws + "startTime")!.Attribute(XNamespace.Get("http://www.w3.org/2001/XMLSchema-instance") + "nil"));
        var result = await alice.GetStringAsync($"{jobUrl}/results/result");
        Assert.Equal(DemoReference.Instance.Rows.Count(r => r.Class == "qso").ToString(System.Globalization.CultureInfo.InvariantCulture),
            VoTable.Rows(result).Single()[0]);
        Assert.Contains("results/result", await alice.GetStringAsync($"{jobUrl}/results"));
    }

    [Fact]
    public async Task Failed_job_reports_its_error()
    {
        using var alice = Server.Client("alice");
        var jobUrl = await CreateAsync(Server, alice, "SELECT nosuch FROM demo.objects", run: true);
        var job = await WaitAsync(alice, jobUrl, "ERROR", "COMPLETED");
        Assert.Equal("ERROR", Phase(job));
        Assert.Contains("nosuch", job.Root!.Element(Uws + "errorSummary")!.Value);
        var error = await alice.GetStringAsync($"{jobUrl}/error");
        Assert.Contains("nosuch", VoTable.ErrorMessage(error));
    }

    [Fact]
    public async Task Abort_stops_an_executing_job()
    {
        using var alice = Server.Client("alice");
        var jobUrl = await CreateAsync(Server, alice, SlowQuery, run: true);
        await WaitAsync(alice, jobUrl, "EXECUTING");
        await PostAsync(alice, $"{jobUrl}/phase", "PHASE", "ABORT");
        Assert.Equal("ABORTED", Phase(await JobAsync(alice, jobUrl)));
        // The worker is free again: a quick job after it completes.
        var next = await CreateAsync(Server, alice, "SELECT TOP 1 object_id FROM demo.objects", run: true);
        Assert.Equal("COMPLETED", Phase(await WaitAsync(alice, next, "COMPLETED", "ERROR")));
        Assert.Equal("ABORTED", Phase(await JobAsync(alice, jobUrl)));
    }

    [Fact]
    public async Task Execution_duration_and_destruction_can_be_set_while_pending()
    {
        using var alice = Server.Client("alice");
        var jobUrl = await CreateAsync(Server, alice, "SELECT TOP 1 object_id FROM demo.objects");
        await PostAsync(alice, $"{jobUrl}/executionduration", "EXECUTIONDURATION", "120");
        Assert.Equal("120", await alice.GetStringAsync($"{jobUrl}/executionduration"));
        var destruction = DateTime.UtcNow.AddHours(2).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        await PostAsync(alice, $"{jobUrl}/destruction", "DESTRUCTION", destruction);
        Assert.StartsWith(destruction[..19], await alice.GetStringAsync($"{jobUrl}/destruction"));
        using var bad = await alice.PostAsync($"{jobUrl}/executionduration",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["EXECUTIONDURATION"] = "soon" }));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("soon", await bad.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Jobs_belong_to_their_owner()
    {
        using var alice = Server.Client("carol");
        using var bob = Server.Client("dave");
        using var anonymous = Server.Client();
        using var admin = Server.Client("root", admin: true);
        var jobUrl = await CreateAsync(Server, alice, "SELECT TOP 1 object_id FROM demo.objects");
        var id = jobUrl[(jobUrl.LastIndexOf('/') + 1)..];

        using (var read = await bob.GetAsync(jobUrl))
        {
            Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);
            Assert.Contains("belongs to another user", await read.Content.ReadAsStringAsync());
        }
        using (var result = await bob.GetAsync($"{jobUrl}/results/result"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, result.StatusCode);
        }
        using (var delete = await bob.DeleteAsync(jobUrl))
        {
            Assert.Equal(HttpStatusCode.Forbidden, delete.StatusCode);
        }
        using (var run = await bob.PostAsync($"{jobUrl}/phase", new FormUrlEncodedContent(new Dictionary<string, string> { ["PHASE"] = "RUN" })))
        {
            Assert.Equal(HttpStatusCode.Forbidden, run.StatusCode);
        }
        using (var read = await anonymous.GetAsync(jobUrl))
        {
            Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);
            Assert.Contains("sign in", await read.Content.ReadAsStringAsync());
        }
        Assert.DoesNotContain(id, await bob.GetStringAsync($"{Server.BaseUrl}/async"));
        Assert.Contains(id, await alice.GetStringAsync($"{Server.BaseUrl}/async"));
        Assert.Equal("PENDING", Phase(await JobAsync(admin, jobUrl)));

        using (var delete = await alice.DeleteAsync(jobUrl))
        {
            Assert.Equal(HttpStatusCode.SeeOther, delete.StatusCode);
        }
        using (var gone = await alice.GetAsync(jobUrl))
        {
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
            Assert.Contains(id, await gone.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Unknown_job_is_404_with_a_message()
    {
        using var client = Server.Client("alice");
        using var response = await client.GetAsync($"{Server.BaseUrl}/async/nosuchjob/phase");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("no job 'nosuchjob'", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Jobs_and_results_survive_a_restart()
    {
        var dataRoot = Directory.CreateTempSubdirectory("astrolabe-tap-restart-").FullName;
        try
        {
            string completedUrl, pendingUrl;
            await using (var first = await TapTestServer.StartAsync(dataRoot: dataRoot))
            {
                using var alice = first.Client("alice");
                completedUrl = await CreateAsync(first, alice, "SELECT TOP 3 object_id FROM demo.objects ORDER BY object_id", run: true);
                await WaitAsync(alice, completedUrl, "COMPLETED");
                pendingUrl = await CreateAsync(first, alice, "SELECT TOP 2 object_id FROM demo.objects ORDER BY object_id");
            }
            await using var second = await TapTestServer.StartAsync(dataRoot: dataRoot);
            using var client = second.Client("alice");
            var completed = completedUrl[(completedUrl.LastIndexOf('/') + 1)..];
            var pending = pendingUrl[(pendingUrl.LastIndexOf('/') + 1)..];
            var list = await client.GetStringAsync($"{second.BaseUrl}/async");
            Assert.Contains(completed, list);
            Assert.Contains(pending, list);
            Assert.Equal([["1"], ["2"], ["3"]], VoTable.Rows(await client.GetStringAsync($"{second.BaseUrl}/async/{completed}/results/result")));
            await PostAsync(client, $"{second.BaseUrl}/async/{pending}/phase", "PHASE", "RUN");
            await WaitAsync(client, $"{second.BaseUrl}/async/{pending}", "COMPLETED");
            Assert.Equal(2, VoTable.Rows(await client.GetStringAsync($"{second.BaseUrl}/async/{pending}/results/result")).Count);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dataRoot, recursive: true);
        }
    }
}
