using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Astrolabe.Hub.Tests;

/// <summary>The JupyterHub-compatible REST API as its clients see it.</summary>
public sealed class HubApiTests
{
    private const string CullerToken = "culler-token-0123456789abcdef";

    private static Task<HubHost> StartWithCullerAsync() => HubHost.StartAsync(new Dictionary<string, string?>
    {
        ["Hub:Services:0:Name"] = "idle-culler",
        ["Hub:Services:0:Token"] = CullerToken,
        ["Hub:Services:0:Scopes:0"] = "list:users",
        ["Hub:Services:0:Scopes:1"] = "read:users:activity",
        ["Hub:Services:0:Scopes:2"] = "read:servers",
        ["Hub:Services:0:Scopes:3"] = "delete:servers",
    });

    [Fact]
    public async Task The_version_endpoint_answers_anonymously_and_every_hub_response_carries_the_version_header()
    {
        await using var hub = await HubHost.StartAsync();
        using var http = new HttpClient { BaseAddress = hub.Url };
        var response = await http.GetAsync("/hub/api");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("3.0.0", (await response.Content.ReadFromJsonAsync<JsonObject>())!["version"]!.GetValue<string>());
        Assert.Equal("3.0.0", response.Headers.GetValues("X-JupyterHub-Version").Single());
        Assert.Equal("3.0.0", (await http.GetAsync("/hub/login")).Headers.GetValues("X-JupyterHub-Version").Single());
    }

    [Fact]
    public async Task A_service_token_lists_users_by_state_with_pagination()
    {
        await using var hub = await StartWithCullerAsync();
        for (var i = 0; i < 7; i++) await hub.AddUserAsync($"page-{i}");
        using var culler = new ApiClient(hub.Url, CullerToken);
        Assert.Equal("service", (await culler.Http.GetFromJsonAsync<JsonObject>("/hub/api/user"))!["kind"]!.GetValue<string>());

        var names = new List<string>();
        var url = "/hub/api/users?limit=3";
        while (url is not null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Accept.ParseAdd("application/jupyterhub-pagination+json");
            var page = await (await culler.Http.SendAsync(request)).Content.ReadFromJsonAsync<JsonObject>();
            names.AddRange(page!["items"]!.AsArray().Select(u => u!["name"]!.GetValue<string>()));
            Assert.Equal(8, page["_pagination"]!["total"]!.GetValue<int>()); // 7 + the first admin
            url = page["_pagination"]!["next"]?["url"]?.GetValue<string>();
        }
        Assert.Equal(new[] { "admin" }.Concat(Enumerable.Range(0, 7).Select(i => $"page-{i}")), names);

        // name_filter narrows by name prefix, and pagination keeps it.
        using (var filtered = new HttpRequestMessage(HttpMethod.Get, "/hub/api/users?name_filter=page-&limit=5"))
        {
            filtered.Headers.Accept.ParseAdd("application/jupyterhub-pagination+json");
            var page = await (await culler.Http.SendAsync(filtered)).Content.ReadFromJsonAsync<JsonObject>();
            Assert.Equal(7, page!["_pagination"]!["total"]!.GetValue<int>());
            Assert.Contains("name_filter=page-", page["_pagination"]!["next"]!["url"]!.GetValue<string>());
        }
        Assert.Empty((await culler.Http.GetFromJsonAsync<JsonArray>("/hub/api/users?name_filter=%25"))!);

        // sort is done by the database: by last activity, most recent first, never-active users last; paging keeps it.
        var store = hub.Accounts.Store;
        await store.TouchUserActivityAsync("page-4", DateTimeOffset.UtcNow.AddMinutes(-1));
        await store.TouchUserActivityAsync("page-2", DateTimeOffset.UtcNow.AddMinutes(-5));
        await store.TouchUserActivityAsync("page-6", DateTimeOffset.UtcNow.AddMinutes(-9));
        using (var sorted = new HttpRequestMessage(HttpMethod.Get, "/hub/api/users?name_filter=page-&sort=-last_activity&limit=4"))
        {
            sorted.Headers.Accept.ParseAdd("application/jupyterhub-pagination+json");
            var page = await (await culler.Http.SendAsync(sorted)).Content.ReadFromJsonAsync<JsonObject>();
            Assert.Equal(new[] { "page-4", "page-2", "page-6", "page-0" }, page!["items"]!.AsArray().Select(u => u!["name"]!.GetValue<string>()));
            var next = page["_pagination"]!["next"]!["url"]!.GetValue<string>();
            Assert.Contains("sort=-last_activity", next);
            var rest = await culler.Http.GetFromJsonAsync<JsonArray>(new Uri(next).PathAndQuery);
            Assert.Equal(new[] { "page-1", "page-3", "page-5" }, rest!.Select(u => u!["name"]!.GetValue<string>()));
        }
        var ascending = await culler.Http.GetFromJsonAsync<JsonArray>("/hub/api/users?name_filter=page-&sort=last_activity&limit=3");
        Assert.Equal(new[] { "page-6", "page-2", "page-4" }, ascending!.Select(u => u!["name"]!.GetValue<string>()));
        var badSort = await culler.Http.GetAsync("/hub/api/users?sort=password_hash");
        Assert.Equal(HttpStatusCode.BadRequest, badSort.StatusCode);
        Assert.Contains("sort must be name, last_activity or created", await badSort.Content.ReadAsStringAsync());

        // Without the pagination media type: a plain list.
        var plain = await culler.Http.GetFromJsonAsync<JsonArray>("/hub/api/users?state=ready");
        Assert.Empty(plain!);
        var bad = await culler.Http.GetAsync("/hub/api/users?state=sleeping");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("sleeping", await bad.Content.ReadAsStringAsync());
        // The culler's scopes do not let it create users or tokens.
        Assert.Equal(HttpStatusCode.Forbidden, (await culler.Http.PostAsync("/hub/api/users/page-9", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await culler.Http.PostAsJsonAsync("/hub/api/users/page-1/tokens", new { })).StatusCode);
    }

    [Fact]
    [Trait("Needs", "jupyterhub-singleuser")]
    public async Task Servers_start_and_stop_through_the_api_and_report_ready_state_and_activity()
    {
        await using var hub = await StartWithCullerAsync();
        await hub.AddUserAsync("api-olga");
        using var olga = await ApiClient.ForUserAsync(hub, "api-olga");
        await olga.StartServerAndWaitAsync("api-olga");
        using var culler = new ApiClient(hub.Url, CullerToken);
        var ready = await culler.Http.GetFromJsonAsync<JsonArray>("/hub/api/users?state=ready");
        var user = Assert.Single(ready!);
        Assert.Equal("api-olga", user!["name"]!.GetValue<string>());
        Assert.EndsWith("Z", user["servers"]![""]!["last_activity"]!.GetValue<string>());

        var activity = await olga.Http.PostAsync("/hub/api/users/api-olga/activity", new StringContent(
            """{"servers":{"":{"last_activity":"2030-01-01T00:00:00.000000Z"}},"last_activity":"2030-01-01T00:00:00.000000Z"}""",
            Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, activity.StatusCode);

        var stop = await culler.Http.DeleteAsync("/hub/api/users/api-olga/server");
        Assert.True(stop.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.Accepted);
        for (var i = 0; i < 400 && (await hub.Accounts.Store.FindServerAsync("api-olga", ""))!.State != State.ServerState.Stopped; i++) await Task.Delay(50);
        Assert.Equal(State.ServerState.Stopped, (await hub.Accounts.Store.FindServerAsync("api-olga", ""))!.State);
        // The server's own token and OAuth client are revoked with it.
        Assert.DoesNotContain(await hub.Accounts.Store.ListTokensAsync("api-olga"), t => t.Kind == State.TokenKind.Server);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await olga.Http.GetAsync("/user/api-olga/api/status")).StatusCode);
    }

    [Fact]
    public async Task Malformed_json_and_oversized_bodies_get_clear_4xx_errors()
    {
        await using var hub = await HubHost.StartAsync(new Dictionary<string, string?> { ["Hub:MaxApiBodyBytes"] = "4096" });
        await hub.AddUserAsync("api-pia");
        using var pia = await ApiClient.ForUserAsync(hub, "api-pia");

        var malformed = await pia.Http.PostAsync("/hub/api/users/api-pia/tokens", new StringContent("{\"note\": \"x\",", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        var error = await malformed.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(400, error!["status"]!.GetValue<int>());
        Assert.Contains("not valid JSON", error["message"]!.GetValue<string>());

        var wrongType = await pia.Http.PostAsync("/hub/api/users/api-pia/tokens", new StringContent("{\"expires_in\": \"soon\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        Assert.Contains("expires_in", await wrongType.Content.ReadAsStringAsync());

        var huge = await pia.Http.PostAsync("/hub/api/users/api-pia/tokens", new StringContent(
            "{\"note\": \"" + new string('x', 10_000) + "\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        Assert.Contains("4096", await huge.Content.ReadAsStringAsync());

        var badActivity = await pia.Http.PostAsync("/hub/api/users/api-pia/activity", new StringContent("{\"last_activity\": \"yesterday\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, badActivity.StatusCode);
        Assert.Contains("ISO-8601", await badActivity.Content.ReadAsStringAsync());
        Assert.Single(await hub.Accounts.Store.ListTokensAsync("api-pia")); // nothing was created by the bad calls
    }

    [Theory]
    [InlineData("Alice", "lower-case letter")]
    [InlineData("1st", "lower-case letter")]
    [InlineData("ali ce", "may contain only")]
    [InlineData("root;rm", "may contain only")]
    [InlineData("a-very-long-user-name-that-is-too-long", "at most 24")]
    [InlineData("_hidden", "lower-case letter")]
    public async Task A_user_name_that_is_not_a_safe_unix_name_is_refused_with_the_reason(string name, string reason)
    {
        Assert.False(UserName.IsValid(name, out var why));
        Assert.Contains(reason, why);
        await using var hub = await HubHost.StartAsync();
        var admin = (await hub.Accounts.Store.FindUserAsync("admin"))!;
        var (token, _) = await hub.Accounts.CreateTokenAsync(admin, null, "", null);
        using var api = new ApiClient(hub.Url, token);
        var response = await api.Http.PostAsync($"/hub/api/users/{Uri.EscapeDataString(name)}", null);
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, response.StatusCode.ToString());
        if (response.StatusCode == HttpStatusCode.BadRequest) Assert.Contains(reason, await response.Content.ReadAsStringAsync());
        await Assert.ThrowsAsync<ArgumentException>(() => hub.Accounts.AddUserAsync(name, false, "long-enough-password"));
        Assert.Equal(1, await hub.Accounts.Store.CountUsersAsync());
    }

    [Fact]
    public async Task Users_are_created_through_the_API_with_their_admin_flag_and_a_malformed_body_creates_nobody()
    {
        await using var hub = await HubHost.StartAsync();
        var admin = (await hub.Accounts.Store.FindUserAsync("admin"))!;
        var (token, _) = await hub.Accounts.CreateTokenAsync(admin, null, "", null);
        using var api = new ApiClient(hub.Url, token);
        async Task<(HttpStatusCode Status, string Body)> Create(string name, string? json)
        {
            using var response = await api.Http.PostAsync($"/hub/api/users/{name}",
                json is null ? null : new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }
        Assert.Equal(HttpStatusCode.Created, (await Create("api-boss", """{"admin": true}""")).Status);
        Assert.Equal(HttpStatusCode.Created, (await Create("api-plain", null)).Status);
        Assert.True((await hub.Accounts.Store.FindUserAsync("api-boss"))!.Admin);
        Assert.False((await hub.Accounts.Store.FindUserAsync("api-plain"))!.Admin);

        // "yes" is not read as false (nor as true): the request is refused and nobody is made.
        foreach (var (json, why) in new[]
                 {
                     ("""{"admin": "yes"}""", "'admin' must be true or false"),
                     ("""{"admin": 1}""", "'admin' must be true or false"),
                     ("""{"password": 12345678}""", "'password' must be a string"),
                     ("""["admin"]""", "Expected a JSON object"),
                 })
        {
            var (status, body) = await Create("api-maybe", json);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Contains(why, System.Text.RegularExpressions.Regex.Unescape(body));
            Assert.Null(await hub.Accounts.Store.FindUserAsync("api-maybe"));
        }
    }

    [Fact]
    public async Task Invalid_settings_fail_at_start_naming_the_setting()
    {
        var e = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => HubHost.StartAsync(new Dictionary<string, string?>
        {
            ["Hub:SpawnTimeoutSeconds"] = "-1",
            ["Listen"] = "ftp://nowhere",
            ["Hub:Services:0:Name"] = "culler",
            ["Hub:Services:0:Token"] = "short",
        }));
        Assert.Contains(e.Failures, f => f.Contains("Hub:SpawnTimeoutSeconds"));
        Assert.Contains(e.Failures, f => f.StartsWith("Listen"));
        Assert.Contains(e.Failures, f => f.Contains("Hub:Services:0:Token"));
    }
}
