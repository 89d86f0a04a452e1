using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Astrolabe.Hub.Tests;

/// <summary>A server that cannot start explains itself instead of spinning.</summary>
public sealed class SpawnFailureTests
{
    [Fact]
    public async Task A_server_that_exits_early_shows_its_last_log_lines()
    {
        var script = Path.Combine(Path.GetTempPath(), $"broken-singleuser-{Guid.NewGuid():N}.sh");
        await File.WriteAllTextAsync(script, "#!/bin/sh\necho 'starting the broken server'\necho 'ModuleNotFoundError: No module named nbclassic' >&2\nexit 3\n");
        File.SetUnixFileMode(script, (UnixFileMode)0b111_101_101);
        try
        {
            // No sandbox here: the script lives in the host's /tmp, which a sandbox replaces with its own.
            await using var hub = await HubHost.StartAsync(new Dictionary<string, string?> { ["Hub:SingleUserCommand"] = script, ["Hub:Sandbox"] = "None" });
            var password = await hub.AddUserAsync("fail-quinn");
            using var browser = hub.NewClient();
            await browser.LoginAsync("fail-quinn", password);
            await browser.SubmitAsync("/hub/home", "/hub/spawn");
            var failure = await ServerSteps.LastProgressEventAsync(browser.Http, "fail-quinn");
            Assert.True(failure["failed"]!.GetValue<bool>());
            Assert.Contains("exited while starting", failure["message"]!.GetValue<string>());
            Assert.Contains("No module named nbclassic", failure["message"]!.GetValue<string>());
            var home = await browser.Http.GetStringAsync("/hub/home");
            Assert.Contains("No module named nbclassic", home);
            Assert.Contains("Start my server", home); // the user can try again
            Assert.Equal(State.ServerState.Stopped, (await hub.Accounts.Store.FindServerAsync("fail-quinn", ""))!.State);
        }
        finally { File.Delete(script); }
    }

    [Fact]
    public async Task A_server_killed_by_its_memory_limit_while_starting_says_so()
    {
        Assert.True(Environment.IsPrivilegedProcess, "Control groups need root (as CI has).");
        // Exec'd: a warm-started server shares most of its pages with the fork server and may fit in 64 MiB.
        await using var hub = await HubHost.StartAsync(new Dictionary<string, string?> { ["Hub:MemoryLimitMiB"] = "64", ["Hub:WarmStart"] = "Off" });
        Assert.True(Directory.Exists("/sys/fs/cgroup/memory") || File.Exists("/sys/fs/cgroup/cgroup.controllers"), "control groups are needed here");
        var password = await hub.AddUserAsync("fail-mona");
        using var browser = hub.NewClient();
        await browser.LoginAsync("fail-mona", password);
        await browser.SubmitAsync("/hub/home", "/hub/spawn");
        var failure = await ServerSteps.LastProgressEventAsync(browser.Http, "fail-mona");
        Assert.True(failure["failed"]!.GetValue<bool>());
        Assert.Contains("killed while starting: it needed more than 64 MiB of memory", failure["message"]!.GetValue<string>());
        Assert.Equal(State.ServerState.Stopped, (await hub.Accounts.Store.FindServerAsync("fail-mona", ""))!.State);
    }

    [Fact]
    public async Task A_missing_server_program_is_named_in_the_failure()
    {
        await using var hub = await HubHost.StartAsync(new Dictionary<string, string?> { ["Hub:SingleUserCommand"] = "/nonexistent/jupyterhub-singleuser" });
        var password = await hub.AddUserAsync("fail-rhea");
        using var browser = hub.NewClient();
        await browser.LoginAsync("fail-rhea", password);
        await browser.SubmitAsync("/hub/home", "/hub/spawn");
        var failure = await ServerSteps.LastProgressEventAsync(browser.Http, "fail-rhea");
        Assert.Contains("/nonexistent/jupyterhub-singleuser", failure["message"]!.GetValue<string>());
        Assert.Contains("Hub:SingleUserCommand", failure["message"]!.GetValue<string>());
    }
}
