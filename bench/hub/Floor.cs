using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

/// <summary>The floor under any hub's spawn time: `jupyterhub-singleuser` started by hand (as a Unix account, through
/// setpriv like a hub would, with the environment a hub gives it) until its first HTTP answer, polled every 5 ms.
/// The server's start-up call to the hub API goes to `apiUrl`.</summary>
static class Floor
{
    public static async Task<double> StartAsync(string account, string home, Uri apiUrl)
    {
        int port;
        using (var l = new TcpListener(IPAddress.Loopback, 0)) { l.Start(); port = ((IPEndPoint)l.LocalEndpoint).Port; }
        var psi = new ProcessStartInfo("/usr/bin/setpriv") { WorkingDirectory = home, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { $"--reuid={account}", $"--regid={account}", "--init-groups", "--", "/usr/bin/jupyterhub-singleuser", "--ip=127.0.0.1", $"--port={port}" })
            psi.ArgumentList.Add(a);
        psi.Environment.Clear();
        var api = apiUrl.ToString().TrimEnd('/');
        foreach (var (k, v) in new Dictionary<string, string>
        {
            ["JUPYTERHUB_API_TOKEN"] = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()), ["JUPYTERHUB_CLIENT_ID"] = "jupyterhub-user-floor",
            ["JUPYTERHUB_API_URL"] = api, ["JUPYTERHUB_ACTIVITY_URL"] = $"{api}/users/floor/activity", ["JUPYTERHUB_SERVICE_PREFIX"] = "/user/floor/",
            ["JUPYTERHUB_USER"] = "floor", ["JUPYTERHUB_SERVER_NAME"] = "", ["JUPYTERHUB_OAUTH_CALLBACK_URL"] = "/user/floor/oauth_callback",
            ["JUPYTERHUB_OAUTH_SCOPES"] = "[]", ["JUPYTERHUB_OAUTH_ACCESS_SCOPES"] = "[]", ["JUPYTERHUB_BASE_URL"] = "/", ["JUPYTERHUB_HOST"] = "",
            ["JUPYTERHUB_DEFAULT_URL"] = "/tree", ["HOME"] = home, ["USER"] = account, ["SHELL"] = "/bin/bash", ["PATH"] = "/usr/local/bin:/usr/bin:/bin", ["LANG"] = "C.UTF-8",
        }) psi.Environment[k] = v;
        using var probe = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };
        var url = new Uri($"http://127.0.0.1:{port}/user/floor/api");
        var sw = Stopwatch.StartNew();
        using var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            while (true)
            {
                if (process.HasExited) throw new InvalidOperationException($"jupyterhub-singleuser exited ({process.ExitCode}) when started by hand");
                if (sw.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException("jupyterhub-singleuser started by hand did not answer in 60 s");
                try { using var response = await probe.GetAsync(url); return sw.Elapsed.TotalMilliseconds; }
                catch (HttpRequestException) { await Task.Delay(5); }
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
                if (!process.WaitForExit(10_000)) process.Kill(entireProcessTree: true);
            }
        }
    }
}
