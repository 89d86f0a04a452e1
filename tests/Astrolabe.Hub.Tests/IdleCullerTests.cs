using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Astrolabe.Hub.Sessions;
using Microsoft.Extensions.DependencyInjection;

namespace Astrolabe.Hub.Tests;

/// <summary>Idle servers are stopped; a server busy with a long computation and no browser attached is not.</summary>
[Collection("servers")]
public sealed class IdleCullerTests
{
    [Fact]
    public async Task An_idle_server_is_culled_but_one_running_a_long_cell_with_no_client_is_not()
    {
        // The background pass is off (huge check interval); the test drives passes itself so it never races a timer.
        await using var hub = await HubHost.StartAsync(new Dictionary<string, string?>
        {
            ["Hub:CullIdleSeconds"] = "2",
            ["Hub:CullCheckSeconds"] = "86400",
        });
        var culler = hub.App.Services.GetRequiredService<IdleCuller>();
        var idlePassword = await hub.AddUserAsync("cull-ida");
        var busyPassword = await hub.AddUserAsync("cull-bo");

        using var idle = hub.NewClient();
        await idle.LoginAsync("cull-ida", idlePassword);
        await ServerSteps.StartAndWaitAsync(idle, "cull-ida");

        using var busy = hub.NewClient();
        await busy.LoginAsync("cull-bo", busyPassword);
        await ServerSteps.StartAndWaitAsync(busy, "cull-bo");
        await busy.Http.GetAsync("/user/cull-bo/tree");
        var xsrf = busy.Cookies.GetCookies(new Uri(busy.Base, "/user/cull-bo/")).First(c => c.Name == "_xsrf").Value;
        using var start = new HttpRequestMessage(HttpMethod.Post, "/user/cull-bo/api/kernels") { Content = JsonContent.Create(new { name = "python3" }) };
        start.Headers.Add("X-XSRFToken", xsrf);
        var kernel = await (await busy.Http.SendAsync(start)).Content.ReadFromJsonAsync<JsonObject>();
        // Start a 120 s computation and walk away: the WebSocket closes, the cell keeps running.
        await ServerSteps.SendWithoutWaitingAsync(busy, "cull-bo", kernel!["id"]!.GetValue<string>(), "import time; time.sleep(120)");

        await Task.Delay(TimeSpan.FromSeconds(3)); // both now idle by activity
        var culled = await culler.CullOnceAsync(CancellationToken.None);

        var records = string.Join("; ", (await hub.Accounts.Store.ListLiveServersAsync()).Select(s => $"{s.UserName}: {s.State}, started {s.Started:O}, active {s.LastActivity:O}"));
        Assert.True(culled.SequenceEqual(["cull-ida/"]), $"culled [{string.Join(", ", culled)}] at {DateTimeOffset.UtcNow:O}; {records}\n{hub.Log}");
        Assert.Equal(State.ServerState.Stopped, (await hub.Accounts.Store.FindServerAsync("cull-ida", ""))!.State);
        Assert.Equal(State.ServerState.Running, (await hub.Accounts.Store.FindServerAsync("cull-bo", ""))!.State);
        Assert.Equal(HttpStatusCode.OK, (await busy.Http.GetAsync("/user/cull-bo/api/status")).StatusCode);
        // The computation's kernel is still there, untouched.
        var kernels = await busy.Http.GetFromJsonAsync<JsonArray>("/user/cull-bo/api/kernels");
        Assert.Equal(kernel["id"]!.GetValue<string>(), Assert.Single(kernels!)!["id"]!.GetValue<string>());
    }
}
