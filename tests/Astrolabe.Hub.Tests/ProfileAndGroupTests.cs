using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Astrolabe.Hub.Sessions;
using Astrolabe.Hub.State;
using Microsoft.Extensions.DependencyInjection;

namespace Astrolabe.Hub.Tests;

/// <summary>Operators define server profiles and which groups may use each; admins manage groups through the API;
/// a user picks a profile when starting and the server really gets that profile's limits.</summary>
[Collection("servers")]
public sealed class ProfileAndGroupTests
{
    private static Dictionary<string, string?> TwoProfiles() => new()
    {
        ["Hub:Profiles:0:Name"] = "small",
        ["Hub:Profiles:0:DisplayName"] = "Small",
        ["Hub:Profiles:0:MemoryLimitMiB"] = "512",
        ["Hub:Profiles:0:CpuLimit"] = "1",
        ["Hub:Profiles:1:Name"] = "large",
        ["Hub:Profiles:1:DisplayName"] = "Large",
        ["Hub:Profiles:1:MemoryLimitMiB"] = "1536",
        ["Hub:Profiles:1:CpuLimit"] = "2",
        ["Hub:Profiles:1:Groups:0"] = "alma-team",
    };

    [Fact]
    public void Profiles_open_to_groups_are_chosen_by_name_with_clear_refusals()
    {
        var profiles = new Profiles(new HubOptions
        {
            MemoryLimitMiB = 4096,
            Profiles = [new ProfileOptions { Name = "small", MemoryLimitMiB = 512 }, new ProfileOptions { Name = "large", CpuLimit = 4, Groups = ["alma-team"] }],
        });
        Assert.Equal("small", profiles.Choose(null, "ann", false, []).Name);
        Assert.Equal(4096, profiles.Choose("large", "ann", false, ["alma-team"]).MemoryLimitMiB); // unset limit: the hub-wide one
        Assert.Equal("large", profiles.Choose("large", "root-ann", true, []).Name); // administrators may use every profile
        var refused = Assert.Throws<ProfileException>(() => profiles.Choose("large", "ann", false, ["other"]));
        Assert.Equal(403, refused.Status);
        Assert.Contains("alma-team", refused.Message);
        Assert.Contains("Profiles you may use: small", refused.Message);
        var unknown = Assert.Throws<ProfileException>(() => profiles.Choose("huge", "ann", false, []));
        Assert.Equal(400, unknown.Status);
        Assert.Contains("no server profile 'huge'", unknown.Message);
        var closed = new Profiles(new HubOptions { Profiles = [new ProfileOptions { Name = "gpu", Groups = ["gpu-users"] }] });
        Assert.Equal(403, Assert.Throws<ProfileException>(() => closed.Choose(null, "ann", false, [])).Status);
        Assert.Equal("default", Assert.Single(new Profiles(new HubOptions()).All).Name);
    }

    [Fact]
    public void Bad_profile_settings_are_named()
    {
        var errors = string.Join("\n", new HubOptions
        {
            Profiles =
            [
                new ProfileOptions { Name = "Big One" },
                new ProfileOptions { Name = "ok", MemoryLimitMiB = 10, CpuLimit = -1, Image = "localhost/x:1", ArchivePath = "/no/such/folder", Groups = ["bad group"] },
                new ProfileOptions { Name = "ok" },
            ],
        }.Validate());
        Assert.Contains("Hub:Profiles:0:Name 'Big One'", errors);
        Assert.Contains("Hub:Profiles:1:MemoryLimitMiB", errors);
        Assert.Contains("Hub:Profiles:1:CpuLimit", errors);
        Assert.Contains("Hub:Profiles:1:Image is set, but images need Hub:Spawner 'docker'", errors);
        Assert.Contains("Hub:Profiles:1:ArchivePath '/no/such/folder'", errors);
        Assert.Contains("Hub:Profiles:1:Groups: group name 'bad group'", errors);
        Assert.Contains("Hub:Profiles:2:Name 'ok' is used by an earlier profile", errors);
    }

    [Fact]
    public async Task Admins_manage_groups_through_the_jupyterhub_api_and_others_cannot()
    {
        await using var hub = await HubHost.StartAsync();
        await hub.AddUserAsync("grp-admin", admin: true);
        await hub.AddUserAsync("grp-ann");
        await hub.AddUserAsync("grp-bob");
        using var admin = await ApiClient.ForUserAsync(hub, "grp-admin");
        using var ann = await ApiClient.ForUserAsync(hub, "grp-ann");

        Assert.Equal(HttpStatusCode.Forbidden, (await ann.Http.PostAsync("/hub/api/groups/alma-team", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ann.Http.GetAsync("/hub/api/groups")).StatusCode);

        var created = await admin.Http.PostAsJsonAsync("/hub/api/groups/alma-team", new { users = new[] { "grp-ann" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.Http.PostAsync("/hub/api/groups/alma-team", null)).StatusCode);
        var badName = await admin.Http.PostAsync("/hub/api/groups/has%20space", null);
        Assert.Equal(HttpStatusCode.BadRequest, badName.StatusCode);
        Assert.Contains("group name", await badName.Content.ReadAsStringAsync());

        // Adding a user who does not exist adds nobody, and says who was missing.
        var partly = await Send(admin, HttpMethod.Post, "/hub/api/groups/alma-team/users", new { users = new[] { "grp-bob", "grp-nobody" } });
        Assert.Equal(HttpStatusCode.BadRequest, partly.StatusCode);
        Assert.Contains("grp-nobody", await partly.Content.ReadAsStringAsync());
        var added = await Send(admin, HttpMethod.Post, "/hub/api/groups/alma-team/users", new { users = new[] { "grp-bob" } });
        Assert.Equal(new[] { "grp-ann", "grp-bob" }, (await added.Content.ReadFromJsonAsync<JsonObject>())!["users"]!.AsArray().Select(u => u!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(ann, HttpMethod.Post, "/hub/api/groups/alma-team/users", new { users = new[] { "grp-ann" } })).StatusCode);

        var user = await ann.Http.GetFromJsonAsync<JsonObject>("/hub/api/user");
        Assert.Equal("alma-team", Assert.Single(user!["groups"]!.AsArray())!.GetValue<string>());
        var list = await admin.Http.GetFromJsonAsync<JsonArray>("/hub/api/groups");
        var group = Assert.Single(list!)!;
        Assert.Equal(("group", "alma-team", 2), (group["kind"]!.GetValue<string>(), group["name"]!.GetValue<string>(), group["users"]!.AsArray().Count));

        var removed = await Send(admin, HttpMethod.Delete, "/hub/api/groups/alma-team/users", new { users = new[] { "grp-ann" } });
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        Assert.Empty((await ann.Http.GetFromJsonAsync<JsonObject>("/hub/api/users/grp-ann"))!["groups"]!.AsArray());
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.DeleteAsync("/hub/api/groups/alma-team")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Http.GetAsync("/hub/api/groups/alma-team")).StatusCode);
        Assert.NotNull(await hub.Accounts.Store.FindUserAsync("grp-bob")); // members outlive their group
    }

    [Fact]
    public async Task A_member_starts_the_large_profile_and_the_kernel_enforces_its_limit_while_others_are_refused()
    {
        Assert.True(Environment.IsPrivilegedProcess, "Control-group limits need root (as CI has).");
        await using var hub = await HubHost.StartAsync(TwoProfiles());
        await hub.AddUserAsync("prof-admin", admin: true);
        var password = await hub.AddUserAsync("prof-ann");
        await hub.AddUserAsync("prof-bob");
        using var admin = await ApiClient.ForUserAsync(hub, "prof-admin");
        Assert.Equal(HttpStatusCode.Created, (await admin.Http.PostAsJsonAsync("/hub/api/groups/alma-team", new { users = new[] { "prof-ann" } })).StatusCode);

        // Not in the group: refused with the reason and the profiles open to them; nothing starts.
        using var bob = await ApiClient.ForUserAsync(hub, "prof-bob");
        var refused = await bob.Http.PostAsJsonAsync("/hub/api/users/prof-bob/server", new { profile = "large" });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("Profiles you may use: small", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await bob.Http.PostAsJsonAsync("/hub/api/users/prof-bob/server", new { profile = "huge" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await bob.Http.PostAsJsonAsync("/hub/api/users/prof-bob/server", new { size = "large" })).StatusCode);
        Assert.Null(await hub.Accounts.Store.FindServerAsync("prof-bob", "") is { State: not ServerState.Stopped } s ? s : null);

        // The member sees both profiles on the home page and starts the large one through the form.
        using var browser = hub.NewClient();
        await browser.LoginAsync("prof-ann", password);
        var home = await browser.Http.GetStringAsync("/hub/home");
        Assert.Contains("value=\"large\"", home);
        Assert.Contains("1536 MiB memory", home);
        var spawn = await browser.SubmitAsync("/hub/home", "/hub/spawn", ("profile", "large"));
        Assert.Equal(HttpStatusCode.OK, spawn.StatusCode);
        using var ann = await ApiClient.ForUserAsync(hub, "prof-ann");
        JsonObject? server = null;
        for (var i = 0; i < 1200; i++)
        {
            server = (await ann.Http.GetFromJsonAsync<JsonObject>("/hub/api/users/prof-ann"))!["servers"]!.AsObject()[""]?.AsObject();
            if (server?["ready"]?.GetValue<bool>() == true) break;
            await Task.Delay(50);
        }
        Assert.True(server?["ready"]?.GetValue<bool>(), "the large server became ready");
        Assert.Equal("large", server!["user_options"]!["profile"]!.GetValue<string>());

        // The kernel's own numbers for the server's control group, read from outside: 1536 MiB and 2 CPUs.
        var record = await hub.App.Services.GetRequiredService<HubStore>().FindServerAsync("prof-ann", "");
        var pid = JsonDocument.Parse(record!.SpawnerState!).RootElement.GetProperty("Pid").GetInt32();
        Assert.Equal(1536L * 1024 * 1024, MemoryLimitOf(pid));
        Assert.Equal(2.0, CpuLimitOf(pid), 3);
        Assert.Contains("large", await (await admin.Http.GetAsync("/hub/api/users/prof-ann")).Content.ReadAsStringAsync());
    }

    private static Task<HttpResponseMessage> Send(ApiClient client, HttpMethod method, string path, object body) =>
        client.Http.SendAsync(new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) });

    /// <summary>The memory limit of the control group a process is in (cgroup v1 or v2).</summary>
    private static long MemoryLimitOf(int pid)
    {
        foreach (var line in File.ReadAllLines($"/proc/{pid}/cgroup"))
        {
            var parts = line.Split(':', 3);
            if (parts[1].Split(',').Contains("memory")) return long.Parse(File.ReadAllText($"/sys/fs/cgroup/memory{parts[2]}/memory.limit_in_bytes").Trim());
            if (parts[0] == "0" && parts[1].Length == 0 && File.Exists($"/sys/fs/cgroup{parts[2]}/memory.max"))
                return long.Parse(File.ReadAllText($"/sys/fs/cgroup{parts[2]}/memory.max").Trim());
        }
        throw new InvalidOperationException($"process {pid} is in no memory control group");
    }

    /// <summary>The CPU limit (quota over period) of the control group a process is in.</summary>
    private static double CpuLimitOf(int pid)
    {
        foreach (var line in File.ReadAllLines($"/proc/{pid}/cgroup"))
        {
            var parts = line.Split(':', 3);
            if (parts[1].Split(',').Contains("cpu"))
            {
                var dir = Directory.Exists("/sys/fs/cgroup/cpu,cpuacct") ? $"/sys/fs/cgroup/cpu,cpuacct{parts[2]}" : $"/sys/fs/cgroup/cpu{parts[2]}";
                return double.Parse(File.ReadAllText($"{dir}/cpu.cfs_quota_us").Trim()) / double.Parse(File.ReadAllText($"{dir}/cpu.cfs_period_us").Trim());
            }
            if (parts[0] == "0" && parts[1].Length == 0 && File.Exists($"/sys/fs/cgroup{parts[2]}/cpu.max"))
            {
                var max = File.ReadAllText($"/sys/fs/cgroup{parts[2]}/cpu.max").Trim().Split(' ');
                return double.Parse(max[0]) / double.Parse(max[1]);
            }
        }
        throw new InvalidOperationException($"process {pid} is in no cpu control group");
    }
}
