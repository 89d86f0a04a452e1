using System.Net;
using System.Net.Sockets;

namespace Astrolabe.Tests;

/// <summary>`astrolabe serve` meeting an operator's mistakes.</summary>
public class ServeCommandTests
{
    [Fact]
    public async Task An_address_already_in_use_is_reported_in_one_line_that_says_what_to_do()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;
        using var scratch = new Cli.TempFolder();
        var root = scratch.Path;
        var serve = await Cli.RunAsync(["serve", "--listen", $"http://127.0.0.1:{port}", "--data-root", root]);
        Assert.True(serve.Exit == 1, $"exit {serve.Exit}: {serve.Err}");
        Assert.Contains("address already in use", serve.Err);
        Assert.Contains("--listen", serve.Err);
        // The error output is that one line (the log, on standard output, still carries the host's own report).
        Assert.Single(serve.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        // The background loops, stopped before they ever ran, do not report themselves as crashed.
        Assert.Contains("Hosting failed to start", serve.Out);
        Assert.DoesNotContain("BackgroundService failed", serve.Out);
        Assert.DoesNotContain("crit:", serve.Out);
    }
}
