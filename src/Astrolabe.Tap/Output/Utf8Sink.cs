using System.Buffers;
using System.Globalization;
using System.Text;

namespace Astrolabe.Tap.Output;

/// <summary>A reusable UTF-8 buffer in front of a stream: rows are formatted into it synchronously and it is
/// flushed asynchronously every few tens of kilobytes, so memory stays flat for any number of rows.</summary>
internal sealed class Utf8Sink : IDisposable
{
    private const int FlushThreshold = 48 * 1024;
    private readonly Stream _stream;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
    private int _length;

    public Utf8Sink(Stream stream) => _stream = stream;

    public bool ShouldFlush => _length >= FlushThreshold;

    public async ValueTask FlushAsync(CancellationToken ct)
    {
        if (_length > 0)
        {
            await _stream.WriteAsync(_buffer.AsMemory(0, _length), ct);
            _length = 0;
        }
    }

    public async ValueTask FlushIfFullAsync(CancellationToken ct)
    {
        if (_length >= FlushThreshold)
        {
            await FlushAsync(ct);
        }
    }

    public Span<byte> Reserve(int count)
    {
        if (_length + count > _buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + count));
            _buffer.AsSpan(0, _length).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }
        return _buffer.AsSpan(_length);
    }

    public void Advance(int count) => _length += count;

    public void Write(ReadOnlySpan<byte> utf8)
    {
        utf8.CopyTo(Reserve(utf8.Length));
        _length += utf8.Length;
    }

    public void Write(byte b)
    {
        Reserve(1)[0] = b;
        _length++;
    }

    /// <summary>Writes text as is (the caller has escaped it if needed).</summary>
    public void Write(string text) => Write(text.AsSpan());

    public void Write(ReadOnlySpan<char> text)
    {
        var span = Reserve(Encoding.UTF8.GetMaxByteCount(text.Length));
        _length += Encoding.UTF8.GetBytes(text, span);
    }

    public void Write(long value)
    {
        value.TryFormat(Reserve(20), out int written, default, CultureInfo.InvariantCulture);
        _length += written;
    }

    /// <summary>Shortest text that reads back as the same double; "NaN", "+Inf", "-Inf" as VOTable writes them.</summary>
    public void Write(double value)
    {
        if (double.IsNaN(value))
        {
            Write("NaN"u8);
        }
        else if (double.IsInfinity(value))
        {
            Write(value > 0 ? "+Inf"u8 : "-Inf"u8);
        }
        else
        {
            value.TryFormat(Reserve(32), out int written, "R", CultureInfo.InvariantCulture);
            _length += written;
        }
    }

    public void Write(float value)
    {
        if (float.IsNaN(value) || float.IsInfinity(value))
        {
            Write((double)value);
            return;
        }
        value.TryFormat(Reserve(32), out int written, "R", CultureInfo.InvariantCulture);
        _length += written;
    }

    /// <summary>Writes text escaped for XML character data and attribute values.</summary>
    public void WriteXmlEscaped(ReadOnlySpan<char> text)
    {
        int start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            string? entity = c switch
            {
                '<' => "&lt;",
                '>' => "&gt;",
                '&' => "&amp;",
                '"' => "&quot;",
                '\'' => "&apos;",
                _ => null,
            };
            // Control characters other than tab/CR/LF are not allowed in XML 1.0 at all.
            if (entity is null && c < 0x20 && c != '\t' && c != '\n' && c != '\r')
            {
                entity = " ";
            }
            if (entity is not null)
            {
                Write(text[start..i]);
                Write(entity);
                start = i + 1;
            }
        }
        Write(text[start..]);
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}
