namespace Astrolabe.Tests;

/// <summary>`astrolabe user add|list|remove|passwd` against the same settings `serve` uses.</summary>
public sealed class UserCommandTests
{
    [Fact]
    public async Task Users_are_added_listed_given_new_passwords_and_removed()
    {
        using var scratch = new Cli.TempFolder();
        var root = scratch.Path;
        var add = await Cli.RunAsync(["user", "add", "vega", "--data-root", root]);
        Assert.Equal(0, add.Exit);
        Assert.Contains("Added user 'vega'", add.Out);
        Assert.Matches("Password \\(shown once\\): \\S{20}", add.Out);

        var admin = await Cli.RunAsync(["user", "add", "deneb", "--admin", "--password-stdin", "--data-root", root], stdin: "a-long-password\n");
        Assert.Equal(0, admin.Exit);
        Assert.DoesNotContain("a-long-password", admin.Out);

        var again = await Cli.RunAsync(["user", "add", "vega", "--data-root", root]);
        Assert.Equal(1, again.Exit);
        Assert.Contains("already exists", again.Err);

        var list = await Cli.RunAsync(["user", "list", "--data-root", root]);
        Assert.Equal(0, list.Exit);
        var lines = list.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("deneb", lines[1]);
        Assert.Contains("yes", lines[1]);
        Assert.StartsWith("vega", lines[2]);

        var passwd = await Cli.RunAsync(["user", "passwd", "vega", "--password-stdin", "--data-root", root], stdin: "another-long-one\n");
        Assert.Equal(0, passwd.Exit);
        var tooShort = await Cli.RunAsync(["user", "passwd", "vega", "--password-stdin", "--data-root", root], stdin: "short\n");
        Assert.Equal(1, tooShort.Exit);
        Assert.Contains("at least 8 characters", tooShort.Err);

        // A user with a server the hub still runs (recorded here as a running hub would) is not removed: this
        // command cannot stop it, and the record is what leads the hub to it.
        var store = new Astrolabe.Hub.State.HubStore(new Astrolabe.Hub.State.HubDatabase(
            Astrolabe.Hub.HubOptions.From(PlatformHost.ReadConfiguration([], null, new Dictionary<string, string?> { ["DataRoot"] = root })).DatabaseConnectionString), TimeProvider.System);
        Assert.True(await store.TransitionServerAsync("vega", "lab", [Astrolabe.Hub.State.ServerState.Stopped], Astrolabe.Hub.State.ServerState.Running));
        var busy = await Cli.RunAsync(["user", "remove", "vega", "--data-root", root]);
        Assert.Equal(1, busy.Exit);
        Assert.Contains("'vega' still has server 'lab' running or starting; stop them first", busy.Err);
        Assert.Contains("vega", (await Cli.RunAsync(["user", "list", "--data-root", root])).Out);
        Assert.True(await store.TransitionServerAsync("vega", "lab", [Astrolabe.Hub.State.ServerState.Running], Astrolabe.Hub.State.ServerState.Stopped));

        Assert.Equal(0, (await Cli.RunAsync(["user", "remove", "vega", "--data-root", root])).Exit);
        var missing = await Cli.RunAsync(["user", "remove", "vega", "--data-root", root]);
        Assert.Equal(1, missing.Exit);
        Assert.Contains("no user 'vega'", missing.Err);
        Assert.DoesNotContain("vega", (await Cli.RunAsync(["user", "list", "--data-root", root])).Out);
    }

    [Theory]
    [InlineData("Vega", "lower-case letter")]
    [InlineData("ve ga", "may contain only")]
    [InlineData("../etc", "lower-case letter")]
    public async Task Unsafe_user_names_are_refused_with_the_reason(string name, string reason)
    {
        using var scratch = new Cli.TempFolder();
        var root = scratch.Path;
        var result = await Cli.RunAsync(["user", "add", name, "--data-root", root]);
        Assert.Equal(1, result.Exit);
        Assert.Contains(reason, result.Err);
    }

    [Fact]
    public async Task Bad_settings_are_reported_by_name_before_anything_starts()
    {
        var result = await Cli.RunAsync(["serve", "--data-root", Cli.TempDataRoot(), "--listen", "not a url", "--Hub:SecureCookies=Sometimes"]);
        Assert.Equal(2, result.Exit);
        Assert.Contains("Listen 'not a url'", result.Err);
        Assert.Contains("Hub:SecureCookies", result.Err);
        var missingFile = await Cli.RunAsync(["serve", "--config", "/nonexistent/astrolabe.json"]);
        Assert.Equal(2, missingFile.Exit);
        Assert.Contains("/nonexistent/astrolabe.json", missingFile.Err);

        // A value of the wrong type, and a misspelt name (which would otherwise be ignored, leaving e.g. servers
        // without the memory limit the operator meant): named, no stack trace, nothing started.
        foreach (var (setting, expected) in new[]
                 {
                     ("--Hub:MemoryLimitMiB=lots", "Hub:MemoryLimitMiB = 'lots' is not a whole number."),
                     ("--Tap:SyncTimeoutSeconds=soon", "Tap:SyncTimeoutSeconds = 'soon' is not a whole number."),
                     ("--Hub:MemoryLimitGiB=4", "'MemoryLimitGiB' is not a setting of Hub"),
                     ("--Tap:MaxRows=10", "'MaxRows' is not a setting of Tap"),
                     ("--Hub:Profiles:0:Memory=2048", "'Memory' is not a setting of a profile (Hub:Profiles)"),
                     // Outside Hub and Tap: a mistyped option or setting name, or a stray word.
                     ("--data=/tmp/elsewhere", "'--data' is not an option or a setting. The settings are DataRoot, Listen"),
                     ("--Hbu:MemoryLimitMiB=400", "'--Hbu:MemoryLimitMiB' is not an option or a setting"),
                     ("demo", "'demo' is not an option or a setting"),
                 })
        {
            var root = Cli.TempDataRoot();
            var bad = await Cli.RunAsync(["serve", "--data-root", root, "--listen", "http://127.0.0.1:1", setting]);
            Assert.Equal(2, bad.Exit);
            Assert.Contains(expected, bad.Err);
            Assert.DoesNotContain("   at ", bad.Err + bad.Out);
            Assert.False(File.Exists(Path.Combine(root, "hub.db")), "nothing was set up");
        }
        var settings = Path.Combine(Path.GetTempPath(), $"astrolabe-settings-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(settings, """{"Hub": {"CullIdle": 60}}""");
        try
        {
            var cli = await Cli.RunAsync(["user", "list", "--data-root", Cli.TempDataRoot(), "--config", settings]);
            Assert.Equal(2, cli.Exit);
            Assert.Contains("'CullIdle' is not a setting of Hub", cli.Err);
            await File.WriteAllTextAsync(settings, """{"Datroot": "/srv/astrolabe", "Hub": {}}""");
            cli = await Cli.RunAsync(["user", "list", "--data-root", Cli.TempDataRoot(), "--config", settings]);
            Assert.Equal(2, cli.Exit);
            Assert.Contains($"'Datroot' in {settings} is not a setting", cli.Err);
        }
        finally { File.Delete(settings); }
    }

    [Fact]
    public async Task Groups_are_made_filled_listed_emptied_and_deleted_from_the_command_line()
    {
        using var scratch = new Cli.TempFolder();
        var root = scratch.Path;
        foreach (var user in new[] { "vega", "deneb" }) Assert.Equal(0, (await Cli.RunAsync(["user", "add", user, "--data-root", root])).Exit);
        var add = await Cli.RunAsync(["group", "add", "alma-team", "--data-root", root]);
        Assert.Equal(0, add.Exit);
        Assert.Contains("Created group 'alma-team'", add.Out);
        Assert.Contains("already exists", (await Cli.RunAsync(["group", "add", "alma-team", "--data-root", root])).Err);
        var bad = await Cli.RunAsync(["group", "add", "-bad", "--data-root", root]);
        Assert.NotEqual(0, bad.Exit);

        var partly = await Cli.RunAsync(["group", "add-user", "alma-team", "vega", "nobody", "--data-root", root]);
        Assert.Equal(1, partly.Exit);
        Assert.Contains("no such user(s): nobody; nobody was added", partly.Err);
        Assert.Equal(0, (await Cli.RunAsync(["group", "add-user", "alma-team", "vega", "deneb", "--data-root", root])).Exit);
        Assert.Equal(["deneb", "vega"], (await Cli.RunAsync(["group", "members", "alma-team", "--data-root", root])).Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var list = await Cli.RunAsync(["group", "list", "--data-root", root]);
        Assert.Matches("alma-team +2 +deneb vega", list.Out);

        Assert.Equal(0, (await Cli.RunAsync(["group", "remove-user", "alma-team", "vega", "--data-root", root])).Exit);
        Assert.Equal(["deneb"], (await Cli.RunAsync(["group", "members", "alma-team", "--data-root", root])).Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(0, (await Cli.RunAsync(["group", "remove", "alma-team", "--data-root", root])).Exit);
        var gone = await Cli.RunAsync(["group", "members", "alma-team", "--data-root", root]);
        Assert.Equal(1, gone.Exit);
        Assert.Contains("no group 'alma-team'", gone.Err);
    }
}
