using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Astrolabe.Hub.JupyterApi;

/// <summary>Reads a JSON request body with a size limit and a clear error when it is not JSON.</summary>
public static class ApiRequest
{
    public sealed class BadRequest(int status, string message) : Exception(message)
    {
        public int Status => status;
    }

    /// <summary>The body as JSON, or null when empty. Throws <see cref="BadRequest"/> (400/413) otherwise.</summary>
    public static async Task<JsonElement?> ReadJsonAsync(HttpContext context, long maxBytes)
    {
        if (context.Request.ContentLength > maxBytes)
            throw new BadRequest(413, $"The request body is {context.Request.ContentLength} bytes; at most {maxBytes} are accepted.");
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int n;
        while ((n = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            if (buffer.Length + n > maxBytes) throw new BadRequest(413, $"The request body exceeds {maxBytes} bytes.");
            buffer.Write(chunk, 0, n);
        }
        if (buffer.Length == 0) return null;
        try
        {
            using var doc = JsonDocument.Parse(buffer.ToArray(), new JsonDocumentOptions { MaxDepth = 32 });
            return doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" at line {line + 1}, byte {e.BytePositionInLine + 1}" : "";
            throw new BadRequest(400, $"The request body is not valid JSON{where}: {e.Message.Split(" Path:")[0]}");
        }
    }

    public static string? OptionalString(JsonElement? body, string name)
    {
        if (body is not { ValueKind: JsonValueKind.Object } o || !o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind == JsonValueKind.String ? v.GetString() : throw new BadRequest(400, $"'{name}' must be a string, not {v.ValueKind}.");
    }

    public static bool? OptionalBool(JsonElement? body, string name)
    {
        if (body is not { ValueKind: JsonValueKind.Object } o || !o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new BadRequest(400, $"'{name}' must be true or false, not {v.ValueKind}."),
        };
    }

    public static double? OptionalNumber(JsonElement? body, string name)
    {
        if (body is not { ValueKind: JsonValueKind.Object } o || !o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind == JsonValueKind.Number ? v.GetDouble() : throw new BadRequest(400, $"'{name}' must be a number, not {v.ValueKind}.");
    }

    public static IReadOnlyList<string>? OptionalStrings(JsonElement? body, string name)
    {
        if (body is not { ValueKind: JsonValueKind.Object } o || !o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.Array || v.EnumerateArray().Any(x => x.ValueKind != JsonValueKind.String))
            throw new BadRequest(400, $"'{name}' must be a list of strings.");
        return v.EnumerateArray().Select(x => x.GetString()!).ToList();
    }
}
