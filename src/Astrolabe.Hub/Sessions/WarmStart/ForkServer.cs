using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Astrolabe.Hub.Sessions.WarmStart;

/// <summary>What the fork server's child becomes: the same program, arguments, environment, log, control groups,
/// sandbox (the namespaces a bubblewrap process holds), limits and account as the exec'd start would use.</summary>
internal sealed record ForkRequest(string Program, IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string> Environment,
    string WorkingDirectory, string Log, IReadOnlyList<string> ControlGroups, int? NamespaceHolder, int? Uid, int? Gid, long? AddressSpaceLimit);

/// <summary>The hub's side of warm start (forkserver.py): a root Python process, started with the interpreter of the
/// server's program, that imported the server's modules once and forks a child per server. One per hub process; it
/// exits when the hub does, and the servers it forked keep running.</summary>
internal sealed class ForkServer : IDisposable
{
    private const string Modules = "jupyterhub.singleuser";
    private readonly Process _process;
    private readonly string _socket;

    private ForkServer(Process process, string socket)
    {
        _process = process;
        _socket = socket;
    }

    private int _disposed;

    public bool IsRunning => Volatile.Read(ref _disposed) == 0 && !_process.HasExited;

    /// <summary>The interpreter of a `#!/absolute/python` program, or null when the program is not a Python script.</summary>
    public static string? PythonOf(string program)
    {
        try
        {
            var first = File.ReadLines(program).FirstOrDefault() ?? "";
            if (!first.StartsWith("#!/", StringComparison.Ordinal)) return null;
            var interpreter = first[2..].Trim().Split(' ')[0];
            return Path.GetFileName(interpreter).StartsWith("python", StringComparison.Ordinal) && File.Exists(interpreter) ? interpreter : null;
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    /// <summary>Starts the fork server in <paramref name="runDirectory"/> and waits until it has imported the modules.</summary>
    public static async Task<ForkServer> StartAsync(string python, string runDirectory, IReadOnlyDictionary<string, string> environment,
        ILogger log, CancellationToken ct)
    {
        Directory.CreateDirectory(runDirectory);
        File.SetUnixFileMode(runDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var script = Path.Combine(runDirectory, "forkserver.py");
        await using (var resource = typeof(ForkServer).Assembly.GetManifestResourceStream("Astrolabe.Hub.WarmStart.forkserver.py")
                                    ?? throw new InvalidOperationException("forkserver.py is not embedded in Astrolabe.Hub"))
        await using (var file = File.Create(script))
        {
            await resource.CopyToAsync(file, ct);
        }
        var socket = Path.Combine(runDirectory, $"forkserver-{Environment.ProcessId}.sock");
        // A Unix socket path has room for 107 bytes.
        if (Encoding.UTF8.GetByteCount(socket) > 100) throw new InvalidOperationException($"the socket path {socket} is too long for a Unix socket");
        var psi = new ProcessStartInfo(python) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = runDirectory };
        // -E -s: none of root's PYTHON* settings or user site-packages in the process every server is forked from.
        foreach (var a in new[] { "-E", "-s", script, socket, Modules }) psi.ArgumentList.Add(a);
        psi.Environment.Clear();
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        psi.Environment["HOME"] = runDirectory;
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {python}");
        process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line) log.LogWarning("Warm start: {Line}", line); };
        process.BeginErrorReadLine();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(120));
        string? ready;
        try
        {
            ready = await process.StandardOutput.ReadLineAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new InvalidOperationException("the warm-start process did not get ready within 120 s");
        }
        if (ready is null || !ready.StartsWith("ready", StringComparison.Ordinal))
        {
            await process.WaitForExitAsync(CancellationToken.None);
            throw new InvalidOperationException($"the warm-start process ended at start (exit code {process.ExitCode})");
        }
        log.LogInformation("Warm start ready (pid {Pid}): {Ready}", process.Id, ready);
        return new ForkServer(process, socket);
    }

    /// <summary>Forks a server. Returns its pid once it runs as the user inside its sandbox; a set-up failure throws
    /// <see cref="SpawnException"/> with the reason.</summary>
    public async Task<int> ForkAsync(ForkRequest request, CancellationToken ct)
    {
        using var connection = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await connection.ConnectAsync(new UnixDomainSocketEndPoint(_socket), ct);
        await using var stream = new NetworkStream(connection, ownsSocket: false);
        await stream.WriteAsync(Encode(request), ct);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        var line = await reader.ReadLineAsync(timeout.Token) ?? throw new IOException("the warm-start process closed the connection");
        using var reply = JsonDocument.Parse(line);
        if (reply.RootElement.TryGetProperty("pid", out var pid)) return pid.GetInt32();
        throw new SpawnException($"The server could not be set up: {reply.RootElement.GetProperty("error").GetString()}");
    }

    private static byte[] Encode(ForkRequest r)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("program", r.Program);
            json.WriteStartArray("argv");
            foreach (var a in r.Arguments) json.WriteStringValue(a);
            json.WriteEndArray();
            json.WriteStartObject("env");
            foreach (var (k, v) in r.Environment) json.WriteString(k, v);
            json.WriteEndObject();
            json.WriteString("cwd", r.WorkingDirectory);
            json.WriteString("log", r.Log);
            json.WriteStartArray("cgroups");
            foreach (var g in r.ControlGroups) json.WriteStringValue(g);
            json.WriteEndArray();
            WriteNumberOrNull(json, "namespaces", r.NamespaceHolder);
            WriteNumberOrNull(json, "uid", r.Uid);
            WriteNumberOrNull(json, "gid", r.Gid);
            WriteNumberOrNull(json, "rlimit_as", r.AddressSpaceLimit);
            json.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    private static void WriteNumberOrNull(Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } v) json.WriteNumber(name, v);
        else json.WriteNull(name);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        try
        {
            if (!_process.HasExited) _process.Kill();
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}
