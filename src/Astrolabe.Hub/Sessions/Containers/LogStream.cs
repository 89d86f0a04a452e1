using System.Buffers.Binary;
using System.Text;

namespace Astrolabe.Hub.Sessions.Containers;

/// <summary>Decodes the body of `GET /containers/{id}/logs`. For a container without a TTY the engine multiplexes
/// stdout and stderr into frames: one byte stream type (0 stdin, 1 stdout, 2 stderr), three zero bytes, a big-endian
/// 32-bit length, then that many bytes. A TTY container's log is the raw text.</summary>
public static class LogStream
{
    public static async Task<string> ReadTextAsync(Stream body, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await body.CopyToAsync(buffer, ct);
        return Decode(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    /// <summary>The text of a whole log body, frames joined in order; raw text when the body is not multiplexed.</summary>
    public static string Decode(ReadOnlySpan<byte> body)
    {
        if (!IsMultiplexed(body)) return Encoding.UTF8.GetString(body);
        var text = new MemoryStream(body.Length);
        while (body.Length >= 8)
        {
            var length = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(body[4..8]), (uint)(body.Length - 8));
            text.Write(body.Slice(8, length));
            body = body[(8 + length)..];
        }
        return Encoding.UTF8.GetString(text.GetBuffer(), 0, (int)text.Length);
    }

    private static bool IsMultiplexed(ReadOnlySpan<byte> body) =>
        body.Length >= 8 && body[0] <= 2 && body[1] == 0 && body[2] == 0 && body[3] == 0;
}
