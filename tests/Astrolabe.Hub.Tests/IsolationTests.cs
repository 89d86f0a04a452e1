using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json.Nodes;

namespace Astrolabe.Hub.Tests;

/// <summary>One user never reaches another's server, kernel, files or tokens.</summary>
[Collection("servers")]
public sealed class IsolationTests
{
    [Fact]
    public async Task Another_user_gets_no_access_to_a_users_server_over_http_or_websocket()
    {
        await using var hub = await HubHost.StartAsync();
        await hub.AddUserAsync("iso-alice");
        var bobPassword = await hub.AddUserAsync("iso-bob");
        using var alice = await ApiClient.ForUserAsync(hub, "iso-alice");
        await alice.StartServerAndWaitAsync("iso-alice");
        // Alice's own token gets through (the proxy lets it by, the server checks it with the hub).
        Assert.Equal(HttpStatusCode.OK, (await alice.Http.GetAsync("/user/iso-alice/api/status")).StatusCode);
        var kernel = await (await alice.Http.PostAsJsonAsync("/user/iso-alice/api/kernels", new { name = "python3" })).Content.ReadFromJsonAsync<JsonObject>();
        var kernelId = kernel!["id"]!.GetValue<string>();

        using var bobBrowser = hub.NewClient(followRedirects: false);
        await bobBrowser.LoginAsync("iso-bob", bobPassword);
        var page = await bobBrowser.Http.GetAsync("/user/iso-alice/api/status");
        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        Assert.Contains("iso-alice", await page.Content.ReadAsStringAsync());

        using var bob = await ApiClient.ForUserAsync(hub, "iso-bob");
        Assert.Equal(HttpStatusCode.Forbidden, (await bob.Http.GetAsync("/user/iso-alice/api/contents")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await bob.Http.DeleteAsync($"/user/iso-alice/api/kernels/{kernelId}")).StatusCode);

        using var ws = new ClientWebSocket();
        ws.Options.Cookies = bobBrowser.Cookies;
        var refused = await Assert.ThrowsAsync<WebSocketException>(() =>
            ws.ConnectAsync(new Uri($"ws://{hub.Url.Authority}/user/iso-alice/api/kernels/{kernelId}/channels"), CancellationToken.None));
        Assert.Contains("403", refused.Message);

        // Anonymous visitors are sent to log in (pages) or refused (programs).
        using var anonymous = hub.NewClient(followRedirects: false);
        anonymous.Http.DefaultRequestHeaders.Accept.ParseAdd("text/html");
        var redirect = await anonymous.Http.GetAsync("/user/iso-alice/tree");
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.StartsWith("/hub/login", redirect.Headers.Location!.OriginalString);
    }

    [Theory]
    [InlineData("None", "Auto")]        // Unix accounts and file modes alone
    [InlineData("Bubblewrap", "Auto")]  // and the sandbox: other homes and the data root's files do not exist inside
    [InlineData("Bubblewrap", "Off")]   // the same, exec'd through bubblewrap instead of forked warm
    public async Task Another_users_server_process_cannot_read_a_users_home_or_the_data_root(string sandbox, string warmStart)
    {
        Assert.True(Environment.IsPrivilegedProcess, "Unix-account isolation needs the hub to run as root (as CI does).");
        await using var hub = await HubHost.StartAsync(new Dictionary<string, string?> { ["Hub:Sandbox"] = sandbox, ["Hub:WarmStart"] = warmStart });
        var hidden = sandbox == "None" ? "error: PermissionError" : "error: FileNotFoundError";
        var alicePassword = await hub.AddUserAsync("iso-carol");
        var bobPassword = await hub.AddUserAsync("iso-dave");
        using var alice = hub.NewClient();
        await alice.LoginAsync("iso-carol", alicePassword);
        await ServerSteps.StartAndWaitAsync(alice, "iso-carol");
        await alice.Http.GetAsync("/user/iso-carol/tree");
        Assert.Equal("'written'", await RunAsync(alice, "iso-carol", "open('secret.txt', 'w').write('carol only'); 'written'"));

        using var bob = hub.NewClient();
        await bob.LoginAsync("iso-dave", bobPassword);
        await ServerSteps.StartAndWaitAsync(bob, "iso-dave");
        await bob.Http.GetAsync("/user/iso-dave/tree");
        var secret = Path.Combine(hub.DataRoot, "users", "iso-carol", "secret.txt");
        Assert.StartsWith(hidden, await RunAsync(bob, "iso-dave", $"open({Py(secret)}).read()"));
        Assert.StartsWith("error: PermissionError", await RunAsync(bob, "iso-dave", $"import os; os.listdir({Py(Path.Combine(hub.DataRoot, "users"))})"));
        Assert.StartsWith("error: PermissionError", await RunAsync(bob, "iso-dave", $"import os; os.listdir({Py(hub.DataRoot)})"));
        Assert.StartsWith(hidden, await RunAsync(bob, "iso-dave", $"open({Py(Path.Combine(hub.DataRoot, "hub.db"))}, 'rb').read(1)"));
        // Bob's own home is his.
        Assert.Equal("'mine'", await RunAsync(bob, "iso-dave", "open('own.txt', 'w').write('mine'); open('own.txt').read()"));
    }

    private static string Py(string s) => "'" + s.Replace("\\", "\\\\").Replace("'", "\\'") + "'";

    private static async Task<string> RunAsync(Browserless browser, string user, string code)
    {
        return await ServerSteps.ExecuteAsync(browser, user, await ServerSteps.StartKernelAsync(browser, user), code);
    }
}
