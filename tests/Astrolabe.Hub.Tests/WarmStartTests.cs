using System.Text.RegularExpressions;

namespace Astrolabe.Hub.Tests;

/// <summary>A server forked warm from the fork server ends up exactly as an exec'd one: the user's account with no
/// capabilities and no way to gain privileges, its own session, the sandbox's namespaces, its control group. Both
/// paths are checked the same way, from inside the server (a kernel reads /proc) and from outside (the test, as
/// root, reads the server process's /proc entries).</summary>
[Collection("servers")]
public sealed class WarmStartTests
{
    [Theory]
    [InlineData("Auto")]
    [InlineData("Off")]
    public async Task A_server_runs_as_its_user_in_its_own_session_sandbox_and_control_group_without_privileges(string warmStart)
    {
        Assert.True(Environment.IsPrivilegedProcess && File.Exists("/usr/bin/bwrap"), "Warm start and the sandbox need root and bubblewrap (as CI has).");
        await using var hub = await HubHost.StartAsync(new Dictionary<string, string?>
        {
            ["Hub:Sandbox"] = "Bubblewrap", ["Hub:WarmStart"] = warmStart, ["Hub:MemoryLimitMiB"] = "1024",
        });
        var password = await hub.AddUserAsync("warm-wanda");
        using var browser = hub.NewClient();
        await browser.LoginAsync("warm-wanda", password);
        var messages = await ServerSteps.StartAndWaitAsync(browser, "warm-wanda");
        Assert.Equal(warmStart == "Auto", messages.Any(m => m.Contains("(warm:", StringComparison.Ordinal)));
        await browser.Http.GetAsync("/user/warm-wanda/tree");
        var kernel = await ServerSteps.StartKernelAsync(browser, "warm-wanda");
        Task<string> Run(string code) => ServerSteps.ExecuteAsync(browser, "warm-wanda", kernel, code);

        // The kernel's parent is the server.
        int server = int.Parse(await Run("import os; os.getppid()"), System.Globalization.CultureInfo.InvariantCulture);
        var status = await File.ReadAllTextAsync($"/proc/{server}/status");
        int uid = int.Parse(Field(status, "Uid").Split('\t')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.NotEqual(0, uid);
        Assert.Equal($"{uid}\t{uid}\t{uid}\t{uid}", Field(status, "Uid"));
        Assert.Equal("0000000000000000", Field(status, "CapEff"));
        Assert.Equal("0000000000000000", Field(status, "CapPrm"));
        Assert.Equal("0000000000000000", Field(status, "CapAmb"));
        Assert.Equal("1", Field(status, "NoNewPrivs"));
        // Signals as a freshly started Python has them: SIGPIPE (13) ignored, so a client that goes away mid-write
        // raises an error in the server instead of killing it.
        Assert.NotEqual(0UL, ulong.Parse(Field(status, "SigIgn"), System.Globalization.NumberStyles.HexNumber) & (1UL << (13 - 1)));
        // Its own session, led by the server (forked) or by the bubblewrap process that runs it (exec'd).
        int session = int.Parse(await Run("import os; os.getsid(os.getppid())"), System.Globalization.CultureInfo.InvariantCulture);
        int parent = int.Parse(Field(await File.ReadAllTextAsync($"/proc/{server}/status"), "PPid"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(session == server || session == parent, $"session {session}, server {server}, its parent {parent}");
        Assert.NotEqual(Environment.ProcessId, session);
        Assert.Equal("'astrolabe'", await Run("import socket; socket.gethostname()"));
        foreach (var ns in new[] { "mnt", "ipc", "uts" })
            Assert.NotEqual(File.ResolveLinkTarget($"/proc/self/ns/{ns}", false)!.ToString(), File.ResolveLinkTarget($"/proc/{server}/ns/{ns}", false)!.ToString());
        Assert.Contains("warm-wanda", await File.ReadAllTextAsync($"/proc/{server}/cgroup"));
        // Its own view of the world: only its home of the data root, and the same from the kernel it started.
        Assert.Equal("'ok'", await Run("import os; assert not os.path.exists(os.path.dirname(os.path.expanduser('~')) + '/../hub.db'); 'ok'"));
        Assert.Equal($"{uid}", await Run("import os; os.getuid()"));
    }

    private static string Field(string status, string name) =>
        Regex.Match(status, $"^{name}:\\s*(.*)$", RegexOptions.Multiline) is { Success: true } m ? m.Groups[1].Value.Trim() : throw new Xunit.Sdk.XunitException($"no {name} in /proc status");
}
