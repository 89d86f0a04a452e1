using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Astrolabe.Tests;

/// <summary>A real `astrolabe serve` process, for tests that restart or kill the platform.</summary>
public sealed class ServeProcess : IAsyncDisposable
{
    public const string AdminPassword = "admin-password-for-tests";
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    public Uri Url { get; }
    public string Output { get { lock (_output) return _output.ToString(); } }
    public int Pid => _process.Id;

    private ServeProcess(Process process, Uri url) { _process = process; Url = url; }

    public static async Task<ServeProcess> StartAsync(string dataRoot, int port, params string[] extra)
    {
        var url = new Uri($"http://127.0.0.1:{port}");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "astrolabe.dll"));
        foreach (var a in new[] { "serve", "--data-root", dataRoot, "--listen", url.ToString(), "--Hub:PasswordIterations=10000" }.Concat(extra))
            psi.ArgumentList.Add(a);
        psi.Environment["ASTROLABE_ADMIN_PASSWORD"] = AdminPassword;
        var process = Process.Start(psi)!;
        var serve = new ServeProcess(process, url);
        process.OutputDataReceived += (_, e) => { lock (serve._output) serve._output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (serve._output) serve._output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var i = 0; i < 600; i++)
        {
            if (process.HasExited) throw new InvalidOperationException($"astrolabe serve exited ({process.ExitCode}):\n{serve.Output}");
            try
            {
                var version = await http.GetFromJsonAsync<JsonObject>(new Uri(url, "/hub/api"));
                if (version?["version"] is not null) return serve;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException("astrolabe serve did not answer:\n" + serve.Output);
    }

    /// <summary>SIGKILL: no shutdown code runs, as in a crash or an OOM kill.</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Process.Start("kill", ["-TERM", _process.Id.ToString()])!.WaitForExit();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try { await _process.WaitForExitAsync(timeout.Token); } catch (OperationCanceledException) { _process.Kill(); }
        }
        _process.Dispose();
    }
}
