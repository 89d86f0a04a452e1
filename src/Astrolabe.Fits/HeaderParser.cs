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
                var merged = new Card(card.Keyword, CardValueKind.String, text[..^1] + piece, comment, card.IsHierarch)
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

    private static string KeywordOf(ReadOnlySpan<byte> image) => Encoding.ASCII.GetString(image[..8]).TrimEnd();

    private static (string Value, string? Comment) ParseContinue(ReadOnlySpan<byte> image, long offset, int number,
        int hduIndex, FitsReadOptions options, List<FitsFix>? fixes)
    {
        var field = Encoding.ASCII.GetString(image[8..]);
        var start = field.IndexOf('\'');
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
            var rest = Encoding.ASCII.GetString(image[8..]);
            var eq = rest.IndexOf('=');
            if (eq > 0)
            {
                var name = string.Join(' ', rest[..eq].Split(' ', StringSplitOptions.RemoveEmptyEntries));
                return ParseValue(name, rest, eq + 1, offset + 8, number, hduIndex, options, fixes, isHierarch: true);
            }
            return Card.Commentary(keyword, rest.TrimEnd());
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
            return Card.Commentary(keyword, Encoding.ASCII.GetString(image[8..]).TrimEnd());

        if (image[9] != (byte)' ')
        {
            if (!options.IsLenient)
                throw new FitsFormatException("Value indicator must be '= ' (equals sign then a blank in columns 9-10)", offset + 9, number, keyword, hduIndex);
            fixes?.Add(new FitsFix("value indicator without a blank after '='", offset + 9, hduIndex, number, keyword));
        }
        var field = Encoding.ASCII.GetString(image[9..]);
        return ParseValue(keyword, field, 0, offset + 9, number, hduIndex, options, fixes, isHierarch: false);
    }

    private static bool IsValidKeyword(string keyword)
    {
        foreach (var ch in keyword)
            if (!(ch is >= 'A' and <= 'Z' or >= '0' and <= '9' or '-' or '_')) return false;
        return true;
    }

    private static Card ParseValue(string keyword, string field, int start, long fieldOffset, int number, int hduIndex,
        FitsReadOptions options, List<FitsFix>? fixes, bool isHierarch)
    {
        var i = start;
        while (i < field.Length && field[i] == ' ') i++;
        if (i == field.Length) return new Card(keyword, CardValueKind.Undefined, null, null, isHierarch);
        if (field[i] == '/') return new Card(keyword, CardValueKind.Undefined, null, field[(i + 1)..].Trim(), isHierarch);

        if (field[i] == '\'')
        {
            var (value, comment) = ParseString(field, i, fieldOffset, number, keyword, hduIndex, options, fixes);
            return new Card(keyword, CardValueKind.String, value, comment, isHierarch);
        }

        var slash = field.IndexOf('/', i);
        var text = (slash < 0 ? field[i..] : field[i..slash]).Trim();
        var commentText = slash < 0 ? null : field[(slash + 1)..].Trim();
        var kind = Classify(text);
        if (kind is null)
        {
            if (!options.IsLenient)
                throw new FitsFormatException($"Value '{text}' is not a valid FITS value (number, T/F, 'string' or complex)",
                    fieldOffset + i, number, keyword, hduIndex);
            fixes?.Add(new FitsFix($"malformed value '{text}' kept as a string", fieldOffset + i, hduIndex, number, keyword));
            return new Card(keyword, CardValueKind.String, text, commentText, isHierarch);
        }
        return new Card(keyword, kind.Value, text, commentText, isHierarch);
    }

    private static (string Value, string? Comment) ParseString(string field, int quote, long fieldOffset, int number,
        string keyword, int hduIndex, FitsReadOptions options, List<FitsFix>? fixes)
    {
        var sb = new StringBuilder();
        var i = quote + 1;
        var closed = false;
        while (i < field.Length)
        {
            if (field[i] == '\'')
            {
                if (i + 1 < field.Length && field[i + 1] == '\'') { sb.Append('\''); i += 2; continue; }
                closed = true;
                i++;
                break;
            }
            sb.Append(field[i++]);
        }
        if (!closed)
        {
            if (!options.IsLenient)
                throw new FitsFormatException("String value has no closing quote", fieldOffset + quote, number, keyword, hduIndex);
            fixes?.Add(new FitsFix("string value without a closing quote; took the rest of the card", fieldOffset + quote, hduIndex, number, keyword));
        }

        string? comment = null;
        var rest = field[i..];
        var slash = rest.IndexOf('/');
        var between = slash < 0 ? rest : rest[..slash];
        if (between.Trim().Length > 0)
        {
            if (!options.IsLenient)
                throw new FitsFormatException($"Unexpected text '{between.Trim()}' after a string value", fieldOffset + i, number, keyword, hduIndex);
            fixes?.Add(new FitsFix($"ignored text '{between.Trim()}' after a string value", fieldOffset + i, hduIndex, number, keyword));
        }
        if (slash >= 0) comment = rest[(slash + 1)..].Trim();
        return (sb.ToString().TrimEnd(' '), comment);
    }

    private static CardValueKind? Classify(string text)
    {
        if (text is "T" or "F") return CardValueKind.Logical;
        if (text.StartsWith('(')) return text.EndsWith(')') && text.Contains(',') ? CardValueKind.Complex : null;
        var digits = text.AsSpan();
        if (digits.Length > 0 && digits[0] is '+' or '-') digits = digits[1..];
        if (digits.Length > 0 && digits.IndexOfAnyExceptInRange('0', '9') < 0) return CardValueKind.Integer;
        return Card.TryParseReal(text, out _) && text.IndexOfAny(['n', 'N', 'i', 'I', ',']) < 0 ? CardValueKind.Real : null;
    }
}
