using System.Globalization;
using System.Text;

namespace Astrolabe.Fits;

/// <summary>
/// One logical header card: keyword, value and comment. A long string spread over CONTINUE cards is one
/// logical card; a HIERARCH card has its keyword without the HIERARCH prefix and <see cref="IsHierarch"/> set.
/// </summary>
public sealed class Card
{
    public Card(string keyword, CardValueKind kind, string? valueText, string? comment, bool isHierarch = false)
        : this(keyword, kind, valueText, comment, isHierarch, trusted: true)
    {
        CheckText(keyword, nameof(keyword));
        CheckText(valueText, nameof(valueText));
        CheckText(comment, nameof(comment));
        if (!isHierarch && (keyword.Length > 8 || keyword.AsSpan().IndexOfAnyExcept(KeywordCharacters) >= 0))
            throw new ArgumentException($"'{keyword}' is not a FITS keyword (up to 8 of A-Z, 0-9, '-', '_'; longer names are HIERARCH).", nameof(keyword));
    }

    /// <summary>For the header parser, which has already checked what it read.</summary>
    internal Card(string keyword, CardValueKind kind, string? valueText, string? comment, bool isHierarch, bool trusted)
    {
        _ = trusted;
        Keyword = keyword;
        Kind = kind;
        ValueText = valueText;
        Comment = comment;
        IsHierarch = isHierarch;
    }

    private static readonly System.Buffers.SearchValues<char> KeywordCharacters =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_");

    private static void CheckText(string? text, string name)
    {
        if (text is not null && text.AsSpan().IndexOfAnyExceptInRange(' ', '~') >= 0)
            throw new ArgumentException($"FITS headers hold printable ASCII only; '{text}' does not.", name);
    }

    public string Keyword { get; }

    public CardValueKind Kind { get; }

    /// <summary>
    /// The value: for strings the decoded text (quotes removed, '' unescaped, trailing blanks removed); for other
    /// kinds the text as written; for commentary cards the commentary text. Null when undefined.
    /// </summary>
    public string? ValueText { get; }

    public string? Comment { get; }

    public bool IsHierarch { get; }

    /// <summary>1-based number of the (first physical) card within its header; 0 for cards not read from a file.</summary>
    public int Number { get; internal set; }

    /// <summary>How many 80-byte card images this logical card occupied in the file (more than 1 with CONTINUE).</summary>
    public int PhysicalCount { get; internal set; } = 1;

    public bool IsCommentary => Kind == CardValueKind.None;

    public static Card Commentary(string keyword, string text) => new(keyword, CardValueKind.None, text, null);

    internal static Card ParsedCommentary(string keyword, string text) => new(keyword, CardValueKind.None, text, null, false, trusted: true);

    // Keywords of up to 8 characters are upper-cased (as FITS requires); longer ones, or with blanks, are HIERARCH.
    public static Card FromValue(string keyword, string value, string? comment = null) =>
        new(Key(keyword), CardValueKind.String, value, comment, IsHierarchKeyword(Key(keyword)));

    public static Card FromValue(string keyword, bool value, string? comment = null) =>
        new(Key(keyword), CardValueKind.Logical, value ? "T" : "F", comment, IsHierarchKeyword(Key(keyword)));

    public static Card FromValue(string keyword, long value, string? comment = null) =>
        new(Key(keyword), CardValueKind.Integer, value.ToString(CultureInfo.InvariantCulture), comment, IsHierarchKeyword(Key(keyword)));

    public static Card FromValue(string keyword, double value, string? comment = null) =>
        new(Key(keyword), CardValueKind.Real, FormatReal(value), comment, IsHierarchKeyword(Key(keyword)));

    private static string Key(string keyword) => keyword.Length <= 8 && !keyword.Contains(' ') ? keyword.ToUpperInvariant() : keyword;

    private static bool IsHierarchKeyword(string keyword) =>
        keyword.Length > 8 || keyword.AsSpan().IndexOfAnyExcept(KeywordCharacters) >= 0;

    public bool TryGetDouble(out double value)
    {
        value = 0;
        if (ValueText is null) return false;
        switch (Kind)
        {
            case CardValueKind.Integer:
            case CardValueKind.Real:
                return TryParseReal(ValueText, out value);
            default:
                return false;
        }
    }

    public bool TryGetLong(out long value)
    {
        value = 0;
        if (ValueText is null) return false;
        if (Kind == CardValueKind.Integer)
            return long.TryParse(ValueText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
        // A real that holds an integral value ("3.0", "1.0E+02") is accepted, as readers commonly do.
        if (Kind == CardValueKind.Real && TryParseReal(ValueText, out var d) && d == Math.Floor(d) && Math.Abs(d) < 9.2e18)
        {
            value = (long)d;
            return true;
        }
        return false;
    }

    public bool TryGetBool(out bool value)
    {
        value = Kind == CardValueKind.Logical && ValueText == "T";
        return Kind == CardValueKind.Logical;
    }

    public bool TryGetComplex(out System.Numerics.Complex value)
    {
        value = default;
        if (Kind != CardValueKind.Complex || ValueText is null) return false;
        var inner = ValueText.Trim().TrimStart('(').TrimEnd(')');
        var comma = inner.IndexOf(',');
        if (comma < 0) return false;
        if (!TryParseReal(inner[..comma].Trim(), out var re) || !TryParseReal(inner[(comma + 1)..].Trim(), out var im))
            return false;
        value = new System.Numerics.Complex(re, im);
        return true;
    }

    /// <summary>Parses a FITS real number (accepts a D exponent, as the standard allows).</summary>
    public static bool TryParseReal(ReadOnlySpan<char> text, out double value)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value)) return true;
        var d = text.IndexOfAny('D', 'd');
        if (d < 0) return false;
        Span<char> copy = stackalloc char[text.Length];
        text.CopyTo(copy);
        copy[d] = 'E';
        return double.TryParse(copy, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Formats a real for a fixed-format card: shortest round-trip text, always with a decimal point.</summary>
    public static string FormatReal(double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
            throw new ArgumentException("FITS header values cannot be NaN or infinite.", nameof(value));
        var s = value.ToString("R", CultureInfo.InvariantCulture);
        var e = s.IndexOf('E');
        var mantissa = e < 0 ? s : s[..e];
        if (!mantissa.Contains('.')) mantissa += ".0";
        s = e < 0 ? mantissa : mantissa + s[e..];
        if (s.Length > 20) s = value.ToString("0.0###############E+000", CultureInfo.InvariantCulture);
        return s;
    }

    /// <summary>The card as one or more 80-character card images (several when a long string needs CONTINUE).</summary>
    public IEnumerable<string> ToCardImages()
    {
        if (Kind == CardValueKind.None)
        {
            var text = ValueText ?? "";
            var key = Keyword.PadRight(8);
            // Long commentary is split over several cards of the same keyword.
            if (text.Length == 0) { yield return key.PadRight(80); yield break; }
            for (var i = 0; i < text.Length; i += 72)
                yield return (key + text.Substring(i, Math.Min(72, text.Length - i))).PadRight(80);
            yield break;
        }

        var prefix = IsHierarch ? $"HIERARCH {Keyword} = " : Keyword.PadRight(8) + "= ";
        if (Kind == CardValueKind.String)
        {
            foreach (var image in StringCardImages(prefix)) yield return image;
            yield break;
        }

        var valueField = Kind == CardValueKind.Undefined ? "" : (ValueText ?? "");
        var line = IsHierarch ? prefix + valueField : prefix + valueField.PadLeft(20);
        yield return AppendComment(line);
    }

    private string AppendComment(string line)
    {
        if (line.Length > 80) throw new InvalidOperationException($"Card {Keyword} does not fit in 80 characters.");
        if (!string.IsNullOrEmpty(Comment))
        {
            var withComment = line + " / " + Comment;
            line = withComment.Length <= 80 ? withComment : withComment[..80];
        }
        return line.PadRight(80);
    }

    private IEnumerable<string> StringCardImages(string prefix)
    {
        var value = (ValueText ?? "").Replace("'", "''");
        var room = 80 - prefix.Length - 2;
        if (value.Length <= room)
        {
            var padded = value.Length < 8 ? value.PadRight(8) : value;
            var line = prefix + "'" + padded + "'";
            // Fixed format, as astropy writes it: a comment starts after column 30 (astropy's checksum
            // verification re-creates the CHECKSUM card this way, so the bytes must match).
            if (!IsHierarch && !string.IsNullOrEmpty(Comment)) line = line.PadRight(30);
            yield return AppendComment(line);
            yield break;
        }

        // Long string convention (FITS 4.0 §4.2.1.2): pieces ending in '&', continued on CONTINUE cards.
        var first = true;
        var rest = value;
        while (rest.Length > 0)
        {
            var head = first ? prefix : "CONTINUE  ";
            var space = 80 - head.Length - 3; // quotes and '&'
            var take = Math.Min(space, rest.Length);
            // Never split an escaped quote pair.
            if (take < rest.Length && take > 0 && rest[take - 1] == '\'' && CountTrailingQuotes(rest, take) % 2 == 1) take--;
            var piece = rest[..take];
            rest = rest[take..];
            if (rest.Length > 0) yield return (head + "'" + piece + "&'").PadRight(80);
            else if (string.IsNullOrEmpty(Comment) || (head + "'" + piece + "' / " + Comment).Length <= 80)
                yield return AppendComment(head + "'" + piece + "'");
            else
            {
                // The comment does not fit after the last piece: it goes on a CONTINUE card of its own.
                yield return (head + "'" + piece + "&'").PadRight(80);
                yield return AppendComment("CONTINUE  ''");
            }
            first = false;
        }
    }

    private static int CountTrailingQuotes(string s, int end)
    {
        var n = 0;
        while (end - 1 - n >= 0 && s[end - 1 - n] == '\'') n++;
        return n;
    }

    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var image in ToCardImages()) sb.AppendLine(image.TrimEnd());
        return sb.ToString().TrimEnd();
    }
}
