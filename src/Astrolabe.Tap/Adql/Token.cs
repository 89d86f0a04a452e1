namespace Astrolabe.Tap.Adql;

/// <summary>What kind of lexical unit a token is.</summary>
public enum TokenKind
{
    Identifier,
    DelimitedIdentifier,
    String,
    Integer,
    Decimal,
    Hex,
    Symbol,
    End,
}

/// <summary>One token of an ADQL query with its 1-based position.</summary>
/// <param name="Text">The token as written (for strings and delimited identifiers: the value, unescaped).</param>
public sealed record Token(TokenKind Kind, string Text, int Line, int Column)
{
    /// <summary>True for a regular (undelimited) identifier equal, ignoring case, to <paramref name="word"/>.</summary>
    public bool IsWord(string word) =>
        Kind == TokenKind.Identifier && string.Equals(Text, word, StringComparison.OrdinalIgnoreCase);

    public bool IsSymbol(string symbol) => Kind == TokenKind.Symbol && Text == symbol;

    /// <summary>How the token is named in an error message.</summary>
    public string Describe() => Kind switch
    {
        TokenKind.End => "end of query",
        TokenKind.String => $"string '{Text}'",
        TokenKind.DelimitedIdentifier => $"\"{Text}\"",
        _ => $"'{Text}'",
    };
}
