using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

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
        await ws.ConnectAsync(ChannelsUrl(hub, user, kernelId), timeout.Token);
        var (request, msgId) = ExecuteRequest(user, code);
        await ws.SendAsync(Encoding.UTF8.GetBytes(request.ToJsonString()), WebSocketMessageType.Text, true, timeout.Token);
        var buffer = new byte[1 << 16];
        while (true)
        {
            using var message = new MemoryStream();
            WebSocketReceiveResult part;
            do
            {
                part = await ws.ReceiveAsync(buffer, timeout.Token);
                message.Write(buffer, 0, part.Count);
            } while (!part.EndOfMessage);
            if (part.MessageType != WebSocketMessageType.Text) continue;
            var reply = JsonNode.Parse(message.ToArray())!;
            if (reply["parent_header"]?["msg_id"]?.GetValue<string>() != msgId) continue;
            var type = reply["header"]!["msg_type"]!.GetValue<string>();
            if (type == "execute_result") return reply["content"]!["data"]!["text/plain"]!.GetValue<string>();
            if (type == "error") return "error: " + reply["content"]!["ename"] + ": " + reply["content"]!["evalue"];
        }
    }

    /// <summary>Sends code to a kernel and closes the WebSocket at once, as a user closing the browser tab would.</summary>
    public static async Task SendWithoutWaitingAsync(Browserless browser, string user, string kernelId, string code)
    {
        using var ws = new ClientWebSocket();
        ws.Options.Cookies = browser.Cookies;
        await ws.ConnectAsync(ChannelsUrl(browser.Base, user, kernelId), CancellationToken.None);
        var (request, _) = ExecuteRequest(user, code);
        await ws.SendAsync(Encoding.UTF8.GetBytes(request.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
        // Wait until the kernel reports busy, then leave.
        var buffer = new byte[1 << 16];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var part = await ws.ReceiveAsync(buffer, timeout.Token);
            var text = Encoding.UTF8.GetString(buffer, 0, part.Count);
            if (text.Contains("\"execution_state\": \"busy\"") || text.Contains("\"execution_state\":\"busy\"")) break;
        }
        await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
    }

    private static Uri ChannelsUrl(Uri hub, string user, string kernelId) =>
        new($"ws://{hub.Authority}/user/{user}/api/kernels/{kernelId}/channels");

    /// <summary>A Jupyter messaging (v5.3) execute_request on the shell channel.</summary>
    private static (JsonObject Request, string MsgId) ExecuteRequest(string user, string code)
    {
        var msgId = Guid.NewGuid().ToString("N");
        var request = new JsonObject
        {
            ["header"] = new JsonObject
            {
                ["msg_id"] = msgId, ["username"] = user, ["session"] = Guid.NewGuid().ToString("N"),
                ["msg_type"] = "execute_request", ["version"] = "5.3", ["date"] = DateTime.UtcNow.ToString("O"),
            },
            ["parent_header"] = new JsonObject(), ["metadata"] = new JsonObject(), ["channel"] = "shell", ["buffers"] = new JsonArray(),
            ["content"] = new JsonObject
            {
                ["code"] = code, ["silent"] = false, ["store_history"] = true, ["user_expressions"] = new JsonObject(),
                ["allow_stdin"] = false, ["stop_on_error"] = true,
            },
        };
        return (request, msgId);
    }
}
