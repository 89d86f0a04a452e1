using System.Diagnostics;

namespace Astrolabe.Hub.Tests.Containers;

/// <summary>The real Podman on this machine, serving the Docker Engine API, with the notebook image built. Set up
/// once per test run by the deploy/podman scripts (both idempotent; the image is cached by tag, so only the first run
/// on a machine pays for the build). `ASTROLABE_PODMAN_SOCKET` names an already running service instead.</summary>
public static class Podman
{
    public const string Image = "localhost/astrolabe-notebook:bookworm-1";

    private static readonly Lazy<Task<string>> Ready = new(SetUpAsync);

    /// <summary>The socket of a running service with the image present.</summary>
    public static Task<string> SocketAsync() => Ready.Value;

    private static async Task<string> SetUpAsync()
    {
        var scripts = Path.Combine(RepositoryRoot(), "deploy", "podman");
        var socket = Environment.GetEnvironmentVariable("ASTROLABE_PODMAN_SOCKET") is { Length: > 0 } s ? s
            : (await RunAsync(Path.Combine(scripts, "start-service.sh"), TimeSpan.FromMinutes(1))).Trim().Split('\n')[^1];
        await RunAsync(Path.Combine(scripts, "build-image.sh"), TimeSpan.FromMinutes(15), Image);
        return socket;
    }

    private static async Task<string> RunAsync(string script, TimeSpan limit, params string[] args)
    {
        var psi = new ProcessStartInfo(script) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try { await process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{script} did not finish within {limit}: {await stderr}");
        }
        if (process.ExitCode != 0) throw new InvalidOperationException($"{script} failed ({process.ExitCode}): {await stderr}{await stdout}");
        return await stdout;
    }

    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Astrolabe.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Repository root (Astrolabe.slnx) not found.");
    }
}
