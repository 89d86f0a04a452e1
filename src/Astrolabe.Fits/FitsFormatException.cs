namespace Astrolabe.Fits;

/// <summary>A FITS file breaks the standard; says where (HDU, card number and keyword, or byte offset).</summary>
public sealed class FitsFormatException : Exception
{
    public FitsFormatException(string message, long? byteOffset = null, int? cardNumber = null,
        string? keyword = null, int? hduIndex = null)
        : base(Describe(message, byteOffset, cardNumber, keyword, hduIndex))
    {
        ByteOffset = byteOffset;
        CardNumber = cardNumber;
        Keyword = keyword;
        HduIndex = hduIndex;
    }

    /// <summary>Offset in the (decompressed) file where the problem is, when known.</summary>
    public long? ByteOffset { get; }

    /// <summary>1-based number of the card within its header, when the problem is in a card.</summary>
    public int? CardNumber { get; }

    public string? Keyword { get; }

    /// <summary>0-based index of the HDU (0 = primary), when known.</summary>
    public int? HduIndex { get; }

    private static string Describe(string message, long? byteOffset, int? cardNumber, string? keyword, int? hduIndex)
    {
        var where = new List<string>();
        if (hduIndex is { } h) where.Add($"HDU {h}");
        if (cardNumber is { } c) where.Add($"card {c}");
        if (keyword is { Length: > 0 } k) where.Add($"keyword {k}");
        if (byteOffset is { } o) where.Add($"byte offset {o}");
        return where.Count == 0 ? message : $"{message} ({string.Join(", ", where)})";
    }
}
