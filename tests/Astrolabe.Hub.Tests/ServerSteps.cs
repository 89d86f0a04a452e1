using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Astrolabe.Hub.Tests;

/// <summary>Steps a user takes with a server, shared by the end-to-end tests.</summary>
public static class ServerSteps
{
    /// <summary>Presses "Start my server" and follows the progress stream until ready; returns its messages.</summary>
    public static async Task<IReadOnlyList<string>> StartAndWaitAsync(Browserless browser, string user)
    {
        var spawn = await browser.SubmitAsync("/hub/home", "/hub/spawn");
        Assert.Equal(HttpStatusCode.OK, spawn.StatusCode);
        using var events = await browser.Http.GetAsync($"/hub/api/users/{user}/server/progress", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", events.Content.Headers.ContentType!.MediaType);
        using var reader = new StreamReader(await events.Content.ReadAsStreamAsync());
        var messages = new List<string>();
        while (await reader.ReadLineAsync() is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal)) continue;
            var e = JsonNode.Parse(line[6..])!;
            messages.Add(e["message"]!.GetValue<string>());
            if (e["failed"]!.GetValue<bool>()) Assert.Fail("start failed: " + e["message"]);
            if (e["ready"]!.GetValue<bool>())
            {
                Assert.Equal($"/user/{user}/", e["url"]!.GetValue<string>());
                Assert.True(messages.Count >= 3, "progress shows the steps: " + string.Join(" | ", messages));
                return messages;
            }
        }
        Assert.Fail("progress stream ended before the server was ready: " + string.Join(" | ", messages));
        return messages;
    }

    /// <summary>Reads the user's progress stream to its end; returns the last event.</summary>
    public static async Task<JsonNode> LastProgressEventAsync(HttpClient http, string user)
    {
        using var events = await http.GetAsync($"/hub/api/users/{user}/server/progress", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await events.Content.ReadAsStreamAsync());
        JsonNode? last = null;
        while (await reader.ReadLineAsync() is { } line)
            if (line.StartsWith("data: ", StringComparison.Ordinal)) last = JsonNode.Parse(line[6..]);
        return last ?? throw new InvalidOperationException("no progress events");
    }

    /// <summary>Starts a python3 kernel on the user's server through the proxy; returns its id.</summary>
    public static async Task<string> StartKernelAsync(Browserless browser, string user)
    {
        var xsrf = browser.Cookies.GetCookies(new Uri(browser.Base, $"/user/{user}/")).First(c => c.Name == "_xsrf").Value;
        using var start = new HttpRequestMessage(HttpMethod.Post, $"/user/{user}/api/kernels") { Content = System.Net.Http.Json.JsonContent.Create(new { name = "python3" }) };
        start.Headers.Add("X-XSRFToken", xsrf);
        using var response = await browser.Http.SendAsync(start);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"starting a kernel: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!["id"]!.GetValue<string>();
    }

    /// <summary>Runs code on a kernel over its channels WebSocket through the proxy, signed in by the browser's
    /// cookies; returns the text/plain result, or `error: NAME: value`.</summary>
    public static Task<string> ExecuteAsync(Browserless browser, string user, string kernelId, string code) =>
        ExecuteAsync(ws => ws.Options.Cookies = browser.Cookies, browser.Base, user, kernelId, code);

    /// <summary>The same with an API token, as a program (not a browser) would.</summary>
    public static Task<string> ExecuteAsync(ApiClient client, string user, string kernelId, string code)
    {
        var auth = client.Http.DefaultRequestHeaders.Authorization!;
        return ExecuteAsync(ws => ws.Options.SetRequestHeader("Authorization", $"{auth.Scheme} {auth.Parameter}"),
            client.Http.BaseAddress!, user, kernelId, code);
    }

    private static async Task<string> ExecuteAsync(Action<ClientWebSocket> signIn, Uri hub, string user, string kernelId, string code)
    {
        using var ws = new ClientWebSocket();
        signIn(ws);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var channel = await KernelChannel.OpenAsync(ws, hub, user, kernelId, timeout.Token);
        var msgId = await channel.SendCellAsync(code);
        string? result = null, error = null;
        while (true)
        {
            var message = await channel.ReceiveAsync();
            if (message["parent_header"]?["msg_id"]?.GetValue<string>() != msgId) continue;
            var content = message["content"]!;
            switch (message["header"]!["msg_type"]!.GetValue<string>())
            {
                case "execute_result":
                    result = content["data"]!["text/plain"]!.GetValue<string>();
                    break;
                case "error":
                    error = $"error: {content["ename"]}: {content["evalue"]}";
                    break;
                // The shell's reply cannot be lost the way a published message can; an error is in it too.
                case "execute_reply" when content["status"]?.GetValue<string>() == "error":
                    return $"error: {content["ename"]}: {content["evalue"]}";
                // Idle comes after the cell's results on the same channel.
                case "status" when content["execution_state"]?.GetValue<string>() == "idle":
                    return error ?? result ?? "";
            }
        }
    }

    /// <summary>Sends code to a kernel and closes the WebSocket once the kernel has begun running it, as a user closing
    /// the browser tab would.</summary>
    public static async Task SendWithoutWaitingAsync(Browserless browser, string user, string kernelId, string code)
    {
        using var ws = new ClientWebSocket();
        ws.Options.Cookies = browser.Cookies;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var channel = await KernelChannel.OpenAsync(ws, browser.Base, user, kernelId, timeout.Token);
        var msgId = await channel.SendCellAsync(code);
        // Any sign that the kernel has this cell, so closing cannot lose it: a message about this request (busy, the
        // code echoed), or the kernel dying. A cell that kills its kernel at once (the memory tests) can take the
        // kernel down before its IOPub thread has sent "busy"; then the server's "restarting" or "dead" is the sign.
        while (true)
        {
            var message = await channel.ReceiveAsync();
            if (message["parent_header"]?["msg_id"]?.GetValue<string>() == msgId) break;
            if (message["header"]?["msg_type"]?.GetValue<string>() == "status"
                && message["content"]?["execution_state"]?.GetValue<string>() is "restarting" or "dead") break;
        }
        // Only our half of the close: the receive loop may take the server's answering close frame, and then a full
        // close would wait for one that never comes.
        await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
    }

    /// <summary>One channels WebSocket to a kernel, speaking Jupyter messaging (v5.3) as JSON text frames. Messages are
    /// read by one loop into a queue, so a wait can give up without cancelling a receive (which aborts the WebSocket).</summary>
    private sealed class KernelChannel
    {
        private readonly ClientWebSocket _ws;
        private readonly string _user;
        private readonly CancellationToken _timeout;
        private readonly string _session = Guid.NewGuid().ToString("N");
        private readonly Channel<JsonNode> _received = Channel.CreateUnbounded<JsonNode>();

        private KernelChannel(ClientWebSocket ws, string user, CancellationToken timeout)
        {
            (_ws, _user, _timeout) = (ws, user, timeout);
            _ = PumpAsync();
        }

        /// <summary>Connects <paramref name="ws"/> (signed in already) to the kernel's channels; returns once its IOPub
        /// subscription is live (<see cref="WaitUntilIopubListensAsync"/>).</summary>
        public static async Task<KernelChannel> OpenAsync(ClientWebSocket ws, Uri hub, string user, string kernelId, CancellationToken timeout)
        {
            await ws.ConnectAsync(ChannelsUrl(hub, user, kernelId), timeout);
            var channel = new KernelChannel(ws, user, timeout);
            await channel.WaitUntilIopubListensAsync();
            return channel;
        }

        /// <summary>Asks for kernel_info until a published message arrives. The server opens a new IOPub subscription
        /// for each WebSocket, and ZeroMQ drops what is published before a subscription is live; the server checks this
        /// itself only when it believes the kernel idle, and its belief can lag the kernel's (a cell that has just
        /// ended). A cell sent before the subscription is live has its results lost: the wait for them never ends.</summary>
        private async Task WaitUntilIopubListensAsync()
        {
            while (true)
            {
                await SendAsync("kernel_info_request", new JsonObject());
                using var retry = CancellationTokenSource.CreateLinkedTokenSource(_timeout);
                retry.CancelAfter(TimeSpan.FromMilliseconds(500));
                try
                {
                    while ((await ReceiveAsync(retry.Token))["channel"]?.GetValue<string>() != "iopub") { }
                    return;
                }
                catch (OperationCanceledException) when (!_timeout.IsCancellationRequested) { }
            }
        }

        /// <summary>Sends a cell to run; returns the request's message id.</summary>
        public Task<string> SendCellAsync(string code) => SendAsync("execute_request", new JsonObject
        {
            ["code"] = code, ["silent"] = false, ["store_history"] = true, ["user_expressions"] = new JsonObject(),
            ["allow_stdin"] = false, ["stop_on_error"] = true,
        });

        /// <summary>The next JSON message from any channel.</summary>
        public Task<JsonNode> ReceiveAsync() => ReceiveAsync(_timeout);

        private async Task<JsonNode> ReceiveAsync(CancellationToken cancel)
        {
            try { return await _received.Reader.ReadAsync(cancel); }
            catch (ChannelClosedException e) { throw new InvalidOperationException("the kernel's WebSocket closed: " + e.InnerException?.Message, e.InnerException); }
        }

        private async Task<string> SendAsync(string type, JsonObject content)
        {
            var msgId = Guid.NewGuid().ToString("N");
            var request = new JsonObject
            {
                ["header"] = new JsonObject
                {
                    ["msg_id"] = msgId, ["username"] = _user, ["session"] = _session,
                    ["msg_type"] = type, ["version"] = "5.3", ["date"] = DateTime.UtcNow.ToString("O"),
                },
                ["parent_header"] = new JsonObject(), ["metadata"] = new JsonObject(), ["channel"] = "shell", ["buffers"] = new JsonArray(),
                ["content"] = content,
            };
            await _ws.SendAsync(Encoding.UTF8.GetBytes(request.ToJsonString()), WebSocketMessageType.Text, true, _timeout);
            return msgId;
        }

        private async Task PumpAsync()
        {
            var buffer = new byte[1 << 16];
            try
            {
                while (true)
                {
                    using var message = new MemoryStream();
                    WebSocketReceiveResult part;
                    do
                    {
                        part = await _ws.ReceiveAsync(buffer, _timeout);
                        if (part.MessageType == WebSocketMessageType.Close)
                        {
                            _received.Writer.TryComplete(new InvalidOperationException($"closed by the server: {part.CloseStatus} {part.CloseStatusDescription}"));
                            return;
                        }
                        message.Write(buffer, 0, part.Count);
                    } while (!part.EndOfMessage);
                    if (part.MessageType == WebSocketMessageType.Text) _received.Writer.TryWrite(JsonNode.Parse(message.ToArray())!);
                }
            }
            catch (Exception e) { _received.Writer.TryComplete(e); }
        }
    }

    private static Uri ChannelsUrl(Uri hub, string user, string kernelId) =>
        new($"ws://{hub.Authority}/user/{user}/api/kernels/{kernelId}/channels");
}
