using System.Buffers.Binary;

namespace Astrolabe.Fits;

/// <summary>The FITS checksum (FITS 4.0 appendix J): a 32-bit ones' complement sum and its 16-character ASCII encoding.</summary>
internal static class Checksum
{
    public const string Zero = "0000000000000000";

    /// <summary>Ones' complement sum of big-endian 32-bit words; <paramref name="position"/> is the offset of the
    /// first byte from a word boundary (bytes may come in pieces of any length).</summary>
    public static uint Sum(ReadOnlySpan<byte> bytes, long position = 0)
    {
        ulong sum = 0;
        var i = 0;
        while (i < bytes.Length && (position + i) % 4 != 0)
        {
            sum += (ulong)bytes[i] << (8 * (3 - (int)((position + i) % 4)));
            i++;
        }
        for (; i + 4 <= bytes.Length; i += 4)
        {
            sum += BinaryPrimitives.ReadUInt32BigEndian(bytes[i..]);
            if ((i & 0xFFFFF) == 0) sum = Fold(sum);
        }
        for (; i < bytes.Length; i++) sum += (ulong)bytes[i] << (8 * (3 - (int)((position + i) % 4)));
        return (uint)Fold(sum);
    }

    public static ulong Fold(ulong sum)
    {
        while (sum >> 32 != 0) sum = (sum & 0xFFFFFFFFu) + (sum >> 32);
        return sum;
    }

    /// <summary>The 16 characters whose sum (as they sit in a CHECKSUM card value) is <paramref name="value"/>.</summary>
    public static string Encode(uint value)
    {
        ReadOnlySpan<byte> excluded = [0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x40, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f, 0x60];
        Span<byte> ascii = stackalloc byte[16];
        Span<byte> ch = stackalloc byte[4];
        for (var i = 0; i < 4; i++)
        {
            var b = (byte)(value >> (24 - 8 * i));
            var quotient = (byte)(b / 4 + 0x30);
            var remainder = (byte)(b % 4);
            ch.Fill(quotient);
            ch[0] += remainder;
            // Keep to letters and digits: move pairs apart, which leaves their sum unchanged.
            bool again;
            do
            {
                again = false;
                for (var j = 0; j < 4; j += 2)
                    if (excluded.Contains(ch[j]) || excluded.Contains(ch[j + 1]))
                    {
                        ch[j]++;
                        ch[j + 1]--;
                        again = true;
                    }
            }
            while (again);
            for (var j = 0; j < 4; j++) ascii[4 * j + i] = ch[j];
        }
        // The value starts one byte before a word boundary in its card, so the characters are rotated by one.
        Span<char> result = stackalloc char[16];
        for (var k = 0; k < 16; k++) result[k] = (char)ascii[(k + 15) % 16];
        return new string(result);
    }
}
