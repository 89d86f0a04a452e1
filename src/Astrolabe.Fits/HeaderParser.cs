using System.Text;

namespace Astrolabe.Fits;

/// <summary>Turns header bytes into cards (FITS 4.0 §4), strictly or leniently.</summary>
internal static class HeaderParser
{
    public const int CardLength = 80;
    public const int BlockLength = 2880;

    /// <summary>Index of the END card within <paramref name="bytes"/> (searching whole cards from <paramref name="firstCard"/>), or -1.</summary>
    public static int FindEnd(ReadOnlySpan<byte> bytes, int firstCard)
    {
        for (var c = firstCard; (c + 1) * CardLength <= bytes.Length; c++)
        {
            var card = bytes.Slice(c * CardLength, CardLength);
            if (card[0] == (byte)'E' && card[1] == (byte)'N' && card[2] == (byte)'D' && IsBlank(card.Slice(3, 5)))
                return c;
        }
        return -1;
    }

    private static bool IsBlank(ReadOnlySpan<byte> span) => span.IndexOfAnyExcept((byte)' ') < 0;

    /// <summary>
    /// Parses the cards before END (or all cards when <paramref name="cardCount"/> says so). Byte offsets in
    /// errors and fixes are <paramref name="fileOffset"/> plus the card's position.
    /// </summary>
    public static Header Parse(ReadOnlySpan<byte> bytes, long fileOffset, int hduIndex, FitsReadOptions options,
        List<FitsFix>? fixes, out int cardCount)
    {
        var end = FindEnd(bytes, 0);
        if (end < 0)
        {
            if (!options.IsLenient)
                throw new FitsFormatException("Header has no END card", fileOffset + bytes.Length, hduIndex: hduIndex);
            end = bytes.Length / CardLength;
            fixes?.Add(new FitsFix("header has no END card; read the cards up to the end of the file", fileOffset + bytes.Length, hduIndex));
        }
        cardCount = end;

        var header = new Header { ByteOffset = fileOffset };
        byte[]? scratch = null;
        for (var c = 0; c < end; c++)
        {
            var image = bytes.Slice(c * CardLength, CardLength);
            var offset = fileOffset + (long)c * CardLength;
            if (image.IndexOfAnyExceptInRange((byte)0x20, (byte)0x7E) is var bad and >= 0)
            {
                if (!options.IsLenient)
                    throw new FitsFormatException($"Card contains a non-printable character (byte 0x{image[bad]:X2} at column {bad + 1})",
                        offset + bad, c + 1, KeywordOf(image), hduIndex);
                scratch ??= new byte[CardLength];
                image.CopyTo(scratch);
                for (var i = 0; i < CardLength; i++)
                    if (scratch[i] < 0x20 || scratch[i] > 0x7E) scratch[i] = (byte)' ';
                fixes?.Add(new FitsFix("replaced non-printable characters with blanks", offset + bad, hduIndex, c + 1, KeywordOf(scratch)));
                image = scratch;
            }

            var card = ParseCard(image, offset, c + 1, hduIndex, options, fixes);
            if (card is null) continue;
            card.Number = c + 1;

            // Long strings: a string ending in '&' continues on following CONTINUE cards.
            while (card.Kind == CardValueKind.String && card.ValueText is { } text && text.EndsWith('&')
                   && c + 1 < end && IsContinue(bytes.Slice((c + 1) * CardLength, CardLength)))
            {
                c++;
                var next = bytes.Slice(c * CardLength, CardLength);
                var (piece, pieceComment) = ParseContinue(next, fileOffset + (long)c * CardLength, c + 1, hduIndex, options, fixes);
                var comment = card.Comment is null ? pieceComment : pieceComment is null ? card.Comment : card.Comment + " " + pieceComment;
                var merged = new Card(card.Keyword, CardValueKind.String, text[..^1] + piece, comment, card.IsHierarch, trusted: true)
                {
                    Number = card.Number,
                    PhysicalCount = card.PhysicalCount + 1,
                };
                card = merged;
            }
            header.Add(card);
        }
        return header;
    }

    private static bool IsContinue(ReadOnlySpan<byte> image) => image.StartsWith("CONTINUE"u8);

    // Keywords repeat within a header (COMMENT, HISTORY) and across the thousands of headers of an archive, so
    // their strings are shared instead of allocated per card. Bounded: odd files cannot grow it without limit.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<ulong, string> Keywords = new();
    private const int MaxCachedKeywords = 8192;

    private static string KeywordOf(ReadOnlySpan<byte> image)
    {
        var key = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(image);
        if (Keywords.TryGetValue(key, out var keyword)) return keyword;
        keyword = Encoding.ASCII.GetString(image[..8]).TrimEnd();
        if (Keywords.Count < MaxCachedKeywords) Keywords.TryAdd(key, keyword);
        return keyword;
    }

    private static string TextOf(ReadOnlySpan<byte> bytes)
    {
        var end = bytes.LastIndexOfAnyExcept((byte)' ');
        return end < 0 ? "" : Encoding.ASCII.GetString(bytes[..(end + 1)]);
    }

    private static (string Value, string? Comment) ParseContinue(ReadOnlySpan<byte> image, long offset, int number,
        int hduIndex, FitsReadOptions options, List<FitsFix>? fixes)
    {
        var field = image[8..];
        var start = field.IndexOf((byte)'\'');
        if (start < 0)
        {
            if (!options.IsLenient)
                throw new FitsFormatException("CONTINUE card does not hold a string", offset, number, "CONTINUE", hduIndex);
            fixes?.Add(new FitsFix("CONTINUE card without a string; ignored its text", offset, hduIndex, number, "CONTINUE"));
            return ("", null);
        }
        var (value, comment) = ParseString(field, start, offset + 8, number, "CONTINUE", hduIndex, options, fixes);
        return (value, comment);
    }

    private static Card? ParseCard(ReadOnlySpan<byte> image, long offset, int number, int hduIndex,
        FitsReadOptions options, List<FitsFix>? fixes)
    {
        var keyword = KeywordOf(image);

        if (keyword == "HIERARCH")
        {
            var rest = image[8..];
            var eq = rest.IndexOf((byte)'=');
            if (eq > 0)
            {
                var name = string.Join(' ', Encoding.ASCII.GetString(rest[..eq]).Split(' ', StringSplitOptions.RemoveEmptyEntries));
                return ParseValue(name, rest, eq + 1, offset + 8, number, hduIndex, options, fixes, isHierarch: true);
            }
            return Card.ParsedCommentary(keyword, TextOf(rest));
        }

        if (!IsValidKeyword(keyword))
        {
            var fixedKeyword = keyword.Trim().ToUpperInvariant();
            if (!options.IsLenient || !IsValidKeyword(fixedKeyword))
            {
                if (options.IsLenient)
                {
                    fixes?.Add(new FitsFix($"dropped card with invalid keyword '{keyword}'", offset, hduIndex, number, keyword));
                    return null;
                }
                throw new FitsFormatException($"Invalid keyword '{keyword}' (only A-Z, 0-9, '-' and '_' are allowed)", offset, number, keyword, hduIndex);
            }
            fixes?.Add(new FitsFix($"keyword '{keyword}' written as '{fixedKeyword}'", offset, hduIndex, number, fixedKeyword));
            keyword = fixedKeyword;
        }

        if (keyword is "COMMENT" or "HISTORY" or "" or "CONTINUE" || image[8] != (byte)'=')
            return Card.ParsedCommentary(keyword, TextOf(image[8..]));

        if (image[9] != (byte)' ')
        {
            if (!options.IsLenient)
                throw new FitsFormatException("Value indicator must be '= ' (equals sign then a blank in columns 9-10)", offset + 9, number, keyword, hduIndex);
            fixes?.Add(new FitsFix("value indicator without a blank after '='", offset + 9, hduIndex, number, keyword));
        }
        return ParseValue(keyword, image[9..], 0, offset + 9, number, hduIndex, options, fixes, isHierarch: false);
    }

    private static bool IsValidKeyword(string keyword)
    {
        foreach (var ch in keyword)
            if (!(ch is >= 'A' and <= 'Z' or >= '0' and <= '9' or '-' or '_')) return false;
        return true;
    }

    private static Card ParseValue(string keyword, ReadOnlySpan<byte> field, int start, long fieldOffset, int number, int hduIndex,
        FitsReadOptions options, List<FitsFix>? fixes, bool isHierarch)
    {
        var skip = field[start..].IndexOfAnyExcept((byte)' ');
        if (skip < 0) return new Card(keyword, CardValueKind.Undefined, null, null, isHierarch, trusted: true);
        var i = start + skip;
        if (field[i] == (byte)'/') return new Card(keyword, CardValueKind.Undefined, null, Trimmed(field[(i + 1)..]), isHierarch, trusted: true);

        if (field[i] == (byte)'\'')
        {
            var (value, comment) = ParseString(field, i, fieldOffset, number, keyword, hduIndex, options, fixes);
            return new Card(keyword, CardValueKind.String, value, comment, isHierarch, trusted: true);
        }

        var slash = field[i..].IndexOf((byte)'/');
        var valueBytes = Trim(slash < 0 ? field[i..] : field.Slice(i, slash));
        var commentText = slash < 0 ? null : Trimmed(field[(i + slash + 1)..]);
        var kind = Classify(valueBytes);
        var text = Encoding.ASCII.GetString(valueBytes);
        if (kind is null)
        {
            if (!options.IsLenient)
                throw new FitsFormatException($"Value '{text}' is not a valid FITS value (number, T/F, 'string' or complex)",
                    fieldOffset + i, number, keyword, hduIndex);
            fixes?.Add(new FitsFix($"malformed value '{text}' kept as a string", fieldOffset + i, hduIndex, number, keyword));
            return new Card(keyword, CardValueKind.String, text, commentText, isHierarch, trusted: true);
        }
        return new Card(keyword, kind.Value, text, commentText, isHierarch, trusted: true);
    }

    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> bytes) => bytes.Trim((byte)' ');

    private static string Trimmed(ReadOnlySpan<byte> bytes)
    {
        var t = bytes.Trim((byte)' ');
        return t.IsEmpty ? "" : Encoding.ASCII.GetString(t);
    }

    private static (string Value, string? Comment) ParseString(ReadOnlySpan<byte> field, int quote, long fieldOffset, int number,
        string keyword, int hduIndex, FitsReadOptions options, List<FitsFix>? fixes)
    {
        // Find the closing quote: a quote not followed by another (a doubled quote stands for one).
        var i = quote + 1;
        var closed = false;
        var doubled = false;
        while (i < field.Length)
        {
            var next = field[i..].IndexOf((byte)'\'');
            if (next < 0) { i = field.Length; break; }
            i += next;
            if (i + 1 < field.Length && field[i + 1] == (byte)'\'') { doubled = true; i += 2; continue; }
            closed = true;
            break;
        }
        var inner = field[(quote + 1)..i];
        if (!closed)
        {
            if (!options.IsLenient)
                throw new FitsFormatException("String value has no closing quote", fieldOffset + quote, number, keyword, hduIndex);
            fixes?.Add(new FitsFix("string value without a closing quote; took the rest of the card", fieldOffset + quote, hduIndex, number, keyword));
        }
        else i++;

        // Trailing blanks are not significant, leading ones are.
        inner = inner.TrimEnd((byte)' ');
        var value = inner.IsEmpty ? "" : Encoding.ASCII.GetString(inner);
        if (doubled) value = value.Replace("''", "'");

        string? comment = null;
        var rest = field[i..];
        var slash = rest.IndexOf((byte)'/');
        var between = Trim(slash < 0 ? rest : rest[..slash]);
        if (!between.IsEmpty)
        {
            var extra = Encoding.ASCII.GetString(between);
            if (!options.IsLenient)
                throw new FitsFormatException($"Unexpected text '{extra}' after a string value", fieldOffset + i, number, keyword, hduIndex);
            fixes?.Add(new FitsFix($"ignored text '{extra}' after a string value", fieldOffset + i, hduIndex, number, keyword));
        }
        if (slash >= 0) comment = Trimmed(rest[(slash + 1)..]);
        return (value, comment);
    }

    private static CardValueKind? Classify(ReadOnlySpan<byte> text)
    {
        if (text.Length == 1 && text[0] is (byte)'T' or (byte)'F') return CardValueKind.Logical;
        if (text.IsEmpty) return null;
        if (text[0] == (byte)'(')
            return text[^1] == (byte)')' && text.IndexOf((byte)',') > 0 ? CardValueKind.Complex : null;
        var digits = text[0] is (byte)'+' or (byte)'-' ? text[1..] : text;
        if (digits.Length > 0 && digits.IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0) return CardValueKind.Integer;
        // Reals: digits, sign, point and an E or D exponent only (no "NaN", "Infinity", or thousands separators).
        foreach (var b in text)
            if (!(b is >= (byte)'0' and <= (byte)'9' or (byte)'+' or (byte)'-' or (byte)'.' or (byte)'E' or (byte)'e' or (byte)'D' or (byte)'d'))
                return null;
        Span<char> chars = stackalloc char[text.Length];
        for (var k = 0; k < text.Length; k++) chars[k] = (char)text[k];
        return Card.TryParseReal(chars, out _) ? CardValueKind.Real : null;
    }
}
