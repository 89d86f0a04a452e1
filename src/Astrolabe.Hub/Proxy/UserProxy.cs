using System.Buffers;
using System.Net.Sockets;
using System.Text;
using Astrolabe.Hub.Identity;
using Astrolabe.Hub.Sessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace Astrolabe.Hub.Proxy;

/// <summary>Forwards `/user/{name}/...` to the user's server: HTTP with streamed bodies in both directions, and
/// WebSocket upgrades as a byte tunnel. Keeps the original Host, adds X-Forwarded-*, lets only the owner (or an
/// administrator, or a token with access to that server) through, and stamps activity.</summary>
public sealed class UserProxy(ServerSessions sessions)
{
    private static readonly HttpMessageInvoker Client = new(new SocketsHttpHandler
    {
        UseProxy = false, AllowAutoRedirect = false, UseCookies = false, AutomaticDecompression = System.Net.DecompressionMethods.None,
        ConnectTimeout = TimeSpan.FromSeconds(10), PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
    });

    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Transfer-Encoding", "TE", "Trailer", "Upgrade", "Proxy-Authorization", "Proxy-Authenticate",
        "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host",
    };

    public async Task HandleAsync(HttpContext context)
    {
        var segments = context.Request.Path.Value!.Split('/', 4); // "", "user", name, rest
        var user = segments.Length > 2 ? segments[2] : "";
        if (!UserName.IsValid(user, out _)) { await HubErrors.WriteAsync(context, 404, "No such user server."); return; }
        // `/user/alice/<server>/...` goes to a named server when alice runs one by that name; anything else to her default server.
        var server = "";
        if (segments.Length > 3 && segments[3].Split('/')[0] is { Length: > 0 } first && ServerName.IsValid(first, out _)
            && await sessions.RouteAsync(user, first, context.RequestAborted) is not null)
            server = first;

        var auth = await context.AuthenticateAsync(HubAuthentication.SchemeName);
        if (!auth.Succeeded)
        {
            if (WantsHtml(context.Request) && !IsUpgrade(context))
                context.Response.Redirect("/hub/login?next=" + Uri.EscapeDataString(context.Request.Path + context.Request.QueryString));
            else await HubErrors.WriteAsync(context, 403, auth.Failure?.Message is { } m ? $"Not allowed: {m}." : "Not allowed: log in or send a token.");
            return;
        }
        if (!Scopes.Allows(auth.Principal!, Scopes.AccessServers, user, server))
        {
            await HubErrors.WriteAsync(context, 403, $"You may not access the server of user '{user}'.");
            return;
        }
        var target = await sessions.RouteAsync(user, server, context.RequestAborted);
        if (target is null)
        {
            if (WantsHtml(context.Request) && !IsUpgrade(context)) context.Response.Redirect("/hub/home?stopped=" + Uri.EscapeDataString(user));
            else await HubErrors.WriteAsync(context, 503, $"The server of user '{user}' is not running. Start it from /hub/home or POST /hub/api/users/{user}/server.");
            return;
        }
        sessions.StampActivity(user, server);
        if (IsUpgrade(context)) await TunnelAsync(context, target);
        else await ForwardAsync(context, target);
    }

    private static bool WantsHtml(HttpRequest request) => request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);

    private static bool IsUpgrade(HttpContext context) =>
        context.Features.Get<IHttpUpgradeFeature>()?.IsUpgradableRequest == true &&
        context.Request.Headers.Upgrade.ToString().Contains("websocket", StringComparison.OrdinalIgnoreCase);

    private static async Task ForwardAsync(HttpContext context, Uri target)
    {
        var request = context.Request;
        var url = new Uri(target, request.Path.Value + request.QueryString.Value);
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), url) { Version = new Version(1, 1) };
        var hasBody = request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0;
        if (hasBody)
        {
            // A proxied body has no size limit here: it is streamed through, never held.
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = null;
            message.Content = new StreamContent(request.Body, 81920);
        }
        foreach (var (name, values) in request.Headers)
        {
            if (HopByHop.Contains(name) || name.Equals("Host", StringComparison.OrdinalIgnoreCase)) continue;
            var value = name.Equals("Cookie", StringComparison.OrdinalIgnoreCase) ? WithoutHubCookie(values) : values;
            if (StringValues.IsNullOrEmpty(value)) continue;
            if (!message.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)value) && message.Content is not null)
                message.Content.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)value);
        }
        message.Headers.Host = request.Host.Value; // jupyter_server compares Origin with Host
        AddForwarded(context, (n, v) => message.Headers.TryAddWithoutValidation(n, v));

        HttpResponseMessage response;
        try { response = await Client.SendAsync(message, context.RequestAborted); }
        catch (HttpRequestException e)
        {
            await HubErrors.WriteAsync(context, 502, $"The notebook server did not answer: {e.Message}");
            return;
        }
        using (response)
        {
            context.Response.StatusCode = (int)response.StatusCode;
            foreach (var (name, values) in response.Headers)
                if (!HopByHop.Contains(name)) context.Response.Headers[name] = values.ToArray();
            foreach (var (name, values) in response.Content.Headers)
                context.Response.Headers[name] = values.ToArray();
            context.Response.Headers.Remove("Transfer-Encoding");
            await using var body = await response.Content.ReadAsStreamAsync(context.RequestAborted);
            var buffer = ArrayPool<byte>.Shared.Rent(81920);
            try
            {
                int n;
                while ((n = await body.ReadAsync(buffer, context.RequestAborted)) > 0)
                {
                    await context.Response.Body.WriteAsync(buffer.AsMemory(0, n), context.RequestAborted);
                    await context.Response.Body.FlushAsync(context.RequestAborted); // event streams must not wait
                }
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested) { }
            finally { ArrayPool<byte>.Shared.Return(buffer); }
        }
    }

    /// <summary>WebSocket: replay the handshake to the server with the original headers, and if it agrees (101),
    /// upgrade the client connection and copy bytes both ways until either side closes.</summary>
    private static async Task TunnelAsync(HttpContext context, Uri target)
    {
        using var tcp = new TcpClient { NoDelay = true };
        try { await tcp.ConnectAsync(target.Host, target.Port, context.RequestAborted); }
        catch (SocketException e)
        {
            await HubErrors.WriteAsync(context, 502, $"The notebook server did not answer: {e.Message}");
            return;
        }
        var upstream = tcp.GetStream();
        var head = new StringBuilder();
        head.Append(context.Request.Method).Append(' ').Append(context.Request.Path.Value).Append(context.Request.QueryString.Value).Append(" HTTP/1.1\r\n");
        foreach (var (name, values) in context.Request.Headers)
        {
            if (name.StartsWith("X-Forwarded-", StringComparison.OrdinalIgnoreCase)) continue;
            var value = name.Equals("Cookie", StringComparison.OrdinalIgnoreCase) ? WithoutHubCookie(values) : values;
            foreach (var v in value) if (v is not null && !v.Contains('\n')) head.Append(name).Append(": ").Append(v).Append("\r\n");
        }
        AddForwarded(context, (n, v) => head.Append(n).Append(": ").Append(v).Append("\r\n"));
        head.Append("\r\n");
        await upstream.WriteAsync(Encoding.Latin1.GetBytes(head.ToString()), context.RequestAborted);

        // Read the server's answer head.
        var buffer = new byte[16384];
        var filled = 0;
        int end;
        while ((end = IndexOfHeadEnd(buffer.AsSpan(0, filled))) < 0)
        {
            if (filled == buffer.Length) { await HubErrors.WriteAsync(context, 502, "The notebook server sent an oversized handshake."); return; }
            var n = await upstream.ReadAsync(buffer.AsMemory(filled), context.RequestAborted);
            if (n == 0) { await HubErrors.WriteAsync(context, 502, "The notebook server closed the WebSocket handshake."); return; }
            filled += n;
        }
        var lines = Encoding.Latin1.GetString(buffer, 0, end).Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        context.Response.StatusCode = status;
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0) continue;
            var name = line[..colon].Trim();
            if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase) || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)) continue;
            context.Response.Headers.Append(name, line[(colon + 1)..].Trim());
        }
        var rest = buffer.AsMemory(end + 4, filled - end - 4);
        if (status != 101)
        {
            // A refusal (403 for a bad origin, 404...): pass on what the server sent.
            context.Response.Headers.Remove("Upgrade");
            await context.Response.Body.WriteAsync(rest, context.RequestAborted);
            return;
        }
        var client = await context.Features.Get<IHttpUpgradeFeature>()!.UpgradeAsync();
        if (!rest.IsEmpty) await client.WriteAsync(rest);
        using var done = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var up = Pump(client, upstream, done);
        var down = Pump(upstream, client, done);
        await Task.WhenAny(up, down);
        await done.CancelAsync();
        tcp.Close();
        await Task.WhenAll(up, down);
    }

    private static async Task Pump(Stream from, Stream to, CancellationTokenSource done)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16384);
        try
        {
            int n;
            while ((n = await from.ReadAsync(buffer, done.Token)) > 0)
            {
                await to.WriteAsync(buffer.AsMemory(0, n), done.Token);
                await to.FlushAsync(done.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or SocketException) { }
        finally { ArrayPool<byte>.Shared.Return(buffer); }
    }

    private static int IndexOfHeadEnd(ReadOnlySpan<byte> data) => data.IndexOf("\r\n\r\n"u8);

    private static void AddForwarded(HttpContext context, Action<string, string> add)
    {
        var previous = context.Request.Headers["X-Forwarded-For"].ToString();
        var client = context.Connection.RemoteIpAddress?.ToString() ?? "";
        add("X-Forwarded-For", previous.Length > 0 ? $"{previous}, {client}" : client);
        add("X-Forwarded-Proto", context.Request.Scheme);
        add("X-Forwarded-Host", context.Request.Host.Value ?? "");
    }

    /// <summary>The hub's session cookie never reaches a user's server (which runs the user's code).</summary>
    private static StringValues WithoutHubCookie(StringValues cookies)
    {
        var kept = new List<string>();
        foreach (var header in cookies)
            foreach (var part in (header ?? "").Split(';'))
            {
                var p = part.Trim();
                if (p.Length > 0 && !p.StartsWith(HubIdentity.SessionCookie + "=", StringComparison.Ordinal)) kept.Add(p);
            }
        return kept.Count == 0 ? StringValues.Empty : new StringValues(string.Join("; ", kept));
    }
}
