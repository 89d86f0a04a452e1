using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Astrolabe.Hub.Tests;

/// <summary>The test of record for the hub: the real Debian `jupyterhub-singleuser` started by our hub, reached
/// through our proxy, signed in through our OAuth endpoints, running a real kernel.</summary>
[Collection("servers")]
public sealed class NotebookServerEndToEndTests
{
    [Fact]
    public async Task A_user_logs_in_starts_a_server_runs_code_and_finds_the_notebook_after_a_restart()
    {
        await using var hub = await HubHost.StartAsync();
        var password = await hub.AddUserAsync("nova");
        using var browser = hub.NewClient();

        var login = await browser.LoginAsync("nova", password);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.EndsWith("/hub/home", login.RequestMessage!.RequestUri!.AbsolutePath);

        await ServerSteps.StartAndWaitAsync(browser, "nova");

        // Opening the server runs the OAuth chain: /user/nova/ → /hub/api/oauth2/authorize → /user/nova/oauth_callback → the UI.
        var tree = await browser.Http.GetAsync("/user/nova/tree");
        Assert.Equal(HttpStatusCode.OK, tree.StatusCode);
        Assert.Equal("/user/nova/tree", tree.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("jupyterhub-user-nova", string.Join(";", browser.Cookies.GetAllCookies().Select(c => c.Name)));

        var status = await browser.Http.GetFromJsonAsync<JsonObject>("/user/nova/api/status");
        Assert.NotNull(status!["started"]);

        // Create a notebook through the contents API, as the page does (cookie + XSRF header).
        var xsrf = browser.Cookies.GetCookies(new Uri(browser.Base, "/user/nova/")).First(c => c.Name == "_xsrf").Value;
        var notebook = new JsonObject
        {
            ["type"] = "notebook", ["format"] = "json",
            ["content"] = new JsonObject
            {
                ["nbformat"] = 4, ["nbformat_minor"] = 5, ["metadata"] = new JsonObject(),
                ["cells"] = new JsonArray(new JsonObject
                {
                    ["cell_type"] = "code", ["id"] = "c1", ["source"] = "1+1", ["metadata"] = new JsonObject(),
                    ["outputs"] = new JsonArray(), ["execution_count"] = null,
                }),
            },
        };
        using (var put = new HttpRequestMessage(HttpMethod.Put, "/user/nova/api/contents/saved.ipynb") { Content = JsonContent.Create(notebook) })
        {
            put.Headers.Add("X-XSRFToken", xsrf);
            var created = await browser.Http.SendAsync(put);
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        }
        Assert.True(File.Exists(Path.Combine(hub.DataRoot, "users", "nova", "saved.ipynb")));

        // Run 1+1 on a kernel over its WebSocket, through the proxy.
        using (var startKernel = new HttpRequestMessage(HttpMethod.Post, "/user/nova/api/kernels") { Content = JsonContent.Create(new { name = "python3" }) })
        {
            startKernel.Headers.Add("X-XSRFToken", xsrf);
            var kernel = await (await browser.Http.SendAsync(startKernel)).Content.ReadFromJsonAsync<JsonObject>();
            var result = await ServerSteps.ExecuteAsync(browser, "nova", kernel!["id"]!.GetValue<string>(), "1+1");
            Assert.Equal("2", result);
        }

        // Stop, start again: the notebook is where it was left.
        var stop = await browser.SubmitAsync("/hub/home", "/hub/stop");
        Assert.Contains("Your server is not running", await stop.Content.ReadAsStringAsync());
        var stopped = await browser.Http.GetAsync("/user/nova/api/status");
        Assert.NotEqual(HttpStatusCode.OK, stopped.StatusCode);

        await ServerSteps.StartAndWaitAsync(browser, "nova");
        await browser.Http.GetAsync("/user/nova/tree"); // new server, new OAuth sign-in
        var reopened = await browser.Http.GetFromJsonAsync<JsonObject>("/user/nova/api/contents/saved.ipynb");
        Assert.Equal("1+1", reopened!["content"]!["cells"]![0]!["source"]!.GetValue<string>());
    }
}
