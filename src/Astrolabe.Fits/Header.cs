using System.Text;

namespace Astrolabe.Fits;

/// <summary>
/// A FITS header: the ordered logical cards of one HDU (without END), with typed lookups by keyword.
/// Lookups find the first card with the keyword; "HIERARCH A B" and "A B" name the same card.
/// </summary>
public sealed class Header
{
    private readonly List<Card> _cards = new();
    private readonly Dictionary<string, int> _first = new(StringComparer.OrdinalIgnoreCase);

    public Header() { }

    public Header(IEnumerable<Card> cards)
    {
        foreach (var card in cards) Add(card);
    }

    public IReadOnlyList<Card> Cards => _cards;

    public int Count => _cards.Count;

    /// <summary>Offset of the header's first byte in the file; -1 for a header built in memory.</summary>
    public long ByteOffset { get; internal set; } = -1;

    /// <summary>The first card with this keyword, or null.</summary>
    public Card? Find(string keyword) =>
        _first.TryGetValue(Normalize(keyword), out var i) ? _cards[i] : null;

    public Card? this[string keyword] => Find(keyword);

    public bool Contains(string keyword) => _first.ContainsKey(Normalize(keyword));

    public IEnumerable<Card> FindAll(string keyword)
    {
        var key = Normalize(keyword);
        foreach (var card in _cards)
            if (string.Equals(card.Keyword, key, StringComparison.OrdinalIgnoreCase)) yield return card;
    }

    public IEnumerable<string> History => CommentaryText("HISTORY");

    public IEnumerable<string> Comments => CommentaryText("COMMENT");

    private IEnumerable<string> CommentaryText(string keyword)
    {
        foreach (var card in _cards)
            if (card.IsCommentary && card.Keyword == keyword) yield return card.ValueText ?? "";
    }

    // ---- typed lookups: Get* throw when missing or of the wrong type, naming the card; Try* never throw.

    public double GetDouble(string keyword)
    {
        var card = Require(keyword);
        return card.TryGetDouble(out var v) ? v : throw WrongType(card, "a number");
    }

    public double GetDouble(string keyword, double defaultValue) =>
        Find(keyword) is { } card ? (card.TryGetDouble(out var v) ? v : throw WrongType(card, "a number")) : defaultValue;

    public bool TryGetDouble(string keyword, out double value)
    {
        value = 0;
        return Find(keyword) is { } card && card.TryGetDouble(out value);
    }

    public long GetLong(string keyword)
    {
        var card = Require(keyword);
        return card.TryGetLong(out var v) ? v : throw WrongType(card, "an integer");
    }

    public long GetLong(string keyword, long defaultValue) =>
        Find(keyword) is { } card ? (card.TryGetLong(out var v) ? v : throw WrongType(card, "an integer")) : defaultValue;

    public bool TryGetLong(string keyword, out long value)
    {
        value = 0;
        return Find(keyword) is { } card && card.TryGetLong(out value);
    }

    public int GetInt(string keyword) => ToInt(keyword, GetLong(keyword));

    public int GetInt(string keyword, int defaultValue) => ToInt(keyword, GetLong(keyword, defaultValue));

    private int ToInt(string keyword, long value) =>
        value is >= int.MinValue and <= int.MaxValue ? (int)value : throw WrongType(Find(keyword)!, "a 32-bit integer");

    public bool TryGetInt(string keyword, out int value)
    {
        value = 0;
        if (!TryGetLong(keyword, out var v) || v < int.MinValue || v > int.MaxValue) return false;
        value = (int)v;
        return true;
    }

    public string GetString(string keyword)
    {
        var card = Require(keyword);
        return card.Kind == CardValueKind.String ? card.ValueText ?? "" : throw WrongType(card, "a string");
    }

    public string? GetString(string keyword, string? defaultValue) =>
        Find(keyword) is { } card
            ? (card.Kind == CardValueKind.String ? card.ValueText ?? "" : throw WrongType(card, "a string"))
            : defaultValue;

    public bool TryGetString(string keyword, out string value)
    {
        value = "";
        if (Find(keyword) is not { Kind: CardValueKind.String } card) return false;
        value = card.ValueText ?? "";
        return true;
    }

    public bool GetBool(string keyword)
    {
        var card = Require(keyword);
        return card.TryGetBool(out var v) ? v : throw WrongType(card, "a logical (T or F)");
    }

    public bool GetBool(string keyword, bool defaultValue) =>
        Find(keyword) is { } card ? (card.TryGetBool(out var v) ? v : throw WrongType(card, "a logical (T or F)")) : defaultValue;

    private Card Require(string keyword) =>
        Find(keyword) ?? throw new FitsFormatException($"Required keyword {keyword} is missing", ByteOffset >= 0 ? ByteOffset : null, keyword: keyword);

    private FitsFormatException WrongType(Card card, string expected) =>
        new($"Value of {card.Keyword} should be {expected} but is {Describe(card)}",
            ByteOffset >= 0 && card.Number > 0 ? ByteOffset + 80L * (card.Number - 1) : null,
            card.Number > 0 ? card.Number : null, card.Keyword);

    private static string Describe(Card card) => card.Kind switch
    {
        CardValueKind.Undefined => "undefined",
        CardValueKind.String => $"the string '{card.ValueText}'",
        _ => $"{card.Kind.ToString().ToLowerInvariant()} {card.ValueText}",
    };

    // ---- editing

    public void Add(Card card)
    {
        _cards.Add(card);
        if (!card.IsCommentary) _first.TryAdd(card.Keyword, _cards.Count - 1);
    }

    public void AddHistory(string text) => Add(Card.Commentary("HISTORY", text));

    public void AddComment(string text) => Add(Card.Commentary("COMMENT", text));

    /// <summary>Replaces the first card with the card's keyword, or appends it.</summary>
    public void Set(Card card)
    {
        if (_first.TryGetValue(card.Keyword, out var i)) _cards[i] = card;
        else Add(card);
    }

    public void Set(string keyword, string value, string? comment = null) => Set(Card.FromValue(Normalize(keyword), value, comment ?? Find(keyword)?.Comment));
    public void Set(string keyword, double value, string? comment = null) => Set(Card.FromValue(Normalize(keyword), value, comment ?? Find(keyword)?.Comment));
    public void Set(string keyword, long value, string? comment = null) => Set(Card.FromValue(Normalize(keyword), value, comment ?? Find(keyword)?.Comment));
    public void Set(string keyword, bool value, string? comment = null) => Set(Card.FromValue(Normalize(keyword), value, comment ?? Find(keyword)?.Comment));

    /// <summary>Removes every non-commentary card with this keyword; returns how many were removed.</summary>
    public int Remove(string keyword)
    {
        var key = Normalize(keyword);
        var removed = _cards.RemoveAll(c => !c.IsCommentary && string.Equals(c.Keyword, key, StringComparison.OrdinalIgnoreCase));
        if (removed > 0) Reindex();
        return removed;
    }

    private void Reindex()
    {
        _first.Clear();
        for (var i = 0; i < _cards.Count; i++)
            if (!_cards[i].IsCommentary) _first.TryAdd(_cards[i].Keyword, i);
    }

    public Header Clone() => new(_cards);

    private static string Normalize(string keyword) =>
        keyword.StartsWith("HIERARCH ", StringComparison.OrdinalIgnoreCase) ? keyword[9..].Trim() : keyword;

    // ---- bytes

    /// <summary>The header as FITS bytes: card images, END, blank-padded to a multiple of 2880.</summary>
    public byte[] ToBytes()
    {
        var sb = new StringBuilder(2880);
        foreach (var card in _cards)
            foreach (var image in card.ToCardImages()) sb.Append(image);
        sb.Append("END".PadRight(80));
        var length = (sb.Length + 2879) / 2880 * 2880;
        sb.Append(' ', length - sb.Length);
        return Encoding.ASCII.GetBytes(sb.ToString());
    }

    /// <summary>Parses header bytes (whole 2880-byte blocks ending with an END card).</summary>
    public static Header Parse(ReadOnlySpan<byte> bytes, FitsReadOptions? options = null) =>
        HeaderParser.Parse(bytes, 0, 0, options ?? FitsReadOptions.Strict, null, out _);

    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var card in _cards) sb.AppendLine(card.ToString());
        return sb.ToString();
    }
}
