using System.Text.Json.Nodes;

namespace Astrolabe.Hub.Tests;

/// <summary>A server that cannot start explains itself instead of spinning.</summary>
public sealed class SpawnFailureTests
{
    [Fact]
    public async Task A_server_that_exits_early_shows_its_last_log_lines()
    {
        using var standIn = new StandInProgram("broken-singleuser", "#!/bin/sh\necho 'starting the broken server'\necho 'ModuleNotFoundError: No module named nbclassic' >&2\nexit 3");
        await using var hub = await HubHost.StartAsync(standIn.Settings());
        var (browser, failure) = await StartFromHomePageAsync(hub, "fail-quinn");
        using var _ = browser;
        Assert.Contains("exited while starting", failure["message"]!.GetValue<string>());
        Assert.Contains("No module named nbclassic", failure["message"]!.GetValue<string>());
        var home = await browser.Http.GetStringAsync("/hub/home");
        Assert.Contains("No module named nbclassic", home);
        Assert.Contains("Start my server", home); // the user can try again
        Assert.Equal(State.ServerState.Stopped, (await hub.Accounts.Store.FindServerAsync("fail-quinn", ""))!.State);
    }

    [Fact]
    public async Task A_server_killed_by_its_memory_limit_while_starting_says_so()
    {
        Assert.True(Environment.IsPrivilegedProcess, "Control groups need root (as CI has).");
        Assert.True(Directory.Exists("/sys/fs/cgroup/memory") || File.Exists("/sys/fs/cgroup/cgroup.controllers"), "control groups are needed here");
        // A stand-in that needs 256 MiB at once: anonymous memory cannot be reclaimed, so the 64 MiB control group's
        // OOM killer ends it every time (a real server under such a limit may instead crawl, reclaiming its files).
        using var standIn = new StandInProgram("greedy-singleuser", "#!/usr/bin/python3\nprint('loading a large model', flush=True)\nmodel = bytearray(256 << 20)");
        await using var hub = await HubHost.StartAsync(standIn.Settings(("Hub:WarmStart", "Off"), ("Hub:MemoryLimitMiB", "64")));
        var (browser, failure) = await StartFromHomePageAsync(hub, "fail-mona");
        browser.Dispose();
        Assert.Contains("killed while starting: it needed more than 64 MiB of memory", failure["message"]!.GetValue<string>());
        Assert.Contains("loading a large model", failure["message"]!.GetValue<string>());
        Assert.Equal(State.ServerState.Stopped, (await hub.Accounts.Store.FindServerAsync("fail-mona", ""))!.State);
    }

    [Fact]
    public async Task A_start_that_times_out_at_its_memory_limit_says_the_limit_is_the_likely_cause()
    {
        Assert.True(Environment.IsPrivilegedProcess, "Control groups need root (as CI has).");
        // A stand-in that fills most of a 128 MiB limit and never answers, as a server crawling at its limit does.
        using var standIn = new StandInProgram("crawling-singleuser", "#!/usr/bin/python3\nimport time\nmodel = bytearray(112 << 20)\nprint('still loading', flush=True)\ntime.sleep(600)");
        await using var hub = await HubHost.StartAsync(standIn.Settings(("Hub:WarmStart", "Off"), ("Hub:MemoryLimitMiB", "128"), ("Hub:SpawnTimeoutSeconds", "4")));
        var (browser, failure) = await StartFromHomePageAsync(hub, "fail-otto");
        browser.Dispose();
        var message = failure["message"]!.GetValue<string>();
        Assert.Contains("did not answer within 4 s", message);
        Assert.Matches("It was using 1[12][0-9] MiB of its 128 MiB memory limit \\(profile Default\\): it probably needs a larger profile", message);
        Assert.Contains("still loading", message);
    }

    [Fact]
    public async Task A_missing_server_program_is_named_in_the_failure()
    {
        await using var hub = await HubHost.StartAsync(new Dictionary<string, string?> { ["Hub:SingleUserCommand"] = "/nonexistent/jupyterhub-singleuser" });
        var (browser, failure) = await StartFromHomePageAsync(hub, "fail-rhea");
        browser.Dispose();
        Assert.Contains("/nonexistent/jupyterhub-singleuser", failure["message"]!.GetValue<string>());
        Assert.Contains("Hub:SingleUserCommand", failure["message"]!.GetValue<string>());
    }

    /// <summary>A new user logs in and presses "Start my server"; returns their browser and the start's last event,
    /// which must be a failure.</summary>
    private static async Task<(Browserless Browser, JsonNode Failure)> StartFromHomePageAsync(HubHost hub, string user)
    {
        var password = await hub.AddUserAsync(user);
        var browser = hub.NewClient();
        await browser.LoginAsync(user, password);
        await browser.SubmitAsync("/hub/home", "/hub/spawn");
        var failure = await ServerSteps.LastProgressEventAsync(browser.Http, user);
        Assert.True(failure["failed"]!.GetValue<bool>(), "the start should have failed: " + failure["message"]);
        return (browser, failure);
    }
}
