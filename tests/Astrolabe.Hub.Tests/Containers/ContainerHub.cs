using Astrolabe.Hub.Identity;
using Astrolabe.Hub.Sessions;
using Astrolabe.Hub.Sessions.Containers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Astrolabe.Hub.Tests.Containers;

/// <summary>A real hub whose servers run as containers in the real Podman. It listens on every address so that
/// servers reach its API from their containers as `host.containers.internal` (Podman's name for the host's end of its
/// bridge); tests talk to it on the loopback. Unlike <see cref="HubHost"/> it can shut down *without* stopping its
/// servers, as a crashed or upgraded hub would, so a second hub on the same data root can adopt them.</summary>
public sealed class ContainerHub : IAsyncDisposable
{
    public WebApplication App { get; }
    public Uri Url { get; }
    public string DataRoot { get; }
    public int Port { get; }
    public Accounts Accounts => App.Services.GetRequiredService<Accounts>();
    public ServerSessions Sessions => App.Services.GetRequiredService<ServerSessions>();
    public DockerSpawner Spawner => (DockerSpawner)App.Services.GetRequiredService<ISpawner>();
    private bool _stopped;

    private ContainerHub(WebApplication app, string dataRoot, int port)
    {
        App = app; DataRoot = dataRoot; Port = port; Url = new Uri($"http://127.0.0.1:{port}");
    }

    public static async Task<ContainerHub> StartAsync(string socket, string? dataRoot = null, int? port = null, IDictionary<string, string?>? settings = null)
    {
        dataRoot ??= Path.Combine(Path.GetTempPath(), "astrolabe-ctest-" + Guid.NewGuid().ToString("N")[..10]);
        port ??= HubHost.FreePort();
        var config = new Dictionary<string, string?>
        {
            ["DataRoot"] = dataRoot,
            ["Listen"] = $"http://0.0.0.0:{port}",
            ["Hub:InternalApiUrl"] = $"http://host.containers.internal:{port}/hub/api",
            ["Hub:PasswordIterations"] = "10000",
            ["Hub:Spawner"] = "docker",
            ["Hub:Docker:Socket"] = socket,
            ["Hub:Docker:Image"] = Podman.Image,
            ["Hub:Docker:MemoryLimitMiB"] = "512",
            ["Hub:Docker:CpuLimit"] = "1",
            ["Hub:Docker:StopGraceSeconds"] = "5",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) config[k] = v;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(config);
        builder.WebHost.UseUrls($"http://0.0.0.0:{port}");
        builder.Logging.ClearProviders();
        builder.Services.AddHub(builder.Configuration);
        var app = builder.Build();
        app.MapHub();
        await app.StartAsync();
        return new ContainerHub(app, dataRoot, port.Value);
    }

    public async Task<ApiClient> UserClientAsync(string user)
    {
        await Accounts.AddUserAsync(user, false, "pw-" + Secrets.New()[..12]);
        var record = (await Accounts.Store.FindUserAsync(user))!;
        var (token, _) = await Accounts.CreateTokenAsync(record, null, "test", null);
        return new ApiClient(Url, token);
    }

    /// <summary>Shuts the hub down and leaves its servers running, as a hub that is killed or upgraded does.</summary>
    public async Task StopLeavingServersAsync()
    {
        if (_stopped) return;
        _stopped = true;
        await App.StopAsync();
        await App.DisposeAsync();
    }

    /// <summary>Stops every server, then the hub; removes the data root.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            try { await Sessions.StopAllAsync(CancellationToken.None); } catch { /* best effort */ }
            await StopLeavingServersAsync();
        }
    }

    public void DeleteDataRoot()
    {
        try { Directory.Delete(DataRoot, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
