using System.Net;
using Astrolabe.Hub.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Astrolabe.Hub.Tests;

/// <summary>Accounts for a class: made in a batch with an expiry; at expiry disabled, servers stopped, homes wiped.</summary>
public sealed class TemporaryAccountTests
{
    [Fact]
    public async Task An_admin_makes_a_batch_downloads_the_passwords_and_exports_the_list()
    {
        await using var hub = await HubHost.StartAsync();
        var bossPassword = await hub.AddUserAsync("boss", admin: true);
        using var boss = hub.NewClient();
        await boss.LoginAsync("boss", bossPassword);
        var day = DateTime.UtcNow.AddDays(7).ToString("yyyy-MM-dd");
        var response = await boss.SubmitAsync("/hub/admin", "/hub/admin/temporary", ("prefix", "class"), ("count", "3"), ("expires", day));
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("name,password,expires", lines[0]);
        Assert.Equal(new[] { "class01", "class02", "class03" }, lines.Skip(1).Select(l => l.Split(',')[0]));

        var student = lines[2].Split(',');
        using var browser = hub.NewClient();
        var login = await browser.LoginAsync(student[0], student[1]);
        Assert.EndsWith("/hub/home", login.RequestMessage!.RequestUri!.AbsolutePath);

        var export = await boss.Http.GetStringAsync("/hub/admin/temporary.csv?prefix=class");
        Assert.Equal(4, export.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.DoesNotContain(student[1], export); // passwords are never exported again
        var endOfDay = DateTime.UtcNow.AddDays(8).ToString("yyyy-MM-dd"); // accounts last through the whole expiry day
        Assert.Contains($"class02,{endOfDay}T00:00:00.000000Z,active", export);
    }

    [Theory]
    [InlineData("class", "0", "count must be between")]
    [InlineData("Class", "3", "lower-case letter")]
    [InlineData("class", "3", "not in the future", -2)]
    [InlineData("class", "many", "whole number")]
    public async Task Bad_batches_are_refused_with_the_reason(string prefix, string count, string reason, int days = 7)
    {
        await using var hub = await HubHost.StartAsync();
        var bossPassword = await hub.AddUserAsync("boss", admin: true);
        using var boss = hub.NewClient();
        await boss.LoginAsync("boss", bossPassword);
        var response = await boss.SubmitAsync("/hub/admin", "/hub/admin/temporary",
            ("prefix", prefix), ("count", count), ("expires", DateTime.UtcNow.AddDays(days).ToString("yyyy-MM-dd")));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
        Assert.Equal(2, await hub.Accounts.Store.CountUsersAsync()); // admin and boss only
    }

    [Fact]
    public async Task At_expiry_accounts_are_disabled_their_servers_stopped_and_their_homes_wiped_and_others_are_untouched()
    {
        await using var hub = await HubHost.StartAsync();
        var temporary = hub.App.Services.GetRequiredService<TemporaryAccounts>();
        var expires = DateTimeOffset.UtcNow.AddSeconds(2);
        var csv = await temporary.CreateAsync("tut", 2, expires, CancellationToken.None);
        var first = csv.Split('\n')[1].Split(',');
        var keeperPassword = await hub.AddUserAsync("keeper");
        foreach (var user in new[] { "tut01", "keeper" })
        {
            Directory.CreateDirectory(Path.Combine(hub.DataRoot, "users", user));
            await File.WriteAllTextAsync(Path.Combine(hub.DataRoot, "users", user, "work.txt"), "results");
        }
        Assert.Empty(await temporary.ExpireAsync(CancellationToken.None)); // not yet

        // tut01 runs its default server and a named one; both must go, not only the default.
        var tut01 = (await hub.Accounts.Store.FindUserAsync("tut01"))!;
        foreach (var server in new[] { "", "analysis" }) Assert.True(await hub.Sessions.StartAsync(tut01, server, null, CancellationToken.None));
        var spawner = hub.App.Services.GetRequiredService<Sessions.ISpawner>();
        var states = new List<string>();
        foreach (var server in new[] { "", "analysis" })
        {
            State.ServerRecord? record = null;
            for (var i = 0; i < 1200 && (record = await hub.Accounts.Store.FindServerAsync("tut01", server))!.State != State.ServerState.Running; i++)
                await Task.Delay(50);
            Assert.Equal(State.ServerState.Running, record!.State);
            states.Add(record.SpawnerState!);
        }

        if (expires - DateTimeOffset.UtcNow is { Ticks: > 0 } left) await Task.Delay(left + TimeSpan.FromMilliseconds(500));
        Assert.Equal(new[] { "tut01", "tut02" }, await temporary.ExpireAsync(CancellationToken.None));
        foreach (var server in new[] { "", "analysis" })
            Assert.Equal(State.ServerState.Stopped, (await hub.Accounts.Store.FindServerAsync("tut01", server))!.State);
        foreach (var state in states) Assert.False(await spawner.IsAliveAsync(state, CancellationToken.None));
        Assert.False(Directory.Exists(Path.Combine(hub.DataRoot, "users", "tut01")));
        Assert.True(File.Exists(Path.Combine(hub.DataRoot, "users", "keeper", "work.txt")));
        Assert.True((await hub.Accounts.Store.FindUserAsync("tut01"))!.Disabled);
        using var browser = hub.NewClient();
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.LoginAsync(first[0], first[1])).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await hub.NewClient().LoginAsync("keeper", keeperPassword)).StatusCode);
        Assert.Empty(await temporary.ExpireAsync(CancellationToken.None)); // done once
    }
}
