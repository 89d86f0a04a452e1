using System.Globalization;

namespace Astrolabe.Tap.Adql;

/// <summary>Parses ADQL 2.1 text into a syntax tree, without any catalogue or database. Hand-written
/// recursive descent, so that every error names the line, column, the token found and what was expected.</summary>
public sealed class AdqlParser
{
    /// <summary>Longest query accepted, in characters; beyond it the query is refused before parsing.</summary>
    public const int MaxQueryLength = 1_000_000;

    private const int MaxDepth = 200;

    // Known functions: name → (minimum, maximum) argument count; -1 for no maximum.
    private static readonly Dictionary<string, (int Min, int Max)> Functions = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ABS"] = (1, 1),
        ["CEILING"] = (1, 1),
        ["DEGREES"] = (1, 1),
        ["EXP"] = (1, 1),
        ["FLOOR"] = (1, 1),
        ["LOG"] = (1, 1),
        ["LOG10"] = (1, 1),
        ["MOD"] = (2, 2),
        ["PI"] = (0, 0),
        ["POWER"] = (2, 2),
        ["RADIANS"] = (1, 1),
        ["RAND"] = (0, 1),
        ["ROUND"] = (1, 2),
        ["SQRT"] = (1, 1),
        ["TRUNCATE"] = (1, 2),
        ["ACOS"] = (1, 1),
        ["ASIN"] = (1, 1),
        ["ATAN"] = (1, 1),
        ["ATAN2"] = (2, 2),
        ["COS"] = (1, 1),
        ["COT"] = (1, 1),
        ["SIN"] = (1, 1),
        ["TAN"] = (1, 1),
        ["LOWER"] = (1, 1),
        ["UPPER"] = (1, 1),
        ["COALESCE"] = (1, -1),
        ["IN_UNIT"] = (2, 2),
        ["AREA"] = (1, 1),
        ["CENTROID"] = (1, 1),
        ["COORD1"] = (1, 1),
        ["COORD2"] = (1, 1),
        ["COORDSYS"] = (1, 1),
        ["DISTANCE"] = (2, 4),
        ["CONTAINS"] = (2, 2),
        ["INTERSECTS"] = (2, 2),
        ["POINT"] = (2, 2),
        ["CIRCLE"] = (2, 3),
        ["BOX"] = (3, 4),
        ["POLYGON"] = (3, -1),
        ["REGION"] = (1, 1),
        ["COUNT"] = (1, 1),
        ["AVG"] = (1, 1),
        ["MIN"] = (1, 1),
        ["MAX"] = (1, 1),
        ["SUM"] = (1, 1),
    };

    // Keywords that end or join clauses: where a value is missing, say so rather than "reserved word".
    private static readonly HashSet<string> StructuralWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "FROM", "WHERE", "GROUP", "ORDER", "HAVING", "AND", "OR", "NOT", "ON", "USING", "JOIN", "UNION", "EXCEPT",
        "INTERSECT", "AS", "SELECT", "BY", "IS", "IN", "BETWEEN", "LIKE", "ILIKE", "OFFSET", "TOP", "DISTINCT", "ALL",
        "ASC", "DESC", "INNER", "LEFT", "RIGHT", "FULL", "OUTER", "NATURAL", "CROSS", "WITH",
    };

    private static readonly HashSet<string> Aggregates = new(StringComparer.OrdinalIgnoreCase) { "COUNT", "AVG", "MIN", "MAX", "SUM" };

    private static readonly HashSet<string> GeometryConstructors = new(StringComparer.OrdinalIgnoreCase) { "POINT", "CIRCLE", "BOX", "POLYGON" };

    private readonly List<Token> _tokens;
    private int _index;
    private int _depth;
    private Token? _implicitAlias;

    private AdqlParser(List<Token> tokens) => _tokens = tokens;

    /// <summary>Parses one ADQL query; throws <see cref="AdqlException"/> with the position of the first error.</summary>
    public static QueryStatement Parse(string adql)
    {
        ArgumentNullException.ThrowIfNull(adql);
        if (adql.Length > MaxQueryLength)
        {
            throw new AdqlException($"the query is {adql.Length} characters long; at most {MaxQueryLength} are accepted", 1, 1);
        }
        var parser = new AdqlParser(AdqlLexer.Tokenize(adql));
        return parser.ParseStatement();
    }

    private Token Current => _tokens[_index];

    private Token Peek(int ahead = 1) => _tokens[Math.Min(_index + ahead, _tokens.Count - 1)];

    private Token Advance() => _tokens[_index < _tokens.Count - 1 ? _index++ : _index];

    private static Position At(Token t) => new(t.Line, t.Column);

    private AdqlException Error(string expected, Token? token = null)
    {
        var t = token ?? Current;
        return new AdqlException($"found {t.Describe()}, expected {expected}", t.Line, t.Column);
    }

    private bool AcceptWord(string word)
    {
        if (Current.IsWord(word))
        {
            _index++;
            return true;
        }
        return false;
    }

    private bool AcceptSymbol(string symbol)
    {
        if (Current.IsSymbol(symbol))
        {
            _index++;
            return true;
        }
        return false;
    }

    private Token ExpectWord(string word, string? expected = null)
    {
        if (!Current.IsWord(word))
        {
            throw Error(expected ?? word);
        }
        return Advance();
    }

    private Token ExpectSymbol(string symbol, string? expected = null)
    {
        if (!Current.IsSymbol(symbol))
        {
            throw Error(expected ?? $"'{symbol}'");
        }
        return Advance();
    }

    private void Enter()
    {
        if (++_depth > MaxDepth)
        {
            throw new AdqlException($"the query nests more than {MaxDepth} levels deep", Current.Line, Current.Column);
        }
    }

    private void Leave() => _depth--;

    private QueryStatement ParseStatement()
    {
        var with = new List<CommonTable>();
        if (AcceptWord("WITH"))
        {
            do
            {
                var name = ParseIdentifier("a name for the common table expression");
                ExpectWord("AS");
                ExpectSymbol("(", "'(' before the common table expression's query");
                var query = ParseSelectExpression();
                ExpectSymbol(")", "')' after the common table expression's query");
                with.Add(new CommonTable(name, query));
            }
            while (AcceptSymbol(","));
        }
        if (!Current.IsWord("SELECT") && !Current.IsSymbol("("))
        {
            throw Error(with.Count == 0 ? "SELECT or WITH" : "SELECT or ','");
        }
        var body = ParseSelectExpression();
        AcceptSymbol(";");
        if (Current.Kind != TokenKind.End)
        {
            throw Error(ExpectedAfterQuery());
        }
        return new QueryStatement(with, body);
    }

    private string ExpectedAfterQuery() => Current.IsWord("LIMIT")
        ? "end of query (ADQL limits rows with SELECT TOP n, not LIMIT)"
        : "end of query";

    // select_expression: set expression [ORDER BY ...] [OFFSET n]
    private QueryExpression ParseSelectExpression()
    {
        Enter();
        var start = Current;
        var body = ParseSetExpression();
        var order = new List<OrderItem>();
        long? offset = null;
        if (AcceptWord("ORDER"))
        {
            ExpectWord("BY", "BY after ORDER");
            do
            {
                var key = ParseValueExpression();
                bool descending = false;
                if (AcceptWord("DESC"))
                {
                    descending = true;
                }
                else
                {
                    AcceptWord("ASC");
                }
                order.Add(new OrderItem(key, descending));
            }
            while (AcceptSymbol(","));
        }
        if (AcceptWord("OFFSET"))
        {
            offset = ParseUnsignedInteger("a row count after OFFSET");
        }
        Leave();
        return order.Count == 0 && offset is null ? body : new OrderedQuery(At(start), body, order, offset);
    }

    private QueryExpression ParseSetExpression()
    {
        var left = ParseSetTerm();
        while (Current.IsWord("UNION") || Current.IsWord("EXCEPT"))
        {
            var op = Advance();
            bool all = AcceptWord("ALL");
            var right = ParseSetTerm();
            left = new SetQuery(At(op), left, op.IsWord("UNION") ? SetOperator.Union : SetOperator.Except, all, right);
        }
        return left;
    }

    private QueryExpression ParseSetTerm()
    {
        var left = ParseSetPrimary();
        while (Current.IsWord("INTERSECT"))
        {
            var op = Advance();
            bool all = AcceptWord("ALL");
            var right = ParseSetPrimary();
            left = new SetQuery(At(op), left, SetOperator.Intersect, all, right);
        }
        return left;
    }

    private QueryExpression ParseSetPrimary()
    {
        if (Current.IsSymbol("("))
        {
            Advance();
            var inner = ParseSelectExpression();
            ExpectSymbol(")", "')' to close the parenthesised query");
            return inner;
        }
        return ParseSelectQuery();
    }

    private SelectQuery ParseSelectQuery()
    {
        var start = ExpectWord("SELECT");
        bool distinct = false;
        if (AcceptWord("DISTINCT"))
        {
            distinct = true;
        }
        else
        {
            AcceptWord("ALL");
        }
        long? top = null;
        if (AcceptWord("TOP"))
        {
            top = ParseUnsignedInteger("a row count after TOP");
        }
        var items = new List<SelectItem>();
        do
        {
            _implicitAlias = null;
            items.Add(ParseSelectItem());
        }
        while (AcceptSymbol(","));
        if (!Current.IsWord("FROM"))
        {
            // "SELECT id FORM t": FORM was taken for an alias of id; the mistake is there, not at t.
            if (_implicitAlias is not null && Current.Kind is TokenKind.Identifier or TokenKind.DelimitedIdentifier
                && LooksLikeFrom(_implicitAlias.Text))
            {
                throw Error("',' or FROM", _implicitAlias);
            }
            throw Error(Current.Kind == TokenKind.End ? "FROM (ADQL 2.1 requires a FROM clause)" : "',' or FROM");
        }
        Advance();
        var from = new List<FromItem>();
        do
        {
            from.Add(ParseTableReference());
        }
        while (AcceptSymbol(","));
        Condition? where = null;
        if (AcceptWord("WHERE"))
        {
            where = ParseCondition();
        }
        var groupBy = new List<Expression>();
        if (AcceptWord("GROUP"))
        {
            ExpectWord("BY", "BY after GROUP");
            do
            {
                groupBy.Add(ParseValueExpression());
            }
            while (AcceptSymbol(","));
        }
        Condition? having = null;
        if (AcceptWord("HAVING"))
        {
            having = ParseCondition();
        }
        if (Current.Kind is TokenKind.Identifier or TokenKind.DelimitedIdentifier or TokenKind.Symbol
            && !Current.IsSymbol(")") && !Current.IsSymbol(";") && !IsClauseWord(Current))
        {
            string expected = where is null && groupBy.Count == 0 && having is null
                ? "WHERE, GROUP BY, HAVING, ORDER BY, OFFSET, a join, ',' or end of query"
                : "a clause keyword (GROUP BY, HAVING, ORDER BY, OFFSET, UNION, ...) or end of query";
            if (Current.IsWord("LIMIT"))
            {
                expected = "end of query (ADQL limits rows with SELECT TOP n, not LIMIT)";
            }
            throw Error(expected);
        }
        return new SelectQuery(At(start), distinct, top, items, from, where, groupBy, having);
    }

    // FORM, FRM, FROMM, ...: a misspelt FROM that the parser first read as a column alias.
    private static bool LooksLikeFrom(string word)
    {
        var w = word.ToUpperInvariant();
        return w.Length is >= 3 and <= 5 && w[0] == 'F' && w.Count(c => "ROM".Contains(c)) >= 2;
    }

    private static bool IsClauseWord(Token t) =>
        t.IsWord("ORDER") || t.IsWord("OFFSET") || t.IsWord("UNION") || t.IsWord("EXCEPT") || t.IsWord("INTERSECT");

    private SelectItem ParseSelectItem()
    {
        var start = Current;
        if (AcceptSymbol("*"))
        {
            return new AllColumns(At(start), []);
        }
        // qualifier.* : one to three identifiers followed by '.' '*'
        if (Current.Kind is TokenKind.Identifier or TokenKind.DelimitedIdentifier)
        {
            int save = _index;
            var parts = new List<Identifier>();
            while (Current.Kind is TokenKind.Identifier or TokenKind.DelimitedIdentifier && Peek().IsSymbol("."))
            {
                parts.Add(new Identifier(Current.Text, Current.Kind == TokenKind.DelimitedIdentifier, At(Current)));
                _index += 2;
                if (Current.IsSymbol("*"))
                {
                    Advance();
                    foreach (var p in parts)
                    {
                        CheckNotReserved(p);
                    }
                    return new AllColumns(At(start), parts);
                }
            }
            _index = save;
        }
        var value = ParseValueExpression();
        Identifier? alias = null;
        if (AcceptWord("AS"))
        {
            alias = ParseIdentifier("a column alias after AS");
        }
        else if (Current.Kind == TokenKind.DelimitedIdentifier
                 || (Current.Kind == TokenKind.Identifier && !ReservedWords.Contains(Current.Text)))
        {
            _implicitAlias = Current;
            alias = ParseIdentifier("a column alias");
        }
        return new DerivedColumn(At(start), value, alias);
    }

    private FromItem ParseTableReference()
    {
        var left = ParseTablePrimary();
        while (true)
        {
            var start = Current;
            bool natural = false;
            JoinKind kind = JoinKind.Inner;
            if (AcceptWord("CROSS"))
            {
                ExpectWord("JOIN", "JOIN after CROSS");
                var crossRight = ParseTablePrimary();
                left = new Join(At(start), left, crossRight, JoinKind.Cross, false, null, null);
                continue;
            }
            if (AcceptWord("NATURAL"))
            {
                natural = true;
            }
            if (AcceptWord("INNER"))
            {
                kind = JoinKind.Inner;
            }
            else if (Current.IsWord("LEFT") || Current.IsWord("RIGHT") || Current.IsWord("FULL"))
            {
                var k = Advance();
                kind = k.IsWord("LEFT") ? JoinKind.Left : k.IsWord("RIGHT") ? JoinKind.Right : JoinKind.Full;
                AcceptWord("OUTER");
            }
            if (!Current.IsWord("JOIN"))
            {
                if (natural || start != Current)
                {
                    throw Error("JOIN");
                }
                return left;
            }
            Advance();
            var right = ParseTablePrimary();
            Condition? on = null;
            List<Identifier>? usingColumns = null;
            if (natural)
            {
                if (Current.IsWord("ON") || Current.IsWord("USING"))
                {
                    throw Error("no ON or USING after a NATURAL JOIN (it joins on the common columns)");
                }
            }
            else if (AcceptWord("ON"))
            {
                on = ParseCondition();
            }
            else if (AcceptWord("USING"))
            {
                ExpectSymbol("(", "'(' after USING");
                usingColumns = [];
                do
                {
                    usingColumns.Add(ParseIdentifier("a column name in USING"));
                }
                while (AcceptSymbol(","));
                ExpectSymbol(")", "',' or ')' to close USING");
            }
            else
            {
                throw Error("ON or USING after the joined table");
            }
            left = new Join(At(start), left, right, kind, natural, on, usingColumns);
        }
    }

    private FromItem ParseTablePrimary()
    {
        var start = Current;
        if (Current.IsSymbol("("))
        {
            if (StartsQuery(_index + 1))
            {
                Advance();
                Enter();
                var query = ParseSelectExpression();
                Leave();
                ExpectSymbol(")", "')' to close the subquery");
                AcceptWord("AS");
                if (Current.Kind is not (TokenKind.Identifier or TokenKind.DelimitedIdentifier))
                {
                    throw Error("a correlation name for the subquery (ADQL requires an alias: (SELECT ...) AS name)");
                }
                var alias = ParseIdentifier("a correlation name for the subquery");
                return new DerivedTable(At(start), query, alias);
            }
            Advance();
            Enter();
            var inner = ParseTableReference();
            Leave();
            ExpectSymbol(")", "')' to close the joined table");
            if (inner is not Join)
            {
                throw new AdqlException("a parenthesised table reference must be a join or a subquery", start.Line, start.Column);
            }
            return inner;
        }
        var first = ParseIdentifier("a table name");
        var parts = new List<Identifier> { first };
        while (AcceptSymbol("."))
        {
            parts.Add(ParseIdentifier("a table name after '.'"));
        }
        if (parts.Count > 3)
        {
            throw new AdqlException("a table name has at most three parts (catalog.schema.table)", start.Line, start.Column);
        }
        Identifier? schemaName = parts.Count >= 2 ? parts[^2] : null;
        Identifier? aliasName = null;
        if (AcceptWord("AS"))
        {
            aliasName = ParseIdentifier("a correlation name after AS");
        }
        else if (Current.Kind == TokenKind.DelimitedIdentifier
                 || (Current.Kind == TokenKind.Identifier && !ReservedWords.Contains(Current.Text) && !Current.IsWord("LIMIT")))
        {
            aliasName = ParseIdentifier("a correlation name");
        }
        return new TableReference(At(start), schemaName, parts[^1], aliasName);
    }

    // Whether tokens from index start a query: any number of '(' then SELECT.
    private bool StartsQuery(int index)
    {
        while (index < _tokens.Count && _tokens[index].IsSymbol("("))
        {
            index++;
        }
        return index < _tokens.Count && _tokens[index].IsWord("SELECT");
    }

    // ---- Conditions ----

    private Condition ParseCondition()
    {
        Enter();
        var left = ParseAndCondition();
        while (Current.IsWord("OR"))
        {
            var op = Advance();
            var right = ParseAndCondition();
            left = new OrCondition(At(op), left, right);
        }
        Leave();
        return left;
    }

    private Condition ParseAndCondition()
    {
        var left = ParseNotCondition();
        while (Current.IsWord("AND"))
        {
            var op = Advance();
            var right = ParseNotCondition();
            left = new AndCondition(At(op), left, right);
        }
        return left;
    }

    private Condition ParseNotCondition()
    {
        if (Current.IsWord("NOT"))
        {
            var op = Advance();
            Enter();
            var operand = ParseNotCondition();
            Leave();
            return new NotCondition(At(op), operand);
        }
        return ParseConditionPrimary();
    }

    private Condition ParseConditionPrimary()
    {
        if (Current.IsSymbol("(") && !StartsQuery(_index + 1))
        {
            // Either a parenthesised condition or a predicate starting with a parenthesised value.
            int save = _index;
            AdqlException? asCondition = null;
            try
            {
                Advance();
                var inner = ParseCondition();
                ExpectSymbol(")", "')' to close the condition");
                if (!StartsPredicateTail(Current) && !IsValueOperator(Current))
                {
                    return inner;
                }
            }
            catch (AdqlException e)
            {
                asCondition = e;
            }
            int conditionEnd = _index;
            _index = save;
            try
            {
                return ParsePredicate();
            }
            catch (AdqlException e) when (asCondition is not null && Further(asCondition, e))
            {
                _ = conditionEnd;
                throw asCondition;
            }
        }
        return ParsePredicate();
    }

    private static bool Further(AdqlException a, AdqlException b) =>
        a.Line > b.Line || (a.Line == b.Line && a.Column > b.Column);

    private static bool StartsPredicateTail(Token t) =>
        t.IsSymbol("=") || t.IsSymbol("<>") || t.IsSymbol("<") || t.IsSymbol(">") || t.IsSymbol("<=") || t.IsSymbol(">=")
        || t.IsWord("BETWEEN") || t.IsWord("LIKE") || t.IsWord("ILIKE") || t.IsWord("IN") || t.IsWord("IS") || t.IsWord("NOT");

    private static bool IsValueOperator(Token t) =>
        t.IsSymbol("+") || t.IsSymbol("-") || t.IsSymbol("*") || t.IsSymbol("/") || t.IsSymbol("||")
        || t.IsSymbol("&") || t.IsSymbol("|") || t.IsSymbol("^");

    private Condition ParsePredicate()
    {
        var start = Current;
        if (AcceptWord("EXISTS"))
        {
            ExpectSymbol("(", "'(' and a subquery after EXISTS");
            if (!StartsQuery(_index))
            {
                throw Error("SELECT (EXISTS takes a subquery)");
            }
            var query = ParseSelectExpression();
            ExpectSymbol(")", "')' to close the subquery");
            return new ExistsCondition(At(start), query);
        }
        var value = ParseValueExpression();
        var op = Current;
        if (op.IsSymbol("=") || op.IsSymbol("<>") || op.IsSymbol("<") || op.IsSymbol(">") || op.IsSymbol("<=") || op.IsSymbol(">="))
        {
            Advance();
            var right = ParseValueExpression();
            return new Comparison(At(start), op.Text, value, right);
        }
        bool negated = false;
        if (op.IsWord("NOT"))
        {
            Advance();
            negated = true;
            if (!Current.IsWord("BETWEEN") && !Current.IsWord("LIKE") && !Current.IsWord("ILIKE") && !Current.IsWord("IN"))
            {
                throw Error("BETWEEN, LIKE, ILIKE or IN after NOT");
            }
        }
        if (AcceptWord("BETWEEN"))
        {
            var low = ParseValueExpression();
            ExpectWord("AND", "AND between the bounds of BETWEEN");
            var high = ParseValueExpression();
            return new BetweenCondition(At(start), value, low, high, negated);
        }
        if (Current.IsWord("LIKE") || Current.IsWord("ILIKE"))
        {
            bool ilike = Advance().IsWord("ILIKE");
            var pattern = ParseValueExpression();
            if (Current.IsWord("ESCAPE"))
            {
                throw Error("end of the LIKE predicate (ADQL has no ESCAPE clause)");
            }
            return new LikeCondition(At(start), value, pattern, negated, ilike);
        }
        if (AcceptWord("IN"))
        {
            ExpectSymbol("(", "'(' after IN");
            if (StartsQuery(_index))
            {
                var query = ParseSelectExpression();
                ExpectSymbol(")", "')' to close the subquery");
                return new InCondition(At(start), value, null, query, negated);
            }
            var values = new List<Expression>();
            do
            {
                values.Add(ParseValueExpression());
            }
            while (AcceptSymbol(","));
            ExpectSymbol(")", "',' or ')' to close the IN list");
            return new InCondition(At(start), value, values, null, negated);
        }
        if (AcceptWord("IS"))
        {
            bool not = AcceptWord("NOT");
            ExpectWord("NULL", not ? "NULL after IS NOT" : "NULL or NOT NULL after IS");
            return new NullCondition(At(start), value, not);
        }
        throw Error("a comparison operator (=, <>, <, >, <=, >=), BETWEEN, LIKE, ILIKE, IN or IS after the value");
    }

    // ---- Value expressions ----

    private Expression ParseValueExpression()
    {
        Enter();
        var e = ParseBitOr();
        Leave();
        return e;
    }

    /// <summary>Most operands one chain of a binary operator may have (a + b + ...): the tree is as deep as
    /// the chain, and translation walks it recursively.</summary>
    public const int MaxTerms = 500;

    private void CountTerm(ref int terms)
    {
        if (++terms > MaxTerms)
        {
            throw new AdqlException($"found '{Current.Text}' after {MaxTerms} terms, expected at most {MaxTerms} operands in one chain of operators; split the expression",
                Current.Line, Current.Column);
        }
    }

    private Expression ParseBitOr()
    {
        var left = ParseBitXor();
        int terms = 1;
        while (Current.IsSymbol("|"))
        {
            CountTerm(ref terms);
            var op = Advance();
            left = new BinaryExpression(At(op), "|", left, ParseBitXor());
        }
        return left;
    }

    private Expression ParseBitXor()
    {
        var left = ParseBitAnd();
        int terms = 1;
        while (Current.IsSymbol("^"))
        {
            CountTerm(ref terms);
            var op = Advance();
            left = new BinaryExpression(At(op), "^", left, ParseBitAnd());
        }
        return left;
    }

    private Expression ParseBitAnd()
    {
        var left = ParseConcatenation();
        int terms = 1;
        while (Current.IsSymbol("&"))
        {
            CountTerm(ref terms);
            var op = Advance();
            left = new BinaryExpression(At(op), "&", left, ParseConcatenation());
        }
        return left;
    }

    private Expression ParseConcatenation()
    {
        var left = ParseAdditive();
        int terms = 1;
        while (Current.IsSymbol("||"))
        {
            CountTerm(ref terms);
            var op = Advance();
            left = new BinaryExpression(At(op), "||", left, ParseAdditive());
        }
        return left;
    }

    private Expression ParseAdditive()
    {
        var left = ParseTerm();
        int terms = 1;
        while (Current.IsSymbol("+") || Current.IsSymbol("-"))
        {
            CountTerm(ref terms);
            var op = Advance();
            left = new BinaryExpression(At(op), op.Text, left, ParseTerm());
        }
        return left;
    }

    private Expression ParseTerm()
    {
        var left = ParseFactor();
        int terms = 1;
        while (Current.IsSymbol("*") || Current.IsSymbol("/"))
        {
            CountTerm(ref terms);
            var op = Advance();
            left = new BinaryExpression(At(op), op.Text, left, ParseFactor());
        }
        return left;
    }

    private Expression ParseFactor()
    {
        if (Current.IsSymbol("-") || Current.IsSymbol("+") || Current.IsSymbol("~"))
        {
            var op = Advance();
            Enter();
            var operand = ParseFactor();
            Leave();
            return new UnaryExpression(At(op), op.Text, operand);
        }
        return ParsePrimary();
    }

    private Expression ParsePrimary()
    {
        var t = Current;
        switch (t.Kind)
        {
            case TokenKind.Integer:
                Advance();
                return new NumberLiteral(At(t), t.Text, NumberKind.Integer);
            case TokenKind.Decimal:
                Advance();
                return new NumberLiteral(At(t), t.Text, NumberKind.Decimal);
            case TokenKind.Hex:
                Advance();
                return new NumberLiteral(At(t), t.Text, NumberKind.Hex);
            case TokenKind.String:
                Advance();
                return new StringLiteral(At(t), t.Text);
            case TokenKind.Symbol when t.IsSymbol("("):
                Advance();
                if (StartsQuery(_index))
                {
                    var query = ParseSelectExpression();
                    ExpectSymbol(")", "')' to close the subquery");
                    return new ScalarSubquery(At(t), query);
                }
                var inner = ParseValueExpression();
                ExpectSymbol(")", "')' to close the parenthesis");
                return inner;
            case TokenKind.Identifier when StructuralWords.Contains(t.Text):
                throw Error("a value (a column, a number, a string, a function or '(')");
            case TokenKind.Identifier:
                if (t.IsWord("NULL"))
                {
                    Advance();
                    return new NullLiteral(At(t));
                }
                if (t.IsWord("CAST"))
                {
                    return ParseCast();
                }
                if (Peek().IsSymbol("("))
                {
                    return ParseFunctionCall();
                }
                return ParseColumnReference();
            case TokenKind.DelimitedIdentifier:
                return ParseColumnReference();
            default:
                throw Error("a value (a column, a number, a string, a function or '(')");
        }
    }

    private Expression ParseColumnReference()
    {
        var start = Current;
        var parts = new List<Identifier> { ParseIdentifier("a column name") };
        while (Current.IsSymbol("."))
        {
            Advance();
            parts.Add(ParseIdentifier("a column name after '.'"));
        }
        if (parts.Count > 4)
        {
            throw new AdqlException("a column reference has at most four parts (catalog.schema.table.column)", start.Line, start.Column);
        }
        return new ColumnReference(At(start), parts.Take(parts.Count - 1).ToList(), parts[^1]);
    }

    private Expression ParseCast()
    {
        var start = Advance();
        ExpectSymbol("(", "'(' after CAST");
        var value = ParseValueExpression();
        ExpectWord("AS", "AS and a type in CAST");
        var typeToken = Current;
        AdqlType type;
        int? length = null;
        if (AcceptWord("SMALLINT")) { type = AdqlType.SmallInt; }
        else if (AcceptWord("INTEGER")) { type = AdqlType.Integer; }
        else if (AcceptWord("BIGINT")) { type = AdqlType.BigInt; }
        else if (AcceptWord("REAL")) { type = AdqlType.Real; }
        else if (AcceptWord("DOUBLE"))
        {
            ExpectWord("PRECISION", "PRECISION after DOUBLE");
            type = AdqlType.Double;
        }
        else if (AcceptWord("TIMESTAMP")) { type = AdqlType.Timestamp; }
        else if (AcceptWord("POINT")) { type = AdqlType.Point; }
        else if (AcceptWord("CIRCLE")) { type = AdqlType.Circle; }
        else if (AcceptWord("POLYGON")) { type = AdqlType.Polygon; }
        else if (Current.IsWord("CHAR") || Current.IsWord("VARCHAR"))
        {
            type = Advance().IsWord("CHAR") ? AdqlType.Char : AdqlType.VarChar;
            if (AcceptSymbol("("))
            {
                long n = ParseUnsignedInteger("a length");
                if (n < 1 || n > 65535)
                {
                    throw new AdqlException($"a string length must be 1..65535, not {n}", typeToken.Line, typeToken.Column);
                }
                length = (int)n;
                ExpectSymbol(")", "')' after the length");
            }
        }
        else
        {
            throw Error("a type: SMALLINT, INTEGER, BIGINT, REAL, DOUBLE PRECISION, CHAR, VARCHAR, TIMESTAMP, POINT, CIRCLE or POLYGON");
        }
        ExpectSymbol(")", "')' to close CAST");
        return new CastExpression(At(start), value, type, length);
    }

    private Expression ParseFunctionCall()
    {
        var nameToken = Advance();
        string name = nameToken.Text.ToUpperInvariant();
        bool known = Functions.TryGetValue(name, out var arity);
        if (!known && ReservedWords.Contains(name))
        {
            throw new AdqlException($"found reserved word '{nameToken.Text}', expected a function name; '{nameToken.Text}' is not an ADQL function",
                nameToken.Line, nameToken.Column);
        }
        Advance(); // '('
        var args = new List<Expression>();
        bool distinct = false, star = false;
        if (Aggregates.Contains(name))
        {
            if (name == "COUNT" && AcceptSymbol("*"))
            {
                star = true;
                ExpectSymbol(")", "')' after COUNT(*");
                return new FunctionCall(At(nameToken), name, args, false, true);
            }
            if (AcceptWord("DISTINCT"))
            {
                distinct = true;
            }
            else
            {
                AcceptWord("ALL");
            }
        }
        if (!Current.IsSymbol(")"))
        {
            do
            {
                args.Add(ParseValueExpression());
            }
            while (AcceptSymbol(","));
        }
        if (!Current.IsSymbol(")"))
        {
            throw Error("',' or ')' in the arguments of " + name);
        }
        Advance();
        if (known)
        {
            // An optional leading coordinate system literal (ADQL 2.0 style) on the geometry constructors.
            if (GeometryConstructors.Contains(name) && args.Count > 0 && args[0] is StringLiteral && args.Count > arity.Min)
            {
                args.RemoveAt(0);
            }
            if (args.Count < arity.Min || (arity.Max >= 0 && args.Count > arity.Max))
            {
                string wanted = arity.Max < 0 ? $"at least {arity.Min}" : arity.Min == arity.Max ? $"{arity.Min}" : $"{arity.Min} to {arity.Max}";
                throw new AdqlException($"{name} takes {wanted} argument{(wanted == "1" ? "" : "s")}, found {args.Count}",
                    nameToken.Line, nameToken.Column);
            }
            if (name == "DISTANCE" && args.Count == 3)
            {
                throw new AdqlException("DISTANCE takes 2 points or 4 numbers, found 3 arguments", nameToken.Line, nameToken.Column);
            }
            // A negative radius describes no region: say so rather than return nothing.
            if (name == "CIRCLE" && args[^1] is UnaryExpression { Operator: "-", Operand: NumberLiteral radius } negative
                && double.TryParse(radius.Text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var r) && r > 0)
            {
                throw new AdqlException($"the radius of CIRCLE must not be negative (it is -{radius.Text} degrees)", negative.At.Line, negative.At.Column);
            }
            if ((name == "ROUND" || name == "TRUNCATE") && args.Count == 2 && !IsSignedInteger(args[1]))
            {
                var p = args[1].At;
                throw new AdqlException($"the second argument of {name} must be an integer literal", p.Line, p.Column);
            }
            if (name == "RAND" && args.Count == 1 && args[0] is not NumberLiteral { Kind: NumberKind.Integer })
            {
                var p = args[0].At;
                throw new AdqlException("the argument of RAND must be an unsigned integer literal (a seed)", p.Line, p.Column);
            }
            if (name == "REGION" && args[0] is not StringLiteral)
            {
                var p = args[0].At;
                throw new AdqlException("the argument of REGION must be a string literal", p.Line, p.Column);
            }
        }
        else
        {
            name = nameToken.Text;
        }
        return new FunctionCall(At(nameToken), name, args, distinct, star);
    }

    private static bool IsSignedInteger(Expression e) => e switch
    {
        NumberLiteral { Kind: NumberKind.Integer } => true,
        UnaryExpression { Operator: "-" or "+", Operand: NumberLiteral { Kind: NumberKind.Integer } } => true,
        _ => false,
    };

    private long ParseUnsignedInteger(string expected)
    {
        var t = Current;
        if (t.Kind != TokenKind.Integer)
        {
            throw Error(expected + " (an unsigned integer)");
        }
        Advance();
        if (!long.TryParse(t.Text, NumberStyles.None, CultureInfo.InvariantCulture, out long value))
        {
            throw new AdqlException($"the number {t.Text} is too large", t.Line, t.Column);
        }
        return value;
    }

    private Identifier ParseIdentifier(string expected)
    {
        var t = Current;
        if (t.Kind == TokenKind.DelimitedIdentifier)
        {
            Advance();
            return new Identifier(t.Text, true, At(t));
        }
        if (t.Kind == TokenKind.Identifier)
        {
            var id = new Identifier(t.Text, false, At(t));
            CheckNotReserved(id);
            Advance();
            return id;
        }
        throw Error(expected);
    }

    private static void CheckNotReserved(Identifier id)
    {
        if (!id.Delimited && ReservedWords.Contains(id.Name))
        {
            throw new AdqlException(
                $"found reserved word '{id.Name}', expected an identifier (write \"{id.Name}\" to use it as a name)",
                id.At.Line, id.At.Column);
        }
    }
}
