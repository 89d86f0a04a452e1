using System.Net;
using System.Text.RegularExpressions;
using Dapper;

namespace Astrolabe.Hub.Tests;

/// <summary>The admin page over 10,000 users: search, sort and paging are right (their speed is measured in bench/hub).</summary>
public sealed partial class AdminPageTests
{
    [GeneratedRegex("<tr data-user=\"([^\"]+)\"")]
    private static partial Regex Row();

    private static List<string> Rows(string html) => Row().Matches(html).Select(m => m.Groups[1].Value).ToList();

    [Fact]
    public async Task Ten_thousand_users_are_searched_sorted_and_paged_by_the_database()
    {
        await using var hub = await HubHost.StartAsync();
        var password = await hub.AddUserAsync("boss", admin: true);
        await using (var db = await hub.Accounts.Store.Database.OpenAsync())
        await using (var tx = await db.BeginTransactionAsync())
        {
            var rows = Enumerable.Range(0, 10_000).Select(i => new { name = $"user{i:D5}", created = 1_700_000_000_000L + i, last = i % 3 == 0 ? (long?)(1_800_000_000_000L - i) : null });
            await db.ExecuteAsync("INSERT INTO users (name, admin, created, last_activity) VALUES (@name, 0, @created, @last)", rows, tx);
            await tx.CommitAsync();
        }
        using var browser = hub.NewClient();
        await browser.LoginAsync("boss", password);

        var first = await browser.Http.GetStringAsync("/hub/admin");
        Assert.Contains("10002 users · page 1 of 201", first); // 10,000 + admin + boss
        Assert.Equal(new[] { "admin", "boss" }.Concat(Enumerable.Range(0, 48).Select(i => $"user{i:D5}")), Rows(first));

        var last = await browser.Http.GetStringAsync("/hub/admin?page=201");
        Assert.Equal(Enumerable.Range(9998, 2).Select(i => $"user{i:D5}"), Rows(last));

        var descending = await browser.Http.GetStringAsync("/hub/admin?sort=name&order=desc");
        Assert.Equal("user09999", Rows(descending)[0]);

        var recent = await browser.Http.GetStringAsync("/hub/admin?sort=last_activity&order=desc");
        Assert.Equal(new[] { "user00000", "user00003", "user00006" }, Rows(recent).Take(3)); // latest activity first, never-active last

        var search = await browser.Http.GetStringAsync("/hub/admin?q=user0424");
        Assert.Equal(Enumerable.Range(4240, 10).Select(i => $"user{i:D5}"), Rows(search));
        Assert.Contains("10 users", search);
        var wildcard = await browser.Http.GetStringAsync("/hub/admin?q=%25"); // a literal '%' matches nothing
        Assert.Empty(Rows(wildcard));
    }

    [Fact]
    public async Task Administrators_add_and_disable_users_and_others_are_refused()
    {
        await using var hub = await HubHost.StartAsync();
        var bossPassword = await hub.AddUserAsync("boss", admin: true);
        var plainPassword = await hub.AddUserAsync("plain");
        using var plain = hub.NewClient();
        await plain.LoginAsync("plain", plainPassword);
        Assert.Equal(HttpStatusCode.Forbidden, (await plain.Http.GetAsync("/hub/admin")).StatusCode);
        Assert.DoesNotContain("/hub/admin", await plain.Http.GetStringAsync("/hub/home"));

        using var boss = hub.NewClient();
        await boss.LoginAsync("boss", bossPassword);
        var added = await (await boss.SubmitAsync("/hub/admin", "/hub/admin/users", ("name", "newbie"))).Content.ReadAsStringAsync();
        var newPassword = Regex.Match(added, "id=\"new-password\">([^<]+)<").Groups[1].Value;
        Assert.Equal(20, newPassword.Length);
        var refused = await (await boss.SubmitAsync("/hub/admin", "/hub/admin/users", ("name", "Bad Name"))).Content.ReadAsStringAsync();
        Assert.Contains("must start with a lower-case letter", refused);

        // Disabling ends the user's session at once.
        var disabled = await boss.SubmitAsync("/hub/admin", "/hub/admin/users/plain/disable");
        Assert.Contains("Disabled", await disabled.Content.ReadAsStringAsync());
        using var check = hub.NewClient(followRedirects: false);
        foreach (System.Net.Cookie c in plain.Cookies.GetAllCookies()) check.Cookies.Add(c);
        Assert.Equal(HttpStatusCode.Redirect, (await check.Http.GetAsync("/hub/home")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await plain.LoginAsync("plain", plainPassword)).StatusCode);
    }
}
