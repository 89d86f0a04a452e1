using System.Net;
using System.Text.Json.Nodes;

namespace Astrolabe.Hub.Tests;

/// <summary>What the API says about a server while it stops and after. The server here is a stand-in, a small Python
/// HTTP server that ignores SIGINT, because a real jupyterhub-singleuser stops within a second and the state in
/// between could not be caught reliably; with it the stop takes the spawner's full SIGINT wait (10 s) before SIGTERM.</summary>
public sealed class StoppingTests
{
    private const string SlowToStop = """
        #!/usr/bin/python3
        import http.server, signal, sys
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        port = int(next(a for a in sys.argv if a.startswith("--port=")).split("=")[1])
        class Answer(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200); self.send_header("Content-Type", "application/json"); self.end_headers()
                self.wfile.write(b'{"version": "stand-in"}')
        http.server.HTTPServer(("127.0.0.1", port), Answer).serve_forever()
        """;

    [Fact]
    public async Task A_start_while_the_server_stops_is_refused_and_a_stopped_server_is_not_reported_ready()
    {
        using var standIn = new StandInProgram("slow-to-stop", SlowToStop);
        try
        {
            await using var hub = await HubHost.StartAsync(standIn.Settings());
            await hub.AddUserAsync("stop-sam");
            using var api = await ApiClient.ForUserAsync(hub, "stop-sam");

            using (var start = await api.Http.PostAsync("/hub/api/users/stop-sam/server", null))
                Assert.True(start.IsSuccessStatusCode, $"start: {(int)start.StatusCode} {await start.Content.ReadAsStringAsync()}");
            Assert.True((await ServerSteps.LastProgressEventAsync(api.Http, "stop-sam"))["ready"]!.GetValue<bool>());

            // The stop waits 5 s, then answers 202 while the server still ignores its SIGINT.
            using (var stop = await api.Http.DeleteAsync("/hub/api/users/stop-sam/server"))
                Assert.Equal(HttpStatusCode.Accepted, stop.StatusCode);
            Assert.Equal(State.ServerState.Stopping, (await hub.Accounts.Store.FindServerAsync("stop-sam", ""))!.State);
            using (var again = await api.Http.PostAsync("/hub/api/users/stop-sam/server", null))
            {
                Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
                Assert.Contains("still stopping", await again.Content.ReadAsStringAsync());
            }
            var stopping = await ServerSteps.LastProgressEventAsync(api.Http, "stop-sam");
            Assert.False(stopping["ready"]!.GetValue<bool>());
            Assert.Equal("The server is stopping.", stopping["message"]!.GetValue<string>());

            // SIGTERM ends it; then the progress stream says so instead of replaying the old start's "ready".
            for (var i = 0; i < 300 && (await hub.Accounts.Store.FindServerAsync("stop-sam", ""))!.State != State.ServerState.Stopped; i++)
                await Task.Delay(100);
            Assert.Equal(State.ServerState.Stopped, (await hub.Accounts.Store.FindServerAsync("stop-sam", ""))!.State);
            var stopped = await ServerSteps.LastProgressEventAsync(api.Http, "stop-sam");
            Assert.False(stopped["ready"]!.GetValue<bool>());
            Assert.True(stopped["failed"]!.GetValue<bool>());
            Assert.Equal("The server is not running.", stopped["message"]!.GetValue<string>());

            // And it starts again.
            using (var restart = await api.Http.PostAsync("/hub/api/users/stop-sam/server", null))
                Assert.True(restart.IsSuccessStatusCode, $"restart: {(int)restart.StatusCode} {await restart.Content.ReadAsStringAsync()}");
            Assert.True((await ServerSteps.LastProgressEventAsync(api.Http, "stop-sam"))["ready"]!.GetValue<bool>());
        }
        finally
        {
            // Servers outlive their hub by design; this one would take the 10 s SIGINT wait again, so end it here.
            using (var kill = System.Diagnostics.Process.Start("/usr/bin/pkill", ["-TERM", "-f", standIn.Path])) await kill.WaitForExitAsync();
        }
    }
}
