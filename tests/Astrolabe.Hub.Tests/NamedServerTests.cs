using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;

namespace Astrolabe.Hub.Tests;

/// <summary>A user may run named servers (`/user/alice/<name>/`) beside the default one, up to a limit.</summary>
[Collection("servers")]
public sealed class NamedServerTests
{
    [Fact]
    public async Task A_named_server_runs_beside_the_default_one_with_its_own_route_and_sign_in()
    {
        await using var hub = await HubHost.StartAsync(new Dictionary<string, string?> { ["Hub:MaxNamedServers"] = "1" });
        var password = await hub.AddUserAsync("multi-mo");
        using var api = await ApiClient.ForUserAsync(hub, "multi-mo");
        await api.StartServerAndWaitAsync("multi-mo");
        async Task StartBigAsync()
        {
            var start = await api.Http.PostAsync("/hub/api/users/multi-mo/servers/big", null);
            Assert.True((int)start.StatusCode is 201 or 202, await start.Content.ReadAsStringAsync());
            for (var i = 0; i < 1200; i++)
            {
                var model = await api.Http.GetFromJsonAsync<JsonObject>("/hub/api/users/multi-mo");
                if (model!["servers"]!["big"]?["ready"]?.GetValue<bool>() == true) break;
                await Task.Delay(50);
            }
        }
        await StartBigAsync();
        var user = await api.Http.GetFromJsonAsync<JsonObject>("/hub/api/users/multi-mo");
        Assert.Equal("/user/multi-mo/big/", user!["servers"]!["big"]!["url"]!.GetValue<string>());
        Assert.NotEqual(await hub.Sessions.RouteAsync("multi-mo", "big", default), await hub.Sessions.RouteAsync("multi-mo", "", default));

        // Each path reaches its own server (a server answers only under its own prefix).
        Assert.Equal(HttpStatusCode.OK, (await api.Http.GetAsync("/user/multi-mo/big/api/status")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.Http.GetAsync("/user/multi-mo/api/status")).StatusCode);

        // The browser signs in to the named server through its own OAuth client.
        using var browser = hub.NewClient();
        await browser.LoginAsync("multi-mo", password);
        var tree = await browser.Http.GetAsync("/user/multi-mo/big/tree");
        Assert.Equal(HttpStatusCode.OK, tree.StatusCode);
        Assert.Equal("/user/multi-mo/big/tree", tree.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("data-server=\"big\"", await browser.Http.GetStringAsync("/hub/home"));

        // The limit, and names that would shadow the default server's own paths.
        var over = await api.Http.PostAsync("/hub/api/users/multi-mo/servers/second", null);
        Assert.Equal(HttpStatusCode.BadRequest, over.StatusCode);
        Assert.Contains("Hub:MaxNamedServers", await over.Content.ReadAsStringAsync());
        var reserved = await api.Http.PostAsync("/hub/api/users/multi-mo/servers/api", null);
        Assert.Equal(HttpStatusCode.BadRequest, reserved.StatusCode);
        Assert.Contains("path of the notebook server", await reserved.Content.ReadAsStringAsync());

        // Stopping the named server leaves the default one running.
        var stop = await api.Http.DeleteAsync("/hub/api/users/multi-mo/servers/big");
        Assert.True(stop.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.Accepted);
        for (var i = 0; i < 400 && (await hub.Accounts.Store.FindServerAsync("multi-mo", "big"))!.State != State.ServerState.Stopped; i++) await Task.Delay(50);
        Assert.Equal(State.ServerState.Stopped, (await hub.Accounts.Store.FindServerAsync("multi-mo", "big"))!.State);
        Assert.Equal(HttpStatusCode.OK, (await api.Http.GetAsync("/user/multi-mo/api/status")).StatusCode);

        // Deleting the user stops every server of theirs, the named one as well as the default one.
        await StartBigAsync();
        var states = new List<string>();
        foreach (var server in new[] { "", "big" })
        {
            var record = (await hub.Accounts.Store.FindServerAsync("multi-mo", server))!;
            Assert.Equal(State.ServerState.Running, record.State);
            states.Add(record.SpawnerState!);
        }
        await hub.AddUserAsync("multi-boss", admin: true);
        using var admin = await ApiClient.ForUserAsync(hub, "multi-boss");
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.DeleteAsync("/hub/api/users/multi-mo")).StatusCode);
        var spawner = hub.App.Services.GetRequiredService<Sessions.ISpawner>();
        foreach (var state in states) Assert.False(await spawner.IsAliveAsync(state, CancellationToken.None));
        Assert.Empty(await hub.Accounts.Store.ListLiveServersAsync());
    }

    [Fact]
    public async Task An_admin_sees_every_server_of_a_user_on_the_admin_page_and_stops_them_one_by_one()
    {
        await using var hub = await HubHost.StartAsync(new Dictionary<string, string?> { ["Hub:MaxNamedServers"] = "1" });
        var bossPassword = await hub.AddUserAsync("multi-chief", admin: true);
        await hub.AddUserAsync("multi-ann");
        using var boss = hub.NewClient();
        await boss.LoginAsync("multi-chief", bossPassword);
        async Task<State.ServerState> WaitAsync(string server, State.ServerState until)
        {
            var state = State.ServerState.Stopped;
            for (var i = 0; i < 1200 && (state = (await hub.Accounts.Store.FindServerAsync("multi-ann", server))?.State ?? State.ServerState.Stopped) != until; i++)
                await Task.Delay(50);
            return state;
        }

        // The admin starts the user's default server from the page; the user starts a named one.
        Assert.Contains("Starting the server of", await (await boss.SubmitAsync("/hub/admin", "/hub/admin/users/multi-ann/start")).Content.ReadAsStringAsync());
        Assert.Equal(State.ServerState.Running, await WaitAsync("", State.ServerState.Running));
        using var ann = await ApiClient.ForUserAsync(hub, "multi-ann");
        Assert.True((await ann.Http.PostAsync("/hub/api/users/multi-ann/servers/big", null)).IsSuccessStatusCode);
        Assert.Equal(State.ServerState.Running, await WaitAsync("big", State.ServerState.Running));

        // Both are on the admin page, each with its state and its own Stop.
        var page = await boss.Http.GetStringAsync("/hub/admin?q=multi-ann");
        Assert.Matches("<tr data-user=\"multi-ann\"><td>multi-ann</td>\\s*<td class=\"groups\"></td>\\s*<td class=\"state\">Running</td>", page);
        Assert.Matches("<tr data-user=\"multi-ann\" data-server=\"big\">.*?\\s*<td class=\"state\">Running</td>", page);
        Assert.Contains("<input type=\"hidden\" name=\"server\" value=\"big\">", page);

        // Stopping the named one leaves the default one running, and the row goes.
        var stopped = await (await boss.SubmitAsync("/hub/admin?q=multi-ann", "/hub/admin/users/multi-ann/stop", ("server", "big"))).Content.ReadAsStringAsync();
        Assert.Contains("Stopped server 'big' of 'multi-ann'", stopped);
        Assert.Equal(State.ServerState.Stopped, await WaitAsync("big", State.ServerState.Stopped));
        Assert.Equal(State.ServerState.Running, (await hub.Accounts.Store.FindServerAsync("multi-ann", ""))!.State);
        Assert.DoesNotContain("data-server=\"big\"", await boss.Http.GetStringAsync("/hub/admin?q=multi-ann"));

        var bad = await boss.SubmitAsync("/hub/admin?q=multi-ann", "/hub/admin/users/multi-ann/stop", ("server", "../x"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(State.ServerState.Running, (await hub.Accounts.Store.FindServerAsync("multi-ann", ""))!.State);

        Assert.Contains("Stopped the server of", await (await boss.SubmitAsync("/hub/admin?q=multi-ann", "/hub/admin/users/multi-ann/stop")).Content.ReadAsStringAsync());
        Assert.Equal(State.ServerState.Stopped, await WaitAsync("", State.ServerState.Stopped));
    }
}
