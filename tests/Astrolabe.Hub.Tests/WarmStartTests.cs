using System.Text.RegularExpressions;
using Astrolabe.Hub.Sessions.WarmStart;

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
        // Started from a hub that ignores SIGINT and SIGQUIT (as one started with `&` from a script does).
        IReadOnlyList<string> messages;
        using (new IgnoredSignals()) messages = await ServerSteps.StartAndWaitAsync(browser, "warm-wanda");
        Assert.Equal(warmStart == "Auto", messages.Any(m => m.Contains("(warm:", StringComparison.Ordinal)));
        Assert.Contains(messages, m => m.StartsWith("Sandbox: system read-only", StringComparison.Ordinal)); // both paths say so
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
        // SIGINT (2) and SIGQUIT (3) at their defaults whatever the hub had, so the hub's SIGINT stops it gracefully.
        var ignored = ulong.Parse(Field(status, "SigIgn"), System.Globalization.NumberStyles.HexNumber);
        Assert.NotEqual(0UL, ignored & (1UL << (13 - 1)));
        Assert.Equal(0UL, ignored & ((1UL << (2 - 1)) | (1UL << (3 - 1))));
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

    [Fact]
    public async Task A_fork_server_that_died_is_replaced_and_servers_keep_starting()
    {
        Assert.True(Environment.IsPrivilegedProcess, "Warm start needs root (as CI has).");
        await using var hub = await HubHost.StartAsync(new Dictionary<string, string?> { ["Hub:WarmStart"] = "Auto" });
        var password = await hub.AddUserAsync("warm-wilma");
        using var browser = hub.NewClient();
        await browser.LoginAsync("warm-wilma", password);
        Assert.Contains(await ServerSteps.StartAndWaitAsync(browser, "warm-wilma"), m => m.Contains("(warm:", StringComparison.Ordinal));
        Assert.True((await browser.Http.GetAsync("/user/warm-wilma/tree")).IsSuccessStatusCode); // signs the browser in to the server

        // Kill this hub's fork server (a child of this in-process hub, its socket under this hub's data root), as a
        // crash or an OOM kill would. Servers it forked may show its command line too, but they are not our children.
        var forkServers = Directory.EnumerateDirectories("/proc").Select(d => Path.GetFileName(d)).Where(n => n.All(char.IsAsciiDigit))
            .Where(pid => ReadCommandLine(pid).Contains(hub.DataRoot, StringComparison.Ordinal) && ReadCommandLine(pid).Contains("forkserver.py", StringComparison.Ordinal))
            .Where(pid => Field(File.ReadAllText($"/proc/{pid}/status"), "PPid") == Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Select(int.Parse).ToList();
        Assert.Single(forkServers);
        System.Diagnostics.Process.GetProcessById(forkServers[0]).Kill();

        // The running server is not its child in any way that matters: it keeps serving.
        Assert.True((await browser.Http.GetAsync("/user/warm-wilma/api/status")).IsSuccessStatusCode);
        using var api = await ApiClient.ForUserAsync(hub, "warm-wilma");
        Assert.True((await api.Http.DeleteAsync("/hub/api/users/warm-wilma/server")).IsSuccessStatusCode);
        for (var i = 0; i < 400 && (await api.Http.GetStringAsync("/hub/api/users/warm-wilma")).Contains("\"ready\":true", StringComparison.Ordinal); i++)
            await Task.Delay(50);
        // The next start makes a new fork server and is warm again.
        var again = await ServerSteps.StartAndWaitAsync(browser, "warm-wilma");
        Assert.Contains("(warm:", again.Last(m => m.StartsWith("Starting the notebook server process", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.True((await browser.Http.GetAsync("/user/warm-wilma/tree")).IsSuccessStatusCode);
    }

    [Fact]
    public async Task A_forked_program_runs_as_main_with_the_collector_on_and_the_imported_modules_frozen()
    {
        var work = Directory.CreateTempSubdirectory("astrolabe-fork-");
        try
        {
            var program = Path.Combine(work.FullName, "probe.py");
            await File.WriteAllTextAsync(program, """
                import gc, sys
                print("name", __name__, "argv", " ".join(sys.argv[1:]), "enabled", gc.isenabled(), "frozen", gc.get_freeze_count(),
                      "imported", "jupyterhub.singleuser" in sys.modules, flush=True)
                """);
            var environment = new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin", ["LANG"] = "C.UTF-8" };
            using var fork = await ForkServer.StartAsync("/usr/bin/python3", Path.Combine(work.FullName, "run"), environment,
                Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, CancellationToken.None);
            var log = Path.Combine(work.FullName, "probe.log");
            var pid = await fork.ForkAsync(new ForkRequest(program, ["--port=1"], environment, work.FullName, log, [], null, null, null, null), CancellationToken.None);
            for (var i = 0; i < 200 && !(File.Exists(log) && (await File.ReadAllTextAsync(log)).Contains('\n')); i++) await Task.Delay(50);
            var words = (await File.ReadAllTextAsync(log)).Trim().Split(' ');
            Assert.Equal(["name", "__main__", "argv", "--port=1", "enabled", "True", "frozen"], words[..7]);
            // The fork server's imports (tens of thousands of objects) are out of the children's collections, so a
            // server does not copy the pages it shares with the fork server by collecting them; its own are collected.
            Assert.True(int.Parse(words[7], System.Globalization.CultureInfo.InvariantCulture) > 10_000, $"frozen objects: {words[7]}");
            Assert.Equal(["imported", "True"], words[8..]);
            Assert.True(pid > 1);
        }
        finally { work.Delete(recursive: true); }
    }

    private static string ReadCommandLine(string pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' '); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return ""; }
    }

    private static string Field(string status, string name) =>
        Regex.Match(status, $"^{name}:\\s*(.*)$", RegexOptions.Multiline) is { Success: true } m ? m.Groups[1].Value.Trim() : throw new Xunit.Sdk.XunitException($"no {name} in /proc status");
}
