using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Astrolabe.Hub.Tests;

/// <summary>Passwords, cookies, tokens and forms: what is refused and how.</summary>
public sealed class AuthenticationTests
{
    [Fact]
    public async Task A_bad_password_is_refused_and_repeated_failures_lock_the_login()
    {
        await using var hub = await HubHost.StartAsync(new Dictionary<string, string?> { ["Hub:LoginFailuresBeforeLockout"] = "3" });
        var password = await hub.AddUserAsync("auth-erin");
        using var browser = hub.NewClient();
        var wrong = await browser.LoginAsync("auth-erin", "not-the-password");
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        Assert.Contains("Wrong user name or password", await wrong.Content.ReadAsStringAsync());
        Assert.DoesNotContain(browser.Cookies.GetAllCookies(), c => c.Name == "astrolabe-session");
        await browser.LoginAsync("auth-erin", "still-wrong");
        await browser.LoginAsync("auth-erin", "wrong-again");
        var locked = await browser.LoginAsync("auth-erin", password); // right password, but locked now
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        Assert.Contains("Too many failed attempts", await locked.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_user_changes_their_password_which_signs_out_their_other_sessions_but_not_this_one()
    {
        await using var hub = await HubHost.StartAsync(new Dictionary<string, string?> { ["Hub:LoginFailuresBeforeLockout"] = "3" });
        var password = await hub.AddUserAsync("auth-pat");
        using var here = hub.NewClient();
        using var elsewhere = hub.NewClient(followRedirects: false);
        await here.LoginAsync("auth-pat", password);
        await elsewhere.LoginAsync("auth-pat", password);
        Assert.Contains("href=\"/hub/password\"", await here.Http.GetStringAsync("/hub/home"));

        async Task<(HttpStatusCode Status, string Page)> Change(string current, string replacement, string confirm)
        {
            var response = await here.SubmitAsync("/hub/password", "/hub/password", ("current", current), ("new", replacement), ("confirm", confirm));
            return (response.StatusCode, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
        }
        foreach (var (current, replacement, confirm, expected, why) in new[]
                 {
                     (password, "a-new-password", "a-new-passw0rd", HttpStatusCode.BadRequest, "The two new passwords differ"),
                     (password, "short", "short", HttpStatusCode.BadRequest, "at least 8 characters"),
                     ("not-my-password", "a-new-password", "a-new-password", HttpStatusCode.Forbidden, "current password is wrong"),
                 })
        {
            var (refused, explained) = await Change(current, replacement, confirm);
            Assert.Equal(expected, refused);
            Assert.Contains(why, explained);
        }
        Assert.Equal(HttpStatusCode.OK, (await elsewhere.Http.GetAsync("/hub/home")).StatusCode); // a refused change signs nobody out

        var (status, page) = await Change(password, "a-new-password", "a-new-password");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Your password is changed", page);
        Assert.Equal(HttpStatusCode.OK, (await here.Http.GetAsync("/hub/home")).StatusCode); // still signed in here
        Assert.Equal(HttpStatusCode.Redirect, (await elsewhere.Http.GetAsync("/hub/home")).StatusCode); // signed out there
        using var next = hub.NewClient();
        Assert.Equal(HttpStatusCode.Forbidden, (await next.LoginAsync("auth-pat", password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await next.LoginAsync("auth-pat", "a-new-password")).StatusCode);

        // Guessing the current password through this form is throttled like logins: after three wrong guesses even the
        // right one is refused for a while.
        foreach (var guess in new[] { "guess-one", "guess-two", "guess-three" })
            Assert.Equal(HttpStatusCode.Forbidden, (await Change(guess, "another-password", "another-password")).Status);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await Change("a-new-password", "another-password", "another-password")).Status);
    }

    [Fact]
    public async Task The_session_cookie_is_HttpOnly_and_Secure_when_configured()
    {
        await using var hub = await HubHost.StartAsync(new Dictionary<string, string?> { ["Hub:SecureCookies"] = "Always" });
        var password = await hub.AddUserAsync("auth-fay");
        // Carry the antiforgery cookie by hand: a client would not send a Secure session cookie back over plain HTTP.
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = hub.Url };
        var page = await http.GetAsync("/hub/login");
        var xsrfCookie = page.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("astrolabe-xsrf=", StringComparison.Ordinal));
        using var post = new HttpRequestMessage(HttpMethod.Post, "/hub/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
                { ["_xsrf"] = Browserless.Xsrf(await page.Content.ReadAsStringAsync()), ["username"] = "auth-fay", ["password"] = password }),
        };
        post.Headers.Add("Cookie", xsrfCookie.Split(';')[0]);
        var response = await http.SendAsync(post);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("astrolabe-session=", StringComparison.Ordinal)).ToLowerInvariant();
        Assert.Contains("httponly", cookie);
        Assert.Contains("secure", cookie);
        Assert.Contains("samesite=lax", cookie);
    }

    [Fact]
    public async Task A_forged_session_cookie_is_refused()
    {
        await using var hub = await HubHost.StartAsync();
        using var browser = hub.NewClient(followRedirects: false);
        browser.Cookies.Add(hub.Url, new Cookie("astrolabe-session", "forged-" + Guid.NewGuid().ToString("N")));
        var home = await browser.Http.GetAsync("/hub/home");
        Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
        Assert.StartsWith("/hub/login", home.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.Http.GetAsync("/hub/api/user")).StatusCode);
    }

    [Fact]
    public async Task Logging_out_ends_the_session()
    {
        await using var hub = await HubHost.StartAsync();
        var password = await hub.AddUserAsync("auth-gil");
        using var browser = hub.NewClient();
        await browser.LoginAsync("auth-gil", password);
        var session = browser.Cookies.GetAllCookies().Single(c => c.Name == "astrolabe-session").Value;
        await browser.SubmitAsync("/hub/home", "/hub/logout");
        using var replay = hub.NewClient(followRedirects: false);
        replay.Cookies.Add(hub.Url, new Cookie("astrolabe-session", session));
        Assert.Equal(HttpStatusCode.Redirect, (await replay.Http.GetAsync("/hub/home")).StatusCode);
    }

    [Fact]
    public async Task Unknown_tokens_get_403_on_hub_api_user_and_both_header_forms_work()
    {
        await using var hub = await HubHost.StartAsync();
        await hub.AddUserAsync("auth-hal");
        using var unknown = new ApiClient(hub.Url, "no-such-token-0123456789");
        var refused = await unknown.Http.GetAsync("/hub/api/user");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var error = await refused.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(403, error!["status"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(error["message"]!.GetValue<string>()));

        var record = (await hub.Accounts.Store.FindUserAsync("auth-hal"))!;
        var (token, _) = await hub.Accounts.CreateTokenAsync(record, null, "", null);
        foreach (var scheme in new[] { "token", "Bearer", "bearer", "TOKEN" })
        {
            using var client = new ApiClient(hub.Url, token, scheme);
            var me = await client.Http.GetFromJsonAsync<JsonObject>("/hub/api/user");
            Assert.Equal("auth-hal", me!["name"]!.GetValue<string>());
            Assert.Contains("access:servers!user=auth-hal", me["scopes"]!.AsArray().Select(s => s!.GetValue<string>()));
        }
    }

    [Fact]
    public async Task Expired_and_revoked_tokens_are_refused()
    {
        await using var hub = await HubHost.StartAsync();
        await hub.AddUserAsync("auth-ida");
        using var owner = await ApiClient.ForUserAsync(hub, "auth-ida");

        var shortLived = await (await owner.Http.PostAsJsonAsync("/hub/api/users/auth-ida/tokens", new { note = "brief", expires_in = 1 }))
            .Content.ReadFromJsonAsync<JsonObject>();
        using var brief = new ApiClient(hub.Url, shortLived!["token"]!.GetValue<string>());
        await Task.Delay(1500);
        Assert.Equal(HttpStatusCode.Forbidden, (await brief.Http.GetAsync("/hub/api/user")).StatusCode);

        var created = await (await owner.Http.PostAsJsonAsync("/hub/api/users/auth-ida/tokens", new { note = "to revoke" }))
            .Content.ReadFromJsonAsync<JsonObject>();
        using var revocable = new ApiClient(hub.Url, created!["token"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await revocable.Http.GetAsync("/hub/api/user")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await owner.Http.DeleteAsync($"/hub/api/users/auth-ida/tokens/{created["id"]}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await revocable.Http.GetAsync("/hub/api/user")).StatusCode);
    }

    [Fact]
    public async Task Tokens_are_created_and_revoked_on_the_tokens_page_and_never_stored_in_clear()
    {
        await using var hub = await HubHost.StartAsync();
        var password = await hub.AddUserAsync("auth-jo");
        using var browser = hub.NewClient();
        await browser.LoginAsync("auth-jo", password);
        var page = await (await browser.SubmitAsync("/hub/token", "/hub/token", ("note", "laptop"), ("expires_days", "30"))).Content.ReadAsStringAsync();
        var token = System.Text.RegularExpressions.Regex.Match(page, "id=\"new-token\">([^<]+)<").Groups[1].Value;
        Assert.NotEmpty(token);
        using (var client = new ApiClient(hub.Url, token))
            Assert.Equal("auth-jo", (await client.Http.GetFromJsonAsync<JsonObject>("/hub/api/user"))!["name"]!.GetValue<string>());
        var stored = await hub.Accounts.Store.ListTokensAsync("auth-jo");
        var laptop = Assert.Single(stored, t => t.Note == "laptop");
        Assert.NotNull(laptop.Expires);
        // The database holds only a hash: the secret appears nowhere in it.
        var bytes = await File.ReadAllBytesAsync(Path.Combine(hub.DataRoot, "hub.db"));
        var wal = Path.Combine(hub.DataRoot, "hub.db-wal");
        var all = bytes.Concat(File.Exists(wal) ? await File.ReadAllBytesAsync(wal) : []).ToArray();
        Assert.Equal(-1, all.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(token)));

        var revoked = await browser.SubmitAsync("/hub/token", "/hub/token/revoke", ("id", laptop.Id.ToString()));
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        using var after = new ApiClient(hub.Url, token);
        Assert.Equal(HttpStatusCode.Forbidden, (await after.Http.GetAsync("/hub/api/user")).StatusCode);
    }

    [Theory]
    [InlineData("/hub/login")]
    [InlineData("/hub/spawn")]
    [InlineData("/hub/stop")]
    [InlineData("/hub/token")]
    [InlineData("/hub/logout")]
    [InlineData("/hub/password")]
    public async Task A_form_without_its_antiforgery_token_is_refused(string action)
    {
        await using var hub = await HubHost.StartAsync();
        var password = await hub.AddUserAsync("auth-kim");
        using var browser = hub.NewClient(followRedirects: false);
        await browser.LoginAsync("auth-kim", password);
        var response = await browser.Http.PostAsync(action, new FormUrlEncodedContent(new Dictionary<string, string>
            { ["username"] = "auth-kim", ["password"] = password, ["note"] = "x" }));
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode == HttpStatusCode.Redirect)
            Assert.Contains("error=", response.Headers.Location!.OriginalString); // spawn/stop report it on the home page
        else
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("did not come from this site", body);
        }
        var server = await hub.Accounts.Store.FindServerAsync("auth-kim", "");
        Assert.True(server is null || server.State == State.ServerState.Stopped, "nothing was started");
        Assert.Empty(await hub.Accounts.Store.ListTokensAsync("auth-kim"));
    }

    [Fact]
    public async Task A_user_cannot_read_create_or_revoke_another_users_tokens()
    {
        await using var hub = await HubHost.StartAsync();
        await hub.AddUserAsync("auth-lee");
        await hub.AddUserAsync("auth-max");
        using var lee = await ApiClient.ForUserAsync(hub, "auth-lee");
        using var max = await ApiClient.ForUserAsync(hub, "auth-max");
        var leeTokens = await hub.Accounts.Store.ListTokensAsync("auth-lee");
        Assert.Equal(HttpStatusCode.Forbidden, (await max.Http.GetAsync("/hub/api/users/auth-lee/tokens")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await max.Http.PostAsJsonAsync("/hub/api/users/auth-lee/tokens", new { note = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await max.Http.DeleteAsync($"/hub/api/users/auth-lee/tokens/{leeTokens[0].Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await max.Http.GetAsync("/hub/api/users")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await max.Http.PostAsync("/hub/api/users/auth-lee/server", null)).StatusCode);
        Assert.Equal(leeTokens.Count, (await hub.Accounts.Store.ListTokensAsync("auth-lee")).Count);
        // A user cannot mint a token with more power than they have.
        var escalate = await max.Http.PostAsJsonAsync("/hub/api/users/auth-max/tokens", new { scopes = new[] { "admin:users" } });
        Assert.Equal(HttpStatusCode.Forbidden, escalate.StatusCode);
        Assert.Contains("admin:users", await escalate.Content.ReadAsStringAsync());
        Assert.DoesNotContain(await hub.Accounts.Store.ListTokensAsync("auth-max"), t => t.Scopes.Contains("admin:users"));
    }

    [Fact]
    public async Task The_browser_cookie_cannot_change_things_through_the_api()
    {
        await using var hub = await HubHost.StartAsync();
        var password = await hub.AddUserAsync("auth-ned");
        using var browser = hub.NewClient();
        await browser.LoginAsync("auth-ned", password);
        Assert.Equal(HttpStatusCode.OK, (await browser.Http.GetAsync("/hub/api/user")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.Http.PostAsJsonAsync("/hub/api/users/auth-ned/tokens", new { note = "csrf" })).StatusCode);
        Assert.Empty(await hub.Accounts.Store.ListTokensAsync("auth-ned"));
    }
}
