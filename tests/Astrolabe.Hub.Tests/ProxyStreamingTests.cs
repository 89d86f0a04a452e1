using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Astrolabe.Hub.Tests;

/// <summary>The proxy streams bodies: a 1 GiB upload and a 1 GiB download pass through without the hub holding them.
/// The backend here is a plain Kestrel sink/source registered as the user's running server (a Jupyter server would
/// keep an upload in memory itself, which would hide what the proxy does).</summary>
[Collection("servers")]
public sealed class ProxyStreamingTests
{
    private const long OneGiB = 1L << 30;

    [Fact]
    public async Task A_1_GiB_upload_and_download_through_the_proxy_do_not_grow_memory()
    {
        var backendPort = HubHost.FreePort();
        var backend = WebApplication.CreateSlimBuilder();
        backend.WebHost.UseUrls($"http://127.0.0.1:{backendPort}");
        backend.Logging.ClearProviders();
        var sink = backend.Build();
        long received = 0;
        string? seenHost = null, seenForwardedFor = null;
        sink.MapPut("/user/big-ursa/upload", async (HttpContext http) =>
        {
            http.Features.Get<IHttpMaxRequestBodySizeFeature>()!.MaxRequestBodySize = null;
            seenHost = http.Request.Host.Value;
            seenForwardedFor = http.Request.Headers["X-Forwarded-For"];
            var buffer = new byte[81920];
            int n;
            while ((n = await http.Request.Body.ReadAsync(buffer)) > 0) received += n;
            return Results.Text(received.ToString());
        });
        sink.MapGet("/user/big-ursa/download", async (HttpContext http) =>
        {
            http.Response.ContentLength = OneGiB;
            var chunk = new byte[81920];
            for (long sent = 0; sent < OneGiB; sent += chunk.Length) await http.Response.Body.WriteAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, OneGiB - sent)));
        });
        await sink.StartAsync();
        try
        {
            await using var hub = await HubHost.StartAsync();
            await hub.AddUserAsync("big-ursa");
            var store = hub.Accounts.Store;
            await store.TransitionServerAsync("big-ursa", "", [State.ServerState.Stopped], State.ServerState.Starting);
            // The hub watches its servers' processes: give it a real (idle) process to watch for this one.
            using var stand = Process.Start("/usr/bin/setsid", ["/bin/sleep", "600"])!;
            var ticks = Sessions.Posix.ReadProcess(stand.Id)!.Value.StartTicks;
            await store.SetServerRunningAsync("big-ursa", "", $"http://127.0.0.1:{backendPort}/user/big-ursa/",
                $"{{\"Pid\":{stand.Id},\"StartTicks\":{ticks},\"Port\":{backendPort},\"Log\":\"/dev/null\"}}");
            using var client = await ApiClient.ForUserAsync(hub, "big-ursa");
            client.Http.Timeout = TimeSpan.FromMinutes(5);

            using var sampler = new PeakMemory();
            var upload = await client.Http.PutAsync("/user/big-ursa/upload", new StreamContent(new ZeroStream(OneGiB)));
            Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
            Assert.Equal(OneGiB.ToString(), await upload.Content.ReadAsStringAsync());
            Assert.Equal(hub.Url.Authority, seenHost); // the original Host is kept
            Assert.Equal("127.0.0.1", seenForwardedFor);

            using var download = await client.Http.GetAsync("/user/big-ursa/download", HttpCompletionOption.ResponseHeadersRead);
            await using var body = await download.Content.ReadAsStreamAsync();
            var buffer = new byte[81920];
            long total = 0;
            int n;
            while ((n = await body.ReadAsync(buffer)) > 0) total += n;
            Assert.Equal(OneGiB, total);

            var growth = sampler.PeakGrowthBytes;
            Assert.True(growth < 256L << 20, $"the process grew by {growth >> 20} MiB while 2 GiB passed through the proxy");
        }
        finally { await sink.StopAsync(); await sink.DisposeAsync(); }
    }

    /// <summary>Samples the process's resident memory and keeps the peak above the starting point.</summary>
    private sealed class PeakMemory : IDisposable
    {
        private readonly long _start = Current();
        private long _peak;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        public PeakMemory()
        {
            _peak = _start;
            _loop = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    _peak = Math.Max(_peak, Current());
                    try { await Task.Delay(20, _stop.Token); } catch (OperationCanceledException) { }
                }
            });
        }

        public long PeakGrowthBytes { get { _peak = Math.Max(_peak, Current()); return _peak - _start; } }

        private static long Current() { using var p = Process.GetCurrentProcess(); return p.WorkingSet64; }

        public void Dispose() { _stop.Cancel(); _loop.Wait(); _stop.Dispose(); }
    }

    /// <summary>A read-only stream of zeros of a given length, generated on the fly.</summary>
    private sealed class ZeroStream(long length) : Stream
    {
        private long _position;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - _position);
            Array.Clear(buffer, offset, n);
            _position += n;
            return n;
        }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
