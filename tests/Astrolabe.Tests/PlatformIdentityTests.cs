using System.Net;
using Astrolabe.Hub.Tests;

namespace Astrolabe.Tests;

/// <summary>Identity crosses services through ASP.NET Core authentication only: a hub token sent to the TAP service
/// (in the real `astrolabe serve` process) makes its async job belong to that user, and no one else may read it.</summary>
public sealed class PlatformIdentityTests
{
    [Fact]
    public async Task An_async_tap_job_made_with_a_hub_token_belongs_to_that_user_only()
    {
        using var scratch = new Cli.TempFolder();
        var root = scratch.Path;
        await using var serve = await ServeProcess.StartAsync(root, HubHost.FreePort(), "--Tap:DemoRows=1000");
        var ann = await UserTokenAsync(serve.Url, "tap-ann");
        var ben = await UserTokenAsync(serve.Url, "tap-ben");

        using var annClient = new ApiClient(serve.Url, ann);
        var created = await annClient.Http.PostAsync("/tap/async", new FormUrlEncodedContent(new Dictionary<string, string>
            { ["LANG"] = "ADQL", ["QUERY"] = "SELECT TOP 1 * FROM TAP_SCHEMA.tables" }));
        Assert.Equal(HttpStatusCode.SeeOther, created.StatusCode);
        var job = created.Headers.Location!.ToString();
        Assert.Equal("tap-ann", await annClient.Http.GetStringAsync(job.TrimEnd('/') + "/owner"));

        using var benClient = new ApiClient(serve.Url, ben);
        var refused = await benClient.Http.GetAsync(job);
        Assert.True(refused.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound, refused.StatusCode.ToString());
        var list = await benClient.Http.GetStringAsync("/tap/async");
        Assert.DoesNotContain(job.TrimEnd('/').Split('/')[^1], list);
        Assert.Equal(HttpStatusCode.OK, (await annClient.Http.GetAsync(job)).StatusCode);
    }

    private static async Task<string> UserTokenAsync(Uri hub, string user)
    {
        using var admin = new Browserless(hub, followRedirects: true);
        await admin.LoginAsync("admin", ServeProcess.AdminPassword);
        var page = await (await admin.SubmitAsync("/hub/admin", "/hub/admin/users", ("name", user))).Content.ReadAsStringAsync();
        var password = System.Text.RegularExpressions.Regex.Match(page, "id=\"new-password\">([^<]+)<").Groups[1].Value;
        using var browser = new Browserless(hub, followRedirects: true);
        await browser.LoginAsync(user, password);
        var tokens = await (await browser.SubmitAsync("/hub/token", "/hub/token", ("note", "tap"))).Content.ReadAsStringAsync();
        return System.Text.RegularExpressions.Regex.Match(tokens, "id=\"new-token\">([^<]+)<").Groups[1].Value;
    }
}
