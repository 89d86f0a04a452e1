using System.Text;
using Astrolabe.Hub.Sessions;
using Astrolabe.Hub.Sessions.Containers;

namespace Astrolabe.Hub.Tests.Containers;

/// <summary>The parts of the container spawner that need no engine: decoding the engine's log stream and checking settings.</summary>
public sealed class DockerSettingsAndLogTests
{
    private static byte[] Frame(byte stream, string text)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        var frame = new byte[8 + payload.Length];
        frame[0] = stream;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)payload.Length);
        payload.CopyTo(frame, 8);
        return frame;
    }

    [Fact]
    public void A_multiplexed_log_is_joined_in_order_without_frame_headers()
    {
        var body = Frame(1, "starting\n").Concat(Frame(2, "Traceback: ")).Concat(Frame(2, "No module named nbclassic\n")).Concat(Frame(1, "bye ✓\n")).ToArray();
        Assert.Equal("starting\nTraceback: No module named nbclassic\nbye ✓\n", LogStream.Decode(body));
    }

    [Fact]
    public void A_log_cut_inside_a_frame_keeps_what_arrived()
    {
        var body = Frame(1, "whole line\n").Concat(Frame(2, "half of a line")[..12]).ToArray();
        Assert.Equal("whole line\nhalf", LogStream.Decode(body)); // 8 header bytes + 4 of the payload
    }

    [Fact]
    public void A_raw_tty_log_is_read_as_text()
    {
        Assert.Equal("[I 12:00:00 NotebookApp] Serving\n", LogStream.Decode(Encoding.UTF8.GetBytes("[I 12:00:00 NotebookApp] Serving\n")));
        Assert.Equal("", LogStream.Decode([]));
    }

    [Fact]
    public void Wrong_container_settings_are_each_named()
    {
        var options = new HubOptions
        {
            Spawner = "docker",
            InternalApiUrl = "http://host.containers.internal:8000/hub/api",
            Docker = new DockerOptions
            {
                Socket = "podman.sock",
                Image = " ",
                MemoryLimitMiB = 10,
                CpuLimit = -1,
                PublishAddress = "localhost",
                ArchiveFolder = "archive",
                ExtraBinds = ["/data:/data:ro", "/scratch"],
                HubId = "no spaces",
            },
        };
        var errors = string.Join("\n", options.Validate());
        foreach (var setting in new[] { "Hub:Docker:Socket", "Hub:Docker:Image", "Hub:Docker:MemoryLimitMiB", "Hub:Docker:CpuLimit",
                     "Hub:Docker:PublishAddress", "Hub:Docker:ArchiveFolder", "Hub:Docker:ExtraBinds:1", "Hub:Docker:HubId" })
            Assert.Contains(setting, errors);
        Assert.DoesNotContain("Hub:Docker:ExtraBinds:0", errors);
    }

    [Fact]
    public void Hub_wide_limits_and_archive_apply_to_containers_unless_the_docker_settings_say_otherwise()
    {
        static ServerProfile Default(HubOptions o) => Assert.Single(new Profiles(o).All);
        var hubWide = new HubOptions { Spawner = "docker", MemoryLimitMiB = 3072, CpuLimit = 2, ArchivePath = "/srv/archive" };
        Assert.Equal((3072L, 2.0, "/srv/archive", hubWide.Docker.Image), (Default(hubWide).MemoryLimitMiB, Default(hubWide).CpuLimit, Default(hubWide).ArchivePath, Default(hubWide).Image));
        var own = new HubOptions
        {
            Spawner = "docker",
            MemoryLimitMiB = 3072,
            CpuLimit = 2,
            ArchivePath = "/srv/archive",
            Docker = new DockerOptions { MemoryLimitMiB = 0, CpuLimit = 0.5, ArchiveFolder = "/srv/other" },
        };
        Assert.Equal((0L, 0.5, "/srv/other"), (Default(own).MemoryLimitMiB, Default(own).CpuLimit, Default(own).ArchivePath));
    }

    [Fact]
    public void A_profile_gives_its_container_its_own_image_limits_and_archive()
    {
        var options = new HubOptions
        {
            Spawner = "docker",
            MemoryLimitMiB = 2048,
            Profiles =
            [
                new ProfileOptions { Name = "small" },
                new ProfileOptions { Name = "large", MemoryLimitMiB = 16384, CpuLimit = 4, Image = "localhost/astro-big:2", ArchivePath = "/srv/alma", Groups = ["alma"] },
            ],
        };
        var profiles = new Profiles(options);
        using var spawner = new DockerSpawner(options, new Sessions.UnixAccounts("astro-"));
        var env = new Dictionary<string, string>();
        var large = spawner.Spec(new SpawnRequest("ada", "", "/user/ada/", env, profiles.All[1]), "/data/users/ada", (1001, 1001));
        Assert.Equal("localhost/astro-big:2", large.Image);
        Assert.NotNull(large.HostConfig);
        Assert.Equal(16384L * 1024 * 1024, large.HostConfig.Memory);
        Assert.Equal(4_000_000_000L, large.HostConfig.NanoCpus);
        Assert.Contains($"/srv/alma:{options.Docker.ArchiveMountPath}:ro", large.HostConfig.Binds!);
        var small = spawner.Spec(new SpawnRequest("ada", "", "/user/ada/", env, profiles.All[0]), "/data/users/ada", (1001, 1001));
        Assert.Equal(options.Docker.Image, small.Image);
        Assert.NotNull(small.HostConfig);
        Assert.Equal(2048L * 1024 * 1024, small.HostConfig.Memory);
        Assert.Null(small.HostConfig.NanoCpus);
        Assert.DoesNotContain(small.HostConfig.Binds!, b => b.EndsWith(":ro", StringComparison.Ordinal));
    }

    [Fact]
    public void The_container_spawner_needs_an_api_url_its_containers_can_reach()
    {
        var errors = new HubOptions { Spawner = "docker" }.Validate();
        Assert.Contains(errors, e => e.Contains("Hub:InternalApiUrl") && e.Contains("host.containers.internal"));
        Assert.Empty(new HubOptions { Spawner = "docker", InternalApiUrl = "http://host.containers.internal:8000/hub/api" }.Validate());
        Assert.Contains(new HubOptions { Spawner = "kubernetes" }.Validate(), e => e.Contains("Hub:Spawner"));
    }
}
