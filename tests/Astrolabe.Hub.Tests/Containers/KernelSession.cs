using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Astrolabe.Hub.Tests.Containers;

/// <summary>Runs code on a kernel of a user's server over its channels WebSocket, through the hub's proxy, with the
/// user's API token (as a program would, not a browser).</summary>
public static class KernelSession
{
    /// <summary>The text/plain result of the code, or `error: NAME: value`.</summary>
    public static async Task<string> ExecuteAsync(ApiClient client, string user, string kernelId, string code)
    {
        using var ws = new ClientWebSocket();
        var auth = client.Http.DefaultRequestHeaders.Authorization!;
        ws.Options.SetRequestHeader("Authorization", $"{auth.Scheme} {auth.Parameter}");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await ws.ConnectAsync(new Uri($"ws://{client.Http.BaseAddress!.Authority}/user/{user}/api/kernels/{kernelId}/channels"), timeout.Token);
        var msgId = Guid.NewGuid().ToString("N");
        var request = new JsonObject
        {
            ["header"] = new JsonObject
            {
                ["msg_id"] = msgId,
                ["username"] = user,
                ["session"] = Guid.NewGuid().ToString("N"),
                ["msg_type"] = "execute_request",
                ["version"] = "5.3",
                ["date"] = DateTime.UtcNow.ToString("O"),
            },
            ["parent_header"] = new JsonObject(),
            ["metadata"] = new JsonObject(),
            ["channel"] = "shell",
            ["buffers"] = new JsonArray(),
            ["content"] = new JsonObject
            {
                ["code"] = code,
                ["silent"] = false,
                ["store_history"] = false,
                ["user_expressions"] = new JsonObject(),
                ["allow_stdin"] = false,
                ["stop_on_error"] = true,
            },
        };
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
            if (type == "error") return $"error: {reply["content"]!["ename"]}: {reply["content"]!["evalue"]}";
        }
    }
}
