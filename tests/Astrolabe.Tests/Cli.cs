using System.Diagnostics;

namespace Astrolabe.Tests;

/// <summary>Runs the real `astrolabe` program (the built host, beside this test assembly).</summary>
public static class Cli
{
    public static async Task<(int Exit, string Out, string Err)> RunAsync(string[] args, string? stdin = null, IDictionary<string, string>? env = null)
    {
        using var p = Start(args, env);
        if (stdin is not null) await p.StandardInput.WriteAsync(stdin);
        p.StandardInput.Close();
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try { await p.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException)
        {
            // A program that should have ended (a serve that should have refused to start) is not left running.
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
            throw new TimeoutException($"astrolabe {string.Join(' ', args)} was still running after 2 minutes:\n{await output}\n{await error}");
        }
        return (p.ExitCode, await output, await error);
    }

    /// <summary>Starts the program with its standard streams redirected, for a test that acts while it runs.</summary>
    public static Process Start(string[] args, IDictionary<string, string>? env = null)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "astrolabe.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        return Process.Start(psi)!;
    }

    public static string TempDataRoot() => Path.Combine(Path.GetTempPath(), "astrolabe-cli-" + Guid.NewGuid().ToString("N")[..10]);

    /// <summary>A fresh folder path (<see cref="TempDataRoot"/>, not created) that is deleted with what it holds when
    /// disposed: `using var scratch = new Cli.TempFolder();` in place of try/finally in every test.</summary>
    public sealed class TempFolder : IDisposable
    {
        public string Path { get; } = TempDataRoot();

        public void Dispose()
        {
            try { if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true); }
            catch (IOException) { } // a server's process may still be letting go of a file: cleaning up is not the test
        }
    }
}
