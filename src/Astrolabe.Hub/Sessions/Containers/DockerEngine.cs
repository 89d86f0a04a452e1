using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Astrolabe.Hub.Sessions.Containers;

/// <summary>A thin client for the Docker Engine API (served by Docker or by `podman system service`) over a Unix
/// socket: just the calls the container spawner needs. Podman answers a name conflict with 500 rather than 409 and
/// adds fields to error bodies; both are handled by reading only `message`.</summary>
public sealed class DockerEngine : IDisposable
{
    /// <summary>The API version both Docker (≥ 20.10) and Podman (≥ 4) serve.</summary>
    public const string ApiVersion = "v1.41";

    private static DockerJsonContext Json => DockerJsonContext.Default;

    private readonly HttpClient _http;
    public string SocketPath { get; }

    public DockerEngine(string socketPath, TimeSpan? timeout = null)
    {
        SocketPath = socketPath;
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch (SocketException e)
                {
                    socket.Dispose();
                    throw new DockerEngineException(0, File.Exists(socketPath)
                        ? $"The container engine does not answer on {socketPath} ({e.SocketErrorCode}); is the service running? (deploy/podman/start-service.sh)"
                        : $"The container engine socket {socketPath} does not exist; start the service (deploy/podman/start-service.sh) or fix setting Hub:Docker:Socket.");
                }
            },
        };
        // The host name is never resolved (the socket is fixed above); it only fills the Host header.
        _http = new HttpClient(handler) { BaseAddress = new Uri($"http://docker/{ApiVersion}/"), Timeout = timeout ?? TimeSpan.FromSeconds(60) };
    }

    public async Task PingAsync(CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Get, "_ping", null, ct);
        await EnsureAsync(response, "ping", ct);
    }

    /// <summary>Whether an image with this reference is in the engine's local store (nothing is ever pulled).</summary>
    public async Task<bool> ImageExistsAsync(string image, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Get, $"images/{Uri.EscapeDataString(image)}/json", null, ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return false;
        await EnsureAsync(response, $"inspect image {image}", ct);
        return true;
    }

    /// <summary>Creates a container and returns its id.</summary>
    public async Task<string> CreateContainerAsync(string name, ContainerSpec spec, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Post, $"containers/create?name={Uri.EscapeDataString(name)}", JsonContent.Create(spec, Json.ContainerSpec), ct);
        await EnsureAsync(response, $"create container {name}", ct);
        var created = await response.Content.ReadFromJsonAsync(Json.CreatedContainer, ct);
        return created?.Id is { Length: > 0 } id ? id : throw new DockerEngineException((int)response.StatusCode, "the engine created a container but returned no id");
    }

    public async Task StartContainerAsync(string id, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Post, $"containers/{Uri.EscapeDataString(id)}/start", null, ct);
        if (response.StatusCode == HttpStatusCode.NotModified) return; // already running
        await EnsureAsync(response, $"start container {id}", ct);
    }

    /// <summary>The container's state, or null when there is no such container.</summary>
    public async Task<ContainerInfo?> InspectContainerAsync(string id, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Get, $"containers/{Uri.EscapeDataString(id)}/json", null, ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        await EnsureAsync(response, $"inspect container {id}", ct);
        var json = await response.Content.ReadFromJsonAsync(Json.JsonObject, ct) ?? throw new DockerEngineException(200, "empty inspect answer");
        return ContainerInfo.From(json);
    }

    /// <summary>The last lines of the container's stdout and stderr, interleaved as written.</summary>
    public async Task<string> ReadLogsAsync(string id, int tail, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Get, $"containers/{Uri.EscapeDataString(id)}/logs?stdout=true&stderr=true&tail={tail}", null, ct);
        await EnsureAsync(response, $"read logs of container {id}", ct);
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        return await LogStream.ReadTextAsync(body, ct);
    }

    /// <summary>Asks the container to stop (SIGTERM, then SIGKILL after <paramref name="graceSeconds"/>). No error
    /// when it is already stopped or gone.</summary>
    public async Task StopContainerAsync(string id, int graceSeconds, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Post, $"containers/{Uri.EscapeDataString(id)}/stop?t={graceSeconds}", null, ct);
        if (response.StatusCode is HttpStatusCode.NotModified or HttpStatusCode.NotFound) return;
        await EnsureAsync(response, $"stop container {id}", ct);
    }

    /// <summary>Waits until the container is not running and returns its exit code (null when it is gone).</summary>
    public async Task<int?> WaitContainerAsync(string id, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Post, $"containers/{Uri.EscapeDataString(id)}/wait?condition=not-running", null, ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        await EnsureAsync(response, $"wait for container {id}", ct);
        var json = await response.Content.ReadFromJsonAsync(Json.JsonObject, ct);
        return json?["StatusCode"]?.GetValue<int>();
    }

    /// <summary>Removes the container (killing it if it still runs) and its anonymous volumes. No error when it is gone.</summary>
    public async Task DeleteContainerAsync(string id, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Delete, $"containers/{Uri.EscapeDataString(id)}?force=true&v=true", null, ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return;
        await EnsureAsync(response, $"remove container {id}", ct);
    }

    /// <summary>Containers (running or not) carrying every given label; each filter is `key=value` or `key`.</summary>
    public async Task<IReadOnlyList<ContainerSummary>> ListContainersAsync(IEnumerable<string> labelFilters, CancellationToken ct)
    {
        var filters = JsonSerializer.Serialize(new Dictionary<string, string[]> { ["label"] = labelFilters.ToArray() }, Json.DictionaryStringStringArray);
        using var response = await SendAsync(HttpMethod.Get, $"containers/json?all=true&filters={Uri.EscapeDataString(filters)}", null, ct);
        await EnsureAsync(response, "list containers", ct);
        return await response.Content.ReadFromJsonAsync(Json.ListContainerSummary, ct) ?? [];
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (HttpRequestException e) when (e.InnerException is DockerEngineException engine) { throw engine; }
    }

    private static async Task EnsureAsync(HttpResponseMessage response, string what, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode) return;
        var body = await response.Content.ReadAsStringAsync(ct);
        string message;
        try { message = JsonNode.Parse(body)?["message"]?.GetValue<string>() ?? body; }
        catch (JsonException) { message = body; }
        throw new DockerEngineException((int)response.StatusCode, $"could not {what}: {message.Trim()} (HTTP {(int)response.StatusCode})");
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>The Docker Engine API's JSON, generated at compile time (kept by trimmed and native builds). The API's names
/// are PascalCase, as our records' are; absent settings are left out rather than sent as null. Names are read ignoring
/// case, as Docker's and Podman's answers differ in places.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(ContainerSpec))]
[JsonSerializable(typeof(CreatedContainer))]
[JsonSerializable(typeof(List<ContainerSummary>))]
[JsonSerializable(typeof(Dictionary<string, string[]>))]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class DockerJsonContext : JsonSerializerContext;

/// <summary>An error answer from the container engine, or no answer at all (status 0).</summary>
public sealed class DockerEngineException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}
