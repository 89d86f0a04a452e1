namespace Astrolabe.Tap.Adql;

// The ADQL syntax tree. Every node keeps the 1-based line and column of its first token for error messages.

/// <summary>A position in the query text.</summary>
public readonly record struct Position(int Line, int Column);

/// <summary>An identifier; regular ones compare ignoring case, delimited ones exactly.</summary>
public sealed record Identifier(string Name, bool Delimited, Position At)
{
    public bool Matches(string name) => Delimited
        ? string.Equals(Name, name, StringComparison.Ordinal)
        : string.Equals(Name, name, StringComparison.OrdinalIgnoreCase);

    public override string ToString() => Delimited ? "\"" + Name.Replace("\"", "\"\"") + "\"" : Name;
}

/// <summary>A whole query: common table expressions, then the query itself.</summary>
public sealed record QueryStatement(IReadOnlyList<CommonTable> With, QueryExpression Body);

/// <summary>WITH name AS (query).</summary>
public sealed record CommonTable(Identifier Name, QueryExpression Query);

/// <summary>Something that produces rows.</summary>
public abstract record QueryExpression(Position At);

/// <summary>SELECT [ALL|DISTINCT] [TOP n] items FROM ... [WHERE] [GROUP BY] [HAVING].</summary>
public sealed record SelectQuery(
    Position At,
    bool Distinct,
    long? Top,
    IReadOnlyList<SelectItem> Items,
    IReadOnlyList<FromItem> From,
    Condition? Where,
    IReadOnlyList<Expression> GroupBy,
    Condition? Having) : QueryExpression(At);

public enum SetOperator { Union, Intersect, Except }

/// <summary>left UNION|INTERSECT|EXCEPT [ALL] right.</summary>
public sealed record SetQuery(Position At, QueryExpression Left, SetOperator Operator, bool All, QueryExpression Right)
    : QueryExpression(At);

/// <summary>A query with ORDER BY and/or OFFSET applied to its whole result.</summary>
public sealed record OrderedQuery(Position At, QueryExpression Body, IReadOnlyList<OrderItem> OrderBy, long? Offset)
    : QueryExpression(At);

public sealed record OrderItem(Expression Key, bool Descending);

public abstract record SelectItem(Position At);

/// <summary>* or qualifier.*</summary>
public sealed record AllColumns(Position At, IReadOnlyList<Identifier> Qualifier) : SelectItem(At);

public sealed record DerivedColumn(Position At, Expression Value, Identifier? Alias) : SelectItem(At);

public abstract record FromItem(Position At);

/// <summary>[schema.]table [[AS] alias]</summary>
public sealed record TableReference(Position At, Identifier? Schema, Identifier Table, Identifier? Alias) : FromItem(At);

/// <summary>(subquery) [AS] alias</summary>
public sealed record DerivedTable(Position At, QueryExpression Query, Identifier Alias) : FromItem(At);

public enum JoinKind { Inner, Left, Right, Full, Cross }

public sealed record Join(
    Position At,
    FromItem Left,
    FromItem Right,
    JoinKind Kind,
    bool Natural,
    Condition? On,
    IReadOnlyList<Identifier>? Using) : FromItem(At);

/// <summary>A value.</summary>
public abstract record Expression(Position At);

public enum NumberKind { Integer, Decimal, Hex }

public sealed record NumberLiteral(Position At, string Text, NumberKind Kind) : Expression(At);

public sealed record StringLiteral(Position At, string Value) : Expression(At);

public sealed record NullLiteral(Position At) : Expression(At);

/// <summary>[[schema.]table.]column</summary>
public sealed record ColumnReference(Position At, IReadOnlyList<Identifier> Qualifier, Identifier Column) : Expression(At);

/// <summary>Unary - + ~.</summary>
public sealed record UnaryExpression(Position At, string Operator, Expression Operand) : Expression(At);

/// <summary>Binary + - * / || &amp; | ^.</summary>
public sealed record BinaryExpression(Position At, string Operator, Expression Left, Expression Right) : Expression(At);

/// <summary>Any function call: maths, strings, aggregates, geometry, user-defined. Name in upper case for
/// ADQL functions; Star for COUNT(*); Distinct for COUNT(DISTINCT x) and friends.</summary>
public sealed record FunctionCall(Position At, string Name, IReadOnlyList<Expression> Arguments, bool Distinct = false, bool Star = false)
    : Expression(At);

/// <summary>CAST(value AS type).</summary>
public sealed record CastExpression(Position At, Expression Value, AdqlType Type, int? Length) : Expression(At);

/// <summary>(SELECT ...) used as a value.</summary>
public sealed record ScalarSubquery(Position At, QueryExpression Query) : Expression(At);

/// <summary>A search condition (WHERE, HAVING, ON).</summary>
public abstract record Condition(Position At);

public sealed record Comparison(Position At, string Operator, Expression Left, Expression Right) : Condition(At);

public sealed record BetweenCondition(Position At, Expression Value, Expression Low, Expression High, bool Negated) : Condition(At);

public sealed record LikeCondition(Position At, Expression Value, Expression Pattern, bool Negated, bool CaseInsensitive) : Condition(At);

public sealed record InCondition(Position At, Expression Value, IReadOnlyList<Expression>? Values, QueryExpression? Subquery, bool Negated)
    : Condition(At);

public sealed record NullCondition(Position At, Expression Value, bool Negated) : Condition(At);

public sealed record ExistsCondition(Position At, QueryExpression Subquery) : Condition(At);

public sealed record AndCondition(Position At, Condition Left, Condition Right) : Condition(At);

public sealed record OrCondition(Position At, Condition Left, Condition Right) : Condition(At);

public sealed record NotCondition(Position At, Condition Operand) : Condition(At);
