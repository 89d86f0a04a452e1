namespace Astrolabe.Hub.Tests;

/// <summary>Inside the bubblewrap sandbox: the archive is there read-only, the system cannot be changed, and a
/// server that goes over its memory limit loses a process — its own, no one else's — and its owner is told.</summary>
[Collection("servers")]
public sealed class SandboxTests
{
    [Theory]
    [InlineData("Auto")] // forked warm from the fork server, inside the namespaces bubblewrap built
    [InlineData("Off")]  // exec'd through bubblewrap
    public async Task The_archive_is_read_only_the_system_is_read_only_and_tmp_is_private(string warmStart)
    {
        Assert.True(Environment.IsPrivilegedProcess && File.Exists("/usr/bin/bwrap"), "The sandbox needs root and bubblewrap (as CI has).");
        var archive = Directory.CreateTempSubdirectory("astrolabe-archive-").FullName;
        await File.WriteAllTextAsync(Path.Combine(archive, "cube-001.fits"), "SIMPLE  =                    T");
        File.SetUnixFileMode(archive, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(Path.Combine(archive, "cube-001.fits"), (UnixFileMode)0b110_100_100);
        try
        {
            await using var hub = await HubHost.StartAsync(new Dictionary<string, string?> { ["Hub:Sandbox"] = "Bubblewrap", ["Hub:ArchivePath"] = archive, ["Hub:WarmStart"] = warmStart });
            var password = await hub.AddUserAsync("box-wren");
            using var browser = hub.NewClient();
            await browser.LoginAsync("box-wren", password);
            await ServerSteps.StartAndWaitAsync(browser, "box-wren");
            await browser.Http.GetAsync("/user/box-wren/tree");
            var kernel = await ServerSteps.StartKernelAsync(browser, "box-wren");
            Task<string> Run(string code) => ServerSteps.ExecuteAsync(browser, "box-wren", kernel, code);

            Assert.Equal("['cube-001.fits']", await Run("import os; sorted(os.listdir('/archive'))"));
            Assert.Equal("'SIMPLE'", await Run("open('/archive/cube-001.fits').read(6)"));
            Assert.StartsWith("error: OSError: [Errno 30] Read-only file system", await Run("open('/archive/new.fits', 'w')"));
            Assert.StartsWith("error: OSError: [Errno 30] Read-only file system", await Run("open('/usr/local/evil', 'w')"));
            Assert.Equal("'tmp ok'", await Run("open('/tmp/scratch', 'w').write('x'); 'tmp ok'"));
            Assert.False(File.Exists("/tmp/scratch"), "the sandbox's /tmp is its own");
            Assert.Equal("True", await Run("import astropy, numpy; True")); // the astronomy stack works inside
        }
        finally { Directory.Delete(archive, true); }
    }

    [Fact]
    public async Task Going_over_the_memory_limit_kills_only_that_servers_process_and_the_user_is_told()
    {
        Assert.True(Environment.IsPrivilegedProcess, "Memory limits through control groups need root (as CI has).");
        await using var hub = await HubHost.StartAsync(new Dictionary<string, string?> { ["Hub:MemoryLimitMiB"] = "400" });
        var hogPassword = await hub.AddUserAsync("box-hog");
        var calmPassword = await hub.AddUserAsync("box-calm");
        using var calm = hub.NewClient();
        await calm.LoginAsync("box-calm", calmPassword);
        await ServerSteps.StartAndWaitAsync(calm, "box-calm");
        await calm.Http.GetAsync("/user/box-calm/tree");
        var calmKernel = await ServerSteps.StartKernelAsync(calm, "box-calm");
        Assert.Equal("42", await ServerSteps.ExecuteAsync(calm, "box-calm", calmKernel, "x = 42; x"));

        using var hog = hub.NewClient();
        await hog.LoginAsync("box-hog", hogPassword);
        await ServerSteps.StartAndWaitAsync(hog, "box-hog");
        await hog.Http.GetAsync("/user/box-hog/tree");
        var hogKernel = await ServerSteps.StartKernelAsync(hog, "box-hog");
        // 1.5 GiB, touched page by page, in a server limited to 400 MiB.
        await ServerSteps.SendWithoutWaitingAsync(hog, "box-hog", hogKernel, "b = bytearray(1536 * 2**20)\nfor i in range(0, len(b), 4096): b[i] = 1");

        string? notice = null;
        for (var i = 0; i < 120 && notice is null; i++)
        {
            await Task.Delay(250);
            var home = await hog.Http.GetStringAsync("/hub/home");
            var m = System.Text.RegularExpressions.Regex.Match(home, "id=\"notice\">([^<]+)<");
            if (m.Success) notice = System.Net.WebUtility.HtmlDecode(m.Groups[1].Value);
        }
        Assert.NotNull(notice);
        Assert.Contains("400 MiB", notice);
        // The other user's kernel still has its state: nothing of theirs was touched.
        Assert.Equal("42", await ServerSteps.ExecuteAsync(calm, "box-calm", calmKernel, "x"));
        Assert.Null(System.Text.RegularExpressions.Regex.Match(await calm.Http.GetStringAsync("/hub/home"), "id=\"notice\"").Success ? "notice" : null);
    }
}
