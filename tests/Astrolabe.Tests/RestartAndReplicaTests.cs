using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Astrolabe.Hub.Tests;
using Npgsql;

namespace Astrolabe.Tests;

/// <summary>A crash loses nothing, and replicas on one PostgreSQL database agree (real `astrolabe serve` processes,
/// real jupyterhub-singleuser servers).</summary>
[Collection("servers")]
public sealed class RestartAndReplicaTests
{
    [Fact]
    public async Task After_SIGKILL_and_restart_running_servers_are_reachable_again_with_no_user_action()
    {
        var root = Cli.TempDataRoot();
        var port = HubHost.FreePort();
        string token;
        var first = await ServeProcess.StartAsync(root, port);
        try
        {
            token = await NewUserWithTokenAsync(first.Url, "crash-tess");
            using var api = new ApiClient(first.Url, token);
            await api.StartServerAndWaitAsync("crash-tess");
            Assert.Equal(HttpStatusCode.OK, (await api.Http.GetAsync("/user/crash-tess/api/status")).StatusCode);
            first.Kill();
        }
        finally { await first.DisposeAsync(); }

        await using var second = await ServeProcess.StartAsync(root, port);
        try
        {
            using var api = new ApiClient(second.Url, token);
            var status = await api.Http.GetAsync("/user/crash-tess/api/status");
            Assert.True(status.StatusCode == HttpStatusCode.OK, $"{status.StatusCode}: {await status.Content.ReadAsStringAsync()}\n{second.Output}");
            var model = await api.Http.GetFromJsonAsync<JsonObject>("/hub/api/users/crash-tess");
            Assert.True(model!["servers"]![""]!["ready"]!.GetValue<bool>());
            Assert.Contains("Re-adopted server crash-tess/", second.Output);
            // And it stops normally afterwards.
            await api.Http.DeleteAsync("/hub/api/users/crash-tess/server");
        }
        finally { TryDelete(root); }
    }

    [Fact]
    public async Task Two_replicas_on_one_postgresql_database_recognise_the_same_login_and_route_the_same_server()
    {
        var admin = Environment.GetEnvironmentVariable("ASTROLABE_TEST_POSTGRES");
        Assert.False(string.IsNullOrEmpty(admin), "ASTROLABE_TEST_POSTGRES is not set: run the tests with scripts/test.sh, which starts PostgreSQL.");
        var name = "replicas_" + Guid.NewGuid().ToString("N")[..10];
        await using (var c = new NpgsqlConnection(admin)) { await c.OpenAsync(); await new NpgsqlCommand($"CREATE DATABASE {name}", c).ExecuteNonQueryAsync(); }
        var database = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
        var root = Cli.TempDataRoot();
        try
        {
            // Both replicas start at once against an empty database: the schema and the first admin are made once.
            var starting = new[] { ServeProcess.StartAsync(root, HubHost.FreePort(), $"--Hub:Database={database}"),
                                   ServeProcess.StartAsync(root, HubHost.FreePort(), $"--Hub:Database={database}") };
            try { await Task.WhenAll(starting); }
            catch
            {
                // One failed: stop the other, so no server outlives the test.
                foreach (var t in starting.Where(t => t.IsCompletedSuccessfully)) await (await t).DisposeAsync();
                throw;
            }
            await using var a = await starting[0];
            await using var b = await starting[1];

            var password = "replica-password-1";
            await CreateUserAsync(a.Url, "rep-uma", password);
            using var browser = new Browserless(a.Url, followRedirects: true);
            await browser.LoginAsync("rep-uma", password);
            // The same cookie is recognised by the other replica (127.0.0.1 cookies are not port-bound).
            using var viaB = new HttpClient(new HttpClientHandler { CookieContainer = browser.Cookies, UseProxy = false }) { BaseAddress = b.Url };
            var home = await viaB.GetAsync("/hub/home");
            Assert.Equal("/hub/home", home.RequestMessage!.RequestUri!.AbsolutePath);
            Assert.Contains("Welcome, rep-uma", await home.Content.ReadAsStringAsync());

            // Started through A, reachable through B — including B's half of the OAuth sign-in.
            await ServerSteps.StartAndWaitAsync(browser, "rep-uma");
            var tree = await viaB.GetAsync("/user/rep-uma/tree");
            Assert.Equal(HttpStatusCode.OK, tree.StatusCode);
            Assert.Equal("/user/rep-uma/tree", tree.RequestMessage!.RequestUri!.AbsolutePath);
            Assert.Equal(HttpStatusCode.OK, (await viaB.GetAsync("/user/rep-uma/api/status")).StatusCode);

            // Stopped through B, gone for A.
            var form = await viaB.GetStringAsync("/hub/home");
            var stopped = await viaB.PostAsync("/hub/stop", new FormUrlEncodedContent(new Dictionary<string, string> { ["_xsrf"] = Browserless.Xsrf(form) }));
            Assert.Contains("Your server is not running", await stopped.Content.ReadAsStringAsync());
            await Task.Delay(2500); // A's route cache lives 2 s
            Assert.NotEqual(HttpStatusCode.OK, (await browser.Http.GetAsync("/user/rep-uma/api/status")).StatusCode);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var c = new NpgsqlConnection(admin);
            await c.OpenAsync();
            await new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", c).ExecuteNonQueryAsync();
            TryDelete(root);
        }
    }

    /// <summary>As the administrator (through the API with an admin token made on the tokens page), creates a user.</summary>
    private static async Task CreateUserAsync(Uri hub, string user, string password)
    {
        using var admin = new Browserless(hub, followRedirects: true);
        await admin.LoginAsync("admin", ServeProcess.AdminPassword);
        var page = await (await admin.SubmitAsync("/hub/token", "/hub/token", ("note", "setup"))).Content.ReadAsStringAsync();
        var token = System.Text.RegularExpressions.Regex.Match(page, "id=\"new-token\">([^<]+)<").Groups[1].Value;
        using var api = new ApiClient(hub, token);
        var created = await api.Http.PostAsJsonAsync($"/hub/api/users/{user}", new { password });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    private static async Task<string> NewUserWithTokenAsync(Uri hub, string user)
    {
        const string password = "user-password-123";
        await CreateUserAsync(hub, user, password);
        using var browser = new Browserless(hub, followRedirects: true);
        await browser.LoginAsync(user, password);
        var page = await (await browser.SubmitAsync("/hub/token", "/hub/token", ("note", "test"))).Content.ReadAsStringAsync();
        return System.Text.RegularExpressions.Regex.Match(page, "id=\"new-token\">([^<]+)<").Groups[1].Value;
    }

    private static void TryDelete(string root)
    {
        try { if (Directory.Exists(root)) Directory.Delete(root, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
