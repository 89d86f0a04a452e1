using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Astrolabe.Hub.Sessions;
using Astrolabe.Hub.Sessions.Containers;
using Astrolabe.Hub.State;

namespace Astrolabe.Hub.Tests.Containers;

/// <summary>The container spawner against the real Podman on this machine (its Docker-compatible API service, rootful,
/// runc): the unmodified jupyterhub-singleuser in a container per user, reached through our proxy, writing into the
/// user's home on the host, stopped, and adopted again by a new hub.</summary>
[Collection("servers")]
public sealed class ContainerSpawnerTests
{
    [Fact]
    public async Task A_users_server_runs_in_a_limited_labelled_container_and_writes_into_the_home_on_the_host()
    {
        var socket = await Podman.SocketAsync();
        var archive = Directory.CreateTempSubdirectory("astrolabe-archive-");
        await File.WriteAllTextAsync(Path.Combine(archive.FullName, "README"), "archive");
        // An archive is readable by every user (the hub's private umask would hide it from the server's account).
        File.SetUnixFileMode(archive.FullName, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(Path.Combine(archive.FullName, "README"), (UnixFileMode)0b110_100_100);
        await using var hub = await ContainerHub.StartAsync(socket, settings: new Dictionary<string, string?>
        {
            // The hub-wide settings that local servers use apply to containers too.
            ["Hub:ArchivePath"] = archive.FullName,
            ["Hub:MemoryLimitMiB"] = "512",
            ["Hub:Docker:MemoryLimitMiB"] = null,
        });
        try
        {
            using var vega = await hub.UserClientAsync("box-vega");
            await vega.StartServerAndWaitAsync("box-vega");

            var status = await vega.Http.GetAsync("/user/box-vega/api/status");
            Assert.Equal(HttpStatusCode.OK, status.StatusCode);

            var put = await vega.Http.PutAsJsonAsync("/user/box-vega/api/contents/from-the-container.txt",
                new { type = "file", format = "text", content = "written inside the container" });
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
            var onHost = Path.Combine(hub.DataRoot, "users", "box-vega", "from-the-container.txt");
            Assert.Equal("written inside the container", await File.ReadAllTextAsync(onHost));
            if (UnixAccounts.CanManage) // the server runs as the user's own account, not as root
                Assert.Equal(UnixAccounts.Lookup("astro-box-vega")!.Value.Uid.ToString(), (await RunAsync("stat", "-c", "%u", onHost)).Trim());

            // From code in the user's kernel: the archive is readable but not writable, the memory limit is in force.
            var kernel = await (await vega.Http.PostAsJsonAsync("/user/box-vega/api/kernels", new { name = "python3" })).Content.ReadFromJsonAsync<JsonObject>();
            var kernelId = kernel!["id"]!.GetValue<string>();
            Assert.Equal("'archive'", await ServerSteps.ExecuteAsync(vega, "box-vega", kernelId, "open('/archive/README').read()"));
            Assert.StartsWith("error: OSError", await ServerSteps.ExecuteAsync(vega, "box-vega", kernelId, "open('/archive/new', 'w')"));
            Assert.Equal((512L * 1024 * 1024).ToString(), await ServerSteps.ExecuteAsync(vega, "box-vega", kernelId,
                "int(open('/sys/fs/cgroup/memory/memory.limit_in_bytes').read()) if __import__('os').path.exists('/sys/fs/cgroup/memory') else int(open('/sys/fs/cgroup/memory.max').read())"));
            var containers = await hub.Spawner.Engine.ListContainersAsync([$"{DockerSpawner.UserLabel}=box-vega", $"{DockerSpawner.HubLabel}={hub.Spawner.HubId}"], CancellationToken.None);
            var container = Assert.Single(containers);
            Assert.Equal("", container.Labels![DockerSpawner.ServerLabel]);
            var info = (await hub.Spawner.Engine.InspectContainerAsync(container.Id, CancellationToken.None))!;
            Assert.True(info.Running);
            Assert.Equal(512L * 1024 * 1024, info.MemoryBytes);
            Assert.Equal(1_000_000_000L, info.NanoCpus);
            Assert.Contains(info.Binds, b => b.StartsWith($"{archive.FullName}:/archive:ro", StringComparison.Ordinal)); // Podman appends ",rprivate"
            // A process that goes past the limit is killed alone (the kernel and the server live on) and the spawner counts it.
            var record = await hub.Accounts.Store.FindServerAsync("box-vega", "");
            Assert.Equal(0, await hub.Spawner.OomKillsAsync(record!.SpawnerState!, CancellationToken.None));
            Assert.Equal("-9", await ServerSteps.ExecuteAsync(vega, "box-vega", kernelId,
                "import subprocess; subprocess.run(['python3', '-c', 'b = b\"x\" * (700 * 2**20)']).returncode"));
            Assert.True(await hub.Spawner.OomKillsAsync(record.SpawnerState!, CancellationToken.None) >= 1);
            Assert.Equal(512L * 1024 * 1024, hub.Spawner.MemoryLimitBytes(record.SpawnerState!));
            Assert.Equal("2", await ServerSteps.ExecuteAsync(vega, "box-vega", kernelId, "1+1"));

            Assert.Equal($"http://127.0.0.1:{info.HostPorts["8888/tcp"]}/user/box-vega/", record.Url);

            var stop = await vega.Http.DeleteAsync("/hub/api/users/box-vega/server");
            Assert.True(stop.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.Accepted, stop.StatusCode.ToString());
            await WaitUntilAsync(async () => (await hub.Accounts.Store.FindServerAsync("box-vega", ""))!.State == ServerState.Stopped);
            Assert.Null(await hub.Spawner.Engine.InspectContainerAsync(container.Id, CancellationToken.None));
            Assert.NotEqual(HttpStatusCode.OK, (await vega.Http.GetAsync("/user/box-vega/api/status")).StatusCode);
            Assert.True(File.Exists(onHost)); // the home outlives the container
        }
        finally
        {
            hub.DeleteDataRoot();
            archive.Delete(true);
        }
    }

    [Fact]
    public async Task A_new_hub_on_the_same_data_root_adopts_a_running_server_container()
    {
        var socket = await Podman.SocketAsync();
        var first = await ContainerHub.StartAsync(socket);
        ContainerHub? second = null;
        try
        {
            using var lyra = await first.UserClientAsync("box-lyra");
            await lyra.StartServerAndWaitAsync("box-lyra");
            var before = (await first.Accounts.Store.FindServerAsync("box-lyra", ""))!;
            await first.StopLeavingServersAsync();
            Assert.NotEqual(HttpStatusCode.OK, (await Probe(first.Url, "/hub/api/")).StatusCode);

            second = await ContainerHub.StartAsync(socket, first.DataRoot, first.Port);
            // No user action: the same token reaches the same server through the new hub's proxy. The token was never
            // shown to the server before, so this answer also means the server checked it with the new hub over its API.
            var status = await lyra.Http.GetAsync("/user/box-lyra/api/status");
            Assert.Equal(HttpStatusCode.OK, status.StatusCode);
            var after = (await second.Accounts.Store.FindServerAsync("box-lyra", ""))!;
            Assert.Equal(ServerState.Running, after.State);
            Assert.Equal(before.SpawnerState, after.SpawnerState);
            var model = await lyra.Http.GetFromJsonAsync<JsonObject>("/hub/api/users/box-lyra");
            Assert.True(model!["servers"]![""]!["ready"]!.GetValue<bool>());

            await second.Sessions.StopAsync("box-lyra", "", CancellationToken.None);
            Assert.Empty(await second.Spawner.Engine.ListContainersAsync([$"{DockerSpawner.UserLabel}=box-lyra", $"{DockerSpawner.HubLabel}={second.Spawner.HubId}"], CancellationToken.None));
        }
        finally
        {
            if (second is not null) await second.DisposeAsync();
            await first.DisposeAsync();
            first.DeleteDataRoot();
        }
    }

    [Fact]
    public async Task A_container_left_behind_under_the_same_name_is_replaced_on_the_next_start()
    {
        var socket = await Podman.SocketAsync();
        await using var hub = await ContainerHub.StartAsync(socket);
        try
        {
            // What a hub killed between creating a container and recording it leaves: a container with the server's
            // name and labels that the database does not know (Podman refuses a second container of that name).
            var leftover = await hub.Spawner.Engine.CreateContainerAsync(hub.Spawner.ContainerName("box-mira", ""), new ContainerSpec
            {
                Image = Podman.Image,
                Cmd = ["sleep", "600"],
                Labels = new Dictionary<string, string>
                {
                    [DockerSpawner.UserLabel] = "box-mira",
                    [DockerSpawner.ServerLabel] = "",
                    [DockerSpawner.HubLabel] = hub.Spawner.HubId,
                },
            }, CancellationToken.None);
            await hub.Spawner.Engine.StartContainerAsync(leftover, CancellationToken.None);

            using var mira = await hub.UserClientAsync("box-mira");
            await mira.StartServerAndWaitAsync("box-mira");
            Assert.Equal(HttpStatusCode.OK, (await mira.Http.GetAsync("/user/box-mira/api/status")).StatusCode);
            Assert.Null(await hub.Spawner.Engine.InspectContainerAsync(leftover, CancellationToken.None));
        }
        finally { hub.DeleteDataRoot(); }
    }

    [Fact]
    public async Task A_missing_image_is_named_with_the_script_that_builds_it()
    {
        var socket = await Podman.SocketAsync();
        await using var hub = await ContainerHub.StartAsync(socket, settings: new Dictionary<string, string?> { ["Hub:Docker:Image"] = "localhost/astrolabe-no-such-image:0" });
        try
        {
            var message = await FailedStartAsync(hub, "box-ida");
            Assert.Contains("localhost/astrolabe-no-such-image:0", message);
            Assert.Contains("deploy/podman/build-image.sh", message);
        }
        finally { hub.DeleteDataRoot(); }
    }

    [Fact]
    public async Task A_server_that_exits_at_once_shows_its_last_log_lines_and_leaves_no_container()
    {
        var socket = await Podman.SocketAsync();
        // python3 rejects the server's --ip option: a real program failing in the real image.
        await using var hub = await ContainerHub.StartAsync(socket, settings: new Dictionary<string, string?> { ["Hub:SingleUserCommand"] = "/usr/bin/python3" });
        try
        {
            var message = await FailedStartAsync(hub, "box-ceti");
            Assert.Contains("exit", message);
            Assert.Contains("--ip", message); // python's own complaint, from the container's log
            Assert.Empty(await hub.Spawner.Engine.ListContainersAsync([$"{DockerSpawner.UserLabel}=box-ceti", $"{DockerSpawner.HubLabel}={hub.Spawner.HubId}"], CancellationToken.None));
        }
        finally { hub.DeleteDataRoot(); }
    }

    [Fact]
    public async Task A_missing_engine_socket_is_named_with_how_to_start_the_service()
    {
        // No engine needed: the socket path is wrong on purpose.
        await using var hub = await ContainerHub.StartAsync("/tmp/astrolabe-no-such-dir/podman.sock");
        try
        {
            var message = await FailedStartAsync(hub, "box-zeta");
            Assert.Contains("/tmp/astrolabe-no-such-dir/podman.sock", message);
            Assert.Contains("start-service.sh", message);
        }
        finally { hub.DeleteDataRoot(); }
    }

    /// <summary>Starts the user's server through the API and returns the failure message of its last progress event.</summary>
    private static async Task<string> FailedStartAsync(ContainerHub hub, string user)
    {
        using var client = await hub.UserClientAsync(user);
        var start = await client.Http.PostAsync($"/hub/api/users/{user}/server", null);
        if (start.StatusCode == HttpStatusCode.InternalServerError) // failed within the API's short wait: the answer says why
            return (await start.Content.ReadFromJsonAsync<JsonObject>())!["message"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        using var events = await client.Http.GetAsync($"/hub/api/users/{user}/server/progress", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await events.Content.ReadAsStreamAsync());
        JsonNode? last = null;
        while (await reader.ReadLineAsync() is { } line)
            if (line.StartsWith("data: ", StringComparison.Ordinal)) last = JsonNode.Parse(line[6..]);
        Assert.NotNull(last);
        Assert.True(last["failed"]!.GetValue<bool>(), last.ToJsonString());
        await WaitUntilAsync(async () => (await hub.Accounts.Store.FindServerAsync(user, ""))?.State is null or ServerState.Stopped);
        return last["message"]!.GetValue<string>();
    }

    private static async Task<HttpResponseMessage> Probe(Uri hub, string path)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try { return await http.GetAsync(new Uri(hub, path)); }
        catch (HttpRequestException) { return new HttpResponseMessage(HttpStatusCode.ServiceUnavailable); }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 600; i++)
        {
            if (await condition()) return;
            await Task.Delay(50);
        }
        Assert.Fail("condition not met within 30 s");
    }

    private static async Task<string> RunAsync(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        return output;
    }
}
