using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Astrolabe.Hub.Tests;

/// <summary>Calls the hub API with a token, as programs (and jupyterhub tools) do.</summary>
public sealed class ApiClient : IDisposable
{
    public HttpClient Http { get; }

    public ApiClient(Uri hub, string token, string scheme = "token")
    {
        Http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseProxy = false, UseCookies = false })
            { BaseAddress = hub, Timeout = TimeSpan.FromSeconds(60) };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(scheme, token);
    }

    /// <summary>Creates a token for a user straight through the model (as the tokens page would).</summary>
    public static async Task<ApiClient> ForUserAsync(HubHost hub, string user, TimeSpan? expiresIn = null)
    {
        var record = (await hub.Accounts.Store.FindUserAsync(user))!;
        var (token, _) = await hub.Accounts.CreateTokenAsync(record, null, "test", expiresIn);
        return new ApiClient(hub.Url, token);
    }

    public async Task StartServerAndWaitAsync(string user)
    {
        var start = await Http.PostAsync($"/hub/api/users/{user}/server", null);
        Assert.True((int)start.StatusCode is 201 or 202, await start.Content.ReadAsStringAsync());
        for (var i = 0; i < 1200; i++)
        {
            var model = await Http.GetFromJsonAsync<JsonObject>($"/hub/api/users/{user}");
            var server = model!["servers"]!.AsObject()[""];
            if (server?["ready"]?.GetValue<bool>() == true) return;
            if (server is null && model["pending"] is null) Assert.Fail($"server of {user} stopped while starting");
            await Task.Delay(50);
        }
        Assert.Fail($"server of {user} did not become ready");
    }

    public void Dispose() => Http.Dispose();
}
