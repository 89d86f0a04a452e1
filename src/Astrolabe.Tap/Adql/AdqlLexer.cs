using System.Text;

namespace Astrolabe.Tap.Adql;

/// <summary>Splits ADQL text into tokens (ADQL 2.1 §2.1): identifiers, delimited identifiers, strings
/// (adjacent literals separated only by white space are concatenated), numbers, hexadecimal literals,
/// symbols; `--` comments and white space are skipped.</summary>
public static class AdqlLexer
{
    private static readonly string[] Symbols =
        ["<>", "!=", "<=", ">=", "||", "(", ")", ",", ".", "*", "+", "-", "/", "=", "<", ">", "&", "|", "^", "~", ";"];

    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        int i = 0, line = 1, lineStart = 0;
        while (true)
        {
            SkipSpaceAndComments(text, ref i, ref line, ref lineStart);
            int column = i - lineStart + 1;
            if (i >= text.Length)
            {
                tokens.Add(new Token(TokenKind.End, "", line, column));
                return tokens;
            }
            char c = text[i];
            if (IsLatinLetter(c))
            {
                int start = i;
                while (i < text.Length && (IsLatinLetter(text[i]) || char.IsAsciiDigit(text[i]) || text[i] == '_'))
                {
                    i++;
                }
                tokens.Add(new Token(TokenKind.Identifier, text[start..i], line, column));
            }
            else if (c == '"')
            {
                var value = new StringBuilder();
                i++;
                while (true)
                {
                    if (i >= text.Length)
                    {
                        throw new AdqlException("delimited identifier is not closed: expected '\"'", line, column);
                    }
                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"')
                        {
                            value.Append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    if (text[i] == '\n')
                    {
                        line++;
                        lineStart = i + 1;
                    }
                    value.Append(text[i++]);
                }
                if (value.Length == 0)
                {
                    throw new AdqlException("found empty delimited identifier \"\", expected a name between the quotes", line, column);
                }
                tokens.Add(new Token(TokenKind.DelimitedIdentifier, value.ToString(), line, column));
            }
            else if (c == '\'')
            {
                var value = new StringBuilder();
                ReadString(text, ref i, ref line, ref lineStart, column, value);
                // Adjacent literals separated by white space (with a newline, in SQL-92) form one literal.
                while (true)
                {
                    int j = i, l = line, ls = lineStart;
                    SkipSpaceAndComments(text, ref j, ref l, ref ls);
                    if (j < text.Length && text[j] == '\'' && j > i)
                    {
                        i = j;
                        line = l;
                        lineStart = ls;
                        ReadString(text, ref i, ref line, ref lineStart, i - lineStart + 1, value);
                        continue;
                    }
                    break;
                }
                tokens.Add(new Token(TokenKind.String, value.ToString(), line, column));
            }
            else if (c == '0' && i + 1 < text.Length && (text[i + 1] == 'x' || text[i + 1] == 'X'))
            {
                int start = i;
                i += 2;
                while (i < text.Length && char.IsAsciiHexDigit(text[i]))
                {
                    i++;
                }
                if (i == start + 2)
                {
                    throw new AdqlException($"found '{text[start..Math.Min(text.Length, i + 1)]}', expected hexadecimal digits after 0x", line, column);
                }
                if (i < text.Length && (IsLatinLetter(text[i]) || text[i] == '_'))
                {
                    throw new AdqlException($"found '{text[i]}' in hexadecimal literal, expected a hexadecimal digit", line, i - lineStart + 1);
                }
                tokens.Add(new Token(TokenKind.Hex, text[start..i], line, column));
            }
            else if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
            {
                tokens.Add(ReadNumber(text, ref i, line, column, lineStart));
            }
            else
            {
                string? symbol = null;
                foreach (var s in Symbols)
                {
                    if (string.CompareOrdinal(text, i, s, 0, s.Length) == 0)
                    {
                        symbol = s;
                        break;
                    }
                }
                if (symbol is null)
                {
                    throw new AdqlException($"found unexpected character '{c}'", line, column);
                }
                i += symbol.Length;
                tokens.Add(new Token(TokenKind.Symbol, symbol == "!=" ? "<>" : symbol, line, column));
            }
        }
    }

    private static Token ReadNumber(string text, ref int i, int line, int column, int lineStart)
    {
        int start = i;
        bool isDecimal = false;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }
        if (i < text.Length && text[i] == '.')
        {
            isDecimal = true;
            i++;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
        }
        if (i < text.Length && (text[i] == 'e' || text[i] == 'E'))
        {
            int save = i;
            i++;
            if (i < text.Length && (text[i] == '+' || text[i] == '-'))
            {
                i++;
            }
            if (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                while (i < text.Length && char.IsAsciiDigit(text[i]))
                {
                    i++;
                }
                isDecimal = true;
            }
            else
            {
                throw new AdqlException($"found '{text[start..Math.Min(text.Length, i + 1)]}', expected digits in the exponent", line, column);
            }
            _ = save;
        }
        if (i < text.Length && (IsLatinLetter(text[i]) || text[i] == '_'))
        {
            throw new AdqlException($"found '{text[start..(i + 1)]}', expected a number followed by a space or an operator", line, i - lineStart + 1);
        }
        return new Token(isDecimal ? TokenKind.Decimal : TokenKind.Integer, text[start..i], line, column);
    }

    private static void ReadString(string text, ref int i, ref int line, ref int lineStart, int column, StringBuilder value)
    {
        int startLine = line;
        i++;
        while (true)
        {
            if (i >= text.Length)
            {
                throw new AdqlException("string literal is not closed: expected \"'\"", startLine, column);
            }
            if (text[i] == '\'')
            {
                if (i + 1 < text.Length && text[i + 1] == '\'')
                {
                    value.Append('\'');
                    i += 2;
                    continue;
                }
                i++;
                return;
            }
            if (text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
            value.Append(text[i++]);
        }
    }

    private static void SkipSpaceAndComments(string text, ref int i, ref int line, ref int lineStart)
    {
        while (i < text.Length)
        {
            char c = text[i];
            if (c == '\n')
            {
                line++;
                lineStart = i + 1;
                i++;
            }
            else if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '-' && i + 1 < text.Length && text[i + 1] == '-')
            {
                while (i < text.Length && text[i] != '\n')
                {
                    i++;
                }
            }
            else
            {
                return;
            }
        }
    }

    private static bool IsLatinLetter(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z');
}
