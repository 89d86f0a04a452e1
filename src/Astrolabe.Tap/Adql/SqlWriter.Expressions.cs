using System.Globalization;
using Astrolabe.Sky;

namespace Astrolabe.Tap.Adql;

internal sealed partial class SqlWriter
{
    // ---- Conditions ----

    private string TranslateCondition(Condition condition, Scope scope)
    {
        switch (condition)
        {
            // Long AND/OR chains are flattened, not recursed into: a query may list thousands of alternatives.
            case AndCondition:
                return "(" + string.Join(" AND ", Operands(condition).Select(c => TranslateCondition(c, scope))) + ")";
            case OrCondition:
                return "(" + string.Join(" OR ", Operands(condition).Select(c => TranslateCondition(c, scope))) + ")";
            case NotCondition n:
                return $"(NOT {TranslateCondition(n.Operand, scope)})";
            case Comparison c:
                return TranslateComparison(c, scope);
            case BetweenCondition b:
                {
                    var (v, vt) = TranslateExpression(b.Value, scope);
                    var (lo, lt) = TranslateExpression(b.Low, scope);
                    var (hi, ht) = TranslateExpression(b.High, scope);
                    CheckComparable(b.At, vt, lt, "BETWEEN");
                    CheckComparable(b.At, vt, ht, "BETWEEN");
                    lo = CastForTimestamp(b.Low, lo, vt);
                    hi = CastForTimestamp(b.High, hi, vt);
                    return $"({v}{(b.Negated ? " NOT" : "")} BETWEEN {lo} AND {hi})";
                }
            case LikeCondition l:
                {
                    var (v, vt) = TranslateExpression(l.Value, scope);
                    var (p, pt) = TranslateExpression(l.Pattern, scope);
                    RequireString(l.Value.At, vt, l.CaseInsensitive ? "ILIKE" : "LIKE");
                    RequireString(l.Pattern.At, pt, l.CaseInsensitive ? "ILIKE" : "LIKE");
                    string not = l.Negated ? " NOT" : "";
                    if (Pg)
                    {
                        return $"({v}{not} {(l.CaseInsensitive ? "ILIKE" : "LIKE")} {p} ESCAPE '')";
                    }
                    // SQLite's LIKE is made case-sensitive by AdqlSqliteFunctions.Register; ILIKE folds both sides.
                    return l.CaseInsensitive
                        ? $"(adql_lower({v}){not} LIKE adql_lower({p}))"
                        : $"({v}{not} LIKE {p})";
                }
            case InCondition i:
                {
                    var (v, vt) = TranslateExpression(i.Value, scope);
                    string not = i.Negated ? " NOT" : "";
                    if (i.Subquery is not null)
                    {
                        var q = TranslateQuery(i.Subquery, scope, null);
                        if (q.Columns.Count != 1)
                        {
                            throw Error(i.Subquery.At, $"the subquery of IN must return one column, not {q.Columns.Count}");
                        }
                        CheckComparable(i.At, vt, q.Columns[0].Type, "IN");
                        return $"({v}{not} IN ({q.Sql}))";
                    }
                    var values = new List<string>();
                    foreach (var e in i.Values!)
                    {
                        var (s, t) = TranslateExpression(e, scope);
                        CheckComparable(e.At, vt, t, "IN");
                        values.Add(CastForTimestamp(e, s, vt));
                    }
                    return $"({v}{not} IN ({string.Join(", ", values)}))";
                }
            case NullCondition n:
                {
                    var (v, _) = TranslateExpression(n.Value, scope);
                    return $"({v} IS {(n.Negated ? "NOT " : "")}NULL)";
                }
            case ExistsCondition e:
                {
                    var q = TranslateQuery(e.Subquery, scope, null);
                    return $"(EXISTS ({q.Sql}))";
                }
            default:
                throw new InvalidOperationException("unknown condition " + condition.GetType().Name);
        }
    }

    /// <summary>The operands of a chain of the same connective (AND or OR), left to right, without recursion.</summary>
    internal static List<Condition> Operands(Condition chain)
    {
        var operands = new List<Condition>();
        var pending = new Stack<Condition>();
        pending.Push(chain);
        while (pending.Count > 0)
        {
            var c = pending.Pop();
            if (c.GetType() == chain.GetType() && c is AndCondition or OrCondition)
            {
                var (left, right) = c is AndCondition a ? (a.Left, a.Right) : (((OrCondition)c).Left, ((OrCondition)c).Right);
                pending.Push(right);
                pending.Push(left);
            }
            else
            {
                operands.Add(c);
            }
        }
        return operands;
    }

    private string TranslateComparison(Comparison c, Scope scope)
    {
        // CONTAINS(...) = 1, 1 = INTERSECTS(...), ... become boolean predicates (with the HEALPix index when they can).
        if (IsGeometryPredicate(c.Left, out var predicate) && Constant(c.Right) is double rv && (rv == 0 || rv == 1) && c.Operator is "=" or "<>")
        {
            return GeometryCondition(predicate!, scope, (rv == 1) == (c.Operator == "="));
        }
        if (IsGeometryPredicate(c.Right, out predicate) && Constant(c.Left) is double lv && (lv == 0 || lv == 1) && c.Operator is "=" or "<>")
        {
            return GeometryCondition(predicate!, scope, (lv == 1) == (c.Operator == "="));
        }
        // DISTANCE(...) < r and r > DISTANCE(...) are cone searches.
        if (c.Left is FunctionCall { Name: "DISTANCE" } dl && c.Operator is "<" or "<=" && Constant(c.Right) is double r1)
        {
            return DistanceCondition(dl, c.Operator, r1, scope) ?? GenericComparison(c, scope);
        }
        if (c.Right is FunctionCall { Name: "DISTANCE" } dr && c.Operator is ">" or ">=" && Constant(c.Left) is double r2)
        {
            return DistanceCondition(dr, c.Operator == ">" ? "<" : "<=", r2, scope) ?? GenericComparison(c, scope);
        }
        return GenericComparison(c, scope);
    }

    private string GenericComparison(Comparison c, Scope scope)
    {
        var (l, lt) = TranslateExpression(c.Left, scope);
        var (r, rt) = TranslateExpression(c.Right, scope);
        if ((lt.IsGeometry && !lt.IsUnknown) || (rt.IsGeometry && !rt.IsUnknown))
        {
            throw Error(c.At, $"geometries cannot be compared with {c.Operator}; use CONTAINS or INTERSECTS");
        }
        CheckComparable(c.At, lt, rt, c.Operator);
        l = CastForTimestamp(c.Left, l, rt);
        r = CastForTimestamp(c.Right, r, lt);
        return $"({l} {c.Operator} {r})";
    }

    // PostgreSQL compares a timestamp with a text parameter only after an explicit cast.
    private string CastForTimestamp(Expression e, string sql, ValueType other) =>
        Pg && other.Type == AdqlType.Timestamp && e is StringLiteral ? $"CAST({sql} AS timestamp)" : sql;

    private static void CheckComparable(Position at, ValueType a, ValueType b, string op)
    {
        if (!Compatible(a, b))
        {
            throw Error(at, $"cannot compare {a.Describe()} with {b.Describe()} using {op}");
        }
    }

    private static void RequireString(Position at, ValueType t, string what)
    {
        if (!t.IsString)
        {
            throw Error(at, $"{what} needs a string, found {t.Describe()}");
        }
    }

    private static void RequireNumber(Position at, ValueType t, string what)
    {
        if (!t.IsNumeric)
        {
            throw Error(at, $"{what} needs a number, found {t.Describe()}");
        }
    }

    // ---- Values ----

    private (string Sql, ValueType Type) TranslateExpression(Expression expression, Scope scope)
    {
        switch (expression)
        {
            case NumberLiteral n:
                return TranslateNumber(n);
            case StringLiteral s:
                return (Parameter(s.Value), new ValueType(AdqlType.VarChar));
            case NullLiteral:
                return ("NULL", ValueType.Unknown);
            case ColumnReference c:
                {
                    var column = ResolveColumn(c, scope);
                    return (column.Sql, column.Type);
                }
            case UnaryExpression u:
                {
                    var (v, t) = TranslateExpression(u.Operand, scope);
                    if (u.Operator == "~")
                    {
                        if (!t.IsInteger)
                        {
                            throw Error(u.At, $"~ needs an integer, found {t.Describe()}");
                        }
                        return ($"(~{v})", Numeric(t));
                    }
                    RequireNumber(u.Operand.At, t, "unary " + u.Operator);
                    return (u.Operator == "-" ? $"(-{v})" : v, Numeric(t) with { Unit = t.Unit });
                }
            case BinaryExpression b:
                return TranslateBinary(b, scope);
            case CastExpression c:
                return TranslateCast(c, scope);
            case ScalarSubquery s:
                {
                    var q = TranslateQuery(s.Query, scope, null);
                    if (q.Columns.Count != 1)
                    {
                        throw Error(s.At, $"a subquery used as a value must return one column, not {q.Columns.Count}");
                    }
                    return ($"({q.Sql})", q.Columns[0].Type);
                }
            case FunctionCall f:
                return TranslateFunction(f, scope);
            default:
                throw new InvalidOperationException("unknown expression " + expression.GetType().Name);
        }
    }

    private (string, ValueType) TranslateNumber(NumberLiteral n)
    {
        switch (n.Kind)
        {
            case NumberKind.Hex:
                if (!ulong.TryParse(n.Text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong hex)
                    || n.Text.Length > 18)
                {
                    throw Error(n.At, $"the hexadecimal literal {n.Text} does not fit in 64 bits");
                }
                return (((long)hex).ToString(CultureInfo.InvariantCulture), ValueType.BigInt);
            case NumberKind.Integer:
                if (long.TryParse(n.Text, NumberStyles.None, CultureInfo.InvariantCulture, out long value))
                {
                    return (value.ToString(CultureInfo.InvariantCulture), value is >= int.MinValue and <= int.MaxValue
                        ? new ValueType(AdqlType.Integer) : ValueType.BigInt);
                }
                return (DoubleLiteral(double.Parse(n.Text, CultureInfo.InvariantCulture)), ValueType.Double);
            default:
                double d = double.Parse(n.Text, NumberStyles.Float, CultureInfo.InvariantCulture);
                if (double.IsInfinity(d))
                {
                    throw Error(n.At, $"the number {n.Text} is too large");
                }
                return (DoubleLiteral(d), ValueType.Double);
        }
    }

    private string DoubleLiteral(double d)
    {
        string text = d.ToString("R", CultureInfo.InvariantCulture);
        if (!text.Contains('.') && !text.Contains('E'))
        {
            text += ".0";
        }
        // A PostgreSQL literal with a point is NUMERIC; ADQL's approximate numbers are DOUBLE PRECISION.
        return Pg ? $"CAST({text} AS double precision)" : text;
    }

    private static ValueType Numeric(ValueType t) => t.IsUnknown ? ValueType.Double : new ValueType(t.Type);

    private (string, ValueType) TranslateBinary(BinaryExpression b, Scope scope)
    {
        var (l, lt) = TranslateExpression(b.Left, scope);
        var (r, rt) = TranslateExpression(b.Right, scope);
        switch (b.Operator)
        {
            case "||":
                RequireString(b.Left.At, lt, "||");
                RequireString(b.Right.At, rt, "||");
                return ($"({l} || {r})", ValueType.VarChar);
            case "&" or "|" or "^":
                if (!lt.IsInteger || !rt.IsInteger)
                {
                    var bad = lt.IsInteger ? b.Right : b.Left;
                    throw Error(bad.At, $"the bitwise operator {b.Operator} needs integers, found {(lt.IsInteger ? rt : lt).Describe()}");
                }
                var type = lt.Type == AdqlType.BigInt || rt.Type == AdqlType.BigInt ? ValueType.BigInt : new ValueType(AdqlType.Integer);
                if (b.Operator == "^")
                {
                    return (Pg ? $"({l} # {r})" : $"(({l} | {r}) - ({l} & {r}))", type);
                }
                return ($"({l} {b.Operator} {r})", type);
            default:
                RequireNumber(b.Left.At, lt, b.Operator);
                RequireNumber(b.Right.At, rt, b.Operator);
                var result = lt.IsFloating || rt.IsFloating || (lt.IsUnknown && rt.IsUnknown)
                    ? ValueType.Double
                    : lt.Type == AdqlType.BigInt || rt.Type == AdqlType.BigInt ? ValueType.BigInt
                    : lt.IsUnknown ? Numeric(rt) : rt.IsUnknown ? Numeric(lt) : new ValueType(AdqlType.Integer);
                if (b.Operator is "+" or "-" && lt.Unit is not null && lt.Unit == rt.Unit)
                {
                    result = result with { Unit = lt.Unit };
                }
                return ($"({l} {b.Operator} {r})", result);
        }
    }

    private (string, ValueType) TranslateCast(CastExpression c, Scope scope)
    {
        var (v, t) = TranslateExpression(c.Value, scope);
        switch (c.Type)
        {
            case AdqlType.SmallInt or AdqlType.Integer or AdqlType.BigInt:
                {
                    if (!t.IsNumeric && !t.IsString)
                    {
                        throw Error(c.At, $"cannot CAST {t.Describe()} to {c.Type.ToString().ToUpperInvariant()}");
                    }
                    string pgType = c.Type switch { AdqlType.SmallInt => "smallint", AdqlType.Integer => "integer", _ => "bigint" };
                    // Both backends truncate a fraction towards zero (PostgreSQL alone would round).
                    string sql = Pg
                        ? (t.IsFloating ? $"CAST(trunc({v}) AS {pgType})" : $"CAST({v} AS {pgType})")
                        : $"CAST({v} AS INTEGER)";
                    return (sql, new ValueType(c.Type, t.Unit));
                }
            case AdqlType.Real or AdqlType.Double:
                if (!t.IsNumeric && !t.IsString)
                {
                    throw Error(c.At, $"cannot CAST {t.Describe()} to {(c.Type == AdqlType.Real ? "REAL" : "DOUBLE PRECISION")}");
                }
                return (Pg ? $"CAST({v} AS {(c.Type == AdqlType.Real ? "real" : "double precision")})" : $"CAST({v} AS REAL)",
                    new ValueType(c.Type, t.Unit));
            case AdqlType.Char or AdqlType.VarChar:
                {
                    if (t.IsGeometry && !t.IsUnknown)
                    {
                        throw Error(c.At, $"cannot CAST {t.Describe()} to {c.Type.ToString().ToUpperInvariant()}");
                    }
                    string sql;
                    if (Pg)
                    {
                        string len = c.Length is int n ? $"({n})" : "";
                        sql = t.IsFloating ? $"CAST(CAST({v} AS text) AS {(c.Type == AdqlType.Char ? "char" : "varchar")}{len})"
                            : $"CAST({v} AS {(c.Type == AdqlType.Char ? "char" : "varchar")}{len})";
                    }
                    else
                    {
                        sql = c.Length is int n
                            ? (c.Type == AdqlType.Char ? $"adql_pad(CAST({v} AS TEXT), {n})" : $"substr(CAST({v} AS TEXT), 1, {n})")
                            : $"CAST({v} AS TEXT)";
                        if (t.IsFloating)
                        {
                            sql = sql.Replace($"CAST({v} AS TEXT)", $"adql_format_double({v})");
                        }
                    }
                    return (sql, new ValueType(c.Type, Arraysize: c.Length is int m ? m.ToString(CultureInfo.InvariantCulture) : "*"));
                }
            case AdqlType.Timestamp:
                if (!t.IsString && t.Type != AdqlType.Timestamp)
                {
                    throw Error(c.At, $"cannot CAST {t.Describe()} to TIMESTAMP");
                }
                return (Pg ? $"CAST({v} AS timestamp)" : $"adql_timestamp({v})", new ValueType(AdqlType.Timestamp));
            default:
                // Geometry: from a geometry of the same kind, or from DALI text.
                if (!(t.IsString || t.Type == c.Type))
                {
                    throw Error(c.At, $"cannot CAST {t.Describe()} to {c.Type.ToString().ToUpperInvariant()}");
                }
                return ($"{G("check_" + c.Type.ToString().ToLowerInvariant())}({v})", new ValueType(c.Type));
        }
    }

    /// <summary>The value of a constant numeric expression (literals, signs and arithmetic), else null.</summary>
    private static double? Constant(Expression e) => e switch
    {
        NumberLiteral { Kind: NumberKind.Hex } => null,
        NumberLiteral n => double.Parse(n.Text, NumberStyles.Float, CultureInfo.InvariantCulture),
        UnaryExpression { Operator: "-" } u => -Constant(u.Operand),
        UnaryExpression { Operator: "+" } u => Constant(u.Operand),
        BinaryExpression { Operator: "+" } b => Constant(b.Left) + Constant(b.Right),
        BinaryExpression { Operator: "-" } b => Constant(b.Left) - Constant(b.Right),
        BinaryExpression { Operator: "*" } b => Constant(b.Left) * Constant(b.Right),
        BinaryExpression { Operator: "/" } b when Constant(b.Right) is double d && d != 0
            && !(b.Left is NumberLiteral { Kind: NumberKind.Integer } && b.Right is NumberLiteral { Kind: NumberKind.Integer })
            => Constant(b.Left) / d,
        _ => null,
    };
}
