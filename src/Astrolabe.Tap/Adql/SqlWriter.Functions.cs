using System.Globalization;
using Astrolabe.Sky;

namespace Astrolabe.Tap.Adql;

internal sealed partial class SqlWriter
{
    private static readonly string[] KnownFunctions =
    [
        "ABS", "CEILING", "DEGREES", "EXP", "FLOOR", "LOG", "LOG10", "MOD", "PI", "POWER", "RADIANS", "RAND", "ROUND",
        "SQRT", "TRUNCATE", "ACOS", "ASIN", "ATAN", "ATAN2", "COS", "COT", "SIN", "TAN", "LOWER", "UPPER", "COALESCE",
        "IN_UNIT", "AREA", "CENTROID", "COORD1", "COORD2", "COORDSYS", "DISTANCE", "CONTAINS", "INTERSECTS", "POINT",
        "CIRCLE", "BOX", "POLYGON", "REGION", "COUNT", "AVG", "MIN", "MAX", "SUM",
    ];

    /// <summary>The name of a helper function in the backend: adql.name in PostgreSQL, adql_name in SQLite.</summary>
    private string G(string name) => Pg ? PostgresGeometry.Schema + "." + name : "adql_" + name;

    private (string, ValueType) TranslateFunction(FunctionCall f, Scope scope)
    {
        switch (f.Name)
        {
            case "COUNT":
                if (f.Star)
                {
                    return ("count(*)", ValueType.BigInt with { Ucd = "meta.number" });
                }
                {
                    var (v, _) = TranslateExpression(f.Arguments[0], scope);
                    return ($"count({(f.Distinct ? "DISTINCT " : "")}{v})", ValueType.BigInt with { Ucd = "meta.number" });
                }
            case "AVG" or "SUM" or "MIN" or "MAX":
                {
                    var (v, t) = TranslateExpression(f.Arguments[0], scope);
                    string distinct = f.Distinct ? "DISTINCT " : "";
                    if (f.Name is "MIN" or "MAX")
                    {
                        if (t.IsGeometry && !t.IsUnknown)
                        {
                            throw Error(f.Arguments[0].At, $"{f.Name} cannot be applied to {t.Describe()}");
                        }
                        return ($"{f.Name.ToLowerInvariant()}({distinct}{v})", t);
                    }
                    RequireNumber(f.Arguments[0].At, t, f.Name);
                    if (f.Name == "AVG")
                    {
                        return (Pg ? $"CAST(avg({distinct}{v}) AS double precision)" : $"avg({distinct}{v})", ValueType.Double with { Unit = t.Unit, Ucd = t.Ucd });
                    }
                    if (t.IsInteger && !t.IsUnknown)
                    {
                        return (Pg ? $"CAST(sum({distinct}{v}) AS bigint)" : $"sum({distinct}{v})", ValueType.BigInt with { Unit = t.Unit });
                    }
                    // PostgreSQL sums REAL in REAL; sum in double precision like SQLite does.
                    return (Pg && t.Type == AdqlType.Real ? $"sum({distinct}CAST({v} AS double precision))" : $"sum({distinct}{v})",
                        ValueType.Double with { Unit = t.Unit });
                }
            case "ABS":
                {
                    var (v, t) = NumericArgument(f, 0, scope);
                    return ($"abs({v})", Numeric(t) with { Unit = t.Unit });
                }
            case "CEILING" or "FLOOR":
                {
                    var (v, t) = NumericArgument(f, 0, scope);
                    string fn = Pg ? (f.Name == "CEILING" ? "ceil" : "floor") : G(f.Name.ToLowerInvariant());
                    return ($"{fn}({v})", t.IsInteger && !t.IsUnknown ? new ValueType(t.Type, t.Unit) : ValueType.Double with { Unit = t.Unit });
                }
            case "DEGREES" or "RADIANS" or "EXP" or "LOG" or "LOG10" or "SQRT"
                or "ACOS" or "ASIN" or "ATAN" or "COS" or "COT" or "SIN" or "TAN":
                {
                    var (v, _) = NumericArgument(f, 0, scope);
                    string fn = Pg
                        ? f.Name switch { "LOG" => "ln", "LOG10" => "log", _ => f.Name.ToLowerInvariant() }
                        : G(f.Name.ToLowerInvariant());
                    string? unit = f.Name switch { "DEGREES" => "deg", "RADIANS" => "rad", _ => null };
                    return ($"{fn}({FloatArgument(v)})", ValueType.Double with { Unit = unit });
                }
            case "ATAN2" or "POWER":
                {
                    var (a, _) = NumericArgument(f, 0, scope);
                    var (b, _) = NumericArgument(f, 1, scope);
                    string fn = Pg ? f.Name.ToLowerInvariant() : G(f.Name.ToLowerInvariant());
                    return ($"{fn}({FloatArgument(a)}, {FloatArgument(b)})", ValueType.Double);
                }
            case "MOD":
                {
                    var (a, at) = NumericArgument(f, 0, scope);
                    var (b, bt) = NumericArgument(f, 1, scope);
                    bool integers = at.IsInteger && bt.IsInteger;
                    if (!Pg)
                    {
                        return ($"adql_mod({a}, {b})", integers ? ValueType.BigInt : ValueType.Double);
                    }
                    return integers
                        ? ($"mod({a}, {b})", ValueType.BigInt)
                        : ($"CAST(mod(CAST({a} AS numeric), CAST({b} AS numeric)) AS double precision)", ValueType.Double);
                }
            case "PI":
                return (Pg ? "pi()" : "adql_pi()", ValueType.Double);
            case "RAND":
                return (Pg ? "random()" : "adql_rand()", ValueType.Double);
            case "ROUND" or "TRUNCATE":
                {
                    var (v, t) = NumericArgument(f, 0, scope);
                    string digits = f.Arguments.Count == 2 ? TranslateNumberSign(f.Arguments[1]) : "0";
                    bool integer = t.IsInteger && !t.IsUnknown;
                    if (Pg)
                    {
                        string fn = f.Name == "ROUND" ? "round" : "trunc";
                        return ($"CAST({fn}(CAST({v} AS numeric), {digits}) AS {(integer ? "bigint" : "double precision")})",
                            (integer ? ValueType.BigInt : ValueType.Double) with { Unit = t.Unit });
                    }
                    string sql = $"{G(f.Name.ToLowerInvariant())}({v}, {digits})";
                    return (integer ? $"CAST({sql} AS INTEGER)" : sql, (integer ? ValueType.BigInt : ValueType.Double) with { Unit = t.Unit });
                }
            case "LOWER" or "UPPER":
                {
                    var (v, t) = TranslateExpression(f.Arguments[0], scope);
                    RequireString(f.Arguments[0].At, t, f.Name);
                    string fn = Pg ? f.Name.ToLowerInvariant() : G(f.Name.ToLowerInvariant());
                    return ($"{fn}({v})", ValueType.VarChar);
                }
            case "COALESCE":
                {
                    var parts = new List<(string Sql, ValueType Type)>();
                    ValueType type = ValueType.Unknown;
                    foreach (var a in f.Arguments)
                    {
                        var (v, t) = TranslateExpression(a, scope);
                        if (!Compatible(type, t))
                        {
                            throw Error(a.At, $"COALESCE mixes {type.Describe()} and {t.Describe()}");
                        }
                        if (type.IsUnknown || (type.IsInteger && t.IsFloating))
                        {
                            type = t;
                        }
                        parts.Add((v, t));
                    }
                    // SQLite keeps each value's own type; make integers floating when the result is.
                    var sqlParts = parts.Select(p => !Pg && type.IsFloating && p.Type.IsInteger && !p.Type.IsUnknown ? $"CAST({p.Sql} AS REAL)" : p.Sql);
                    return ($"coalesce({string.Join(", ", sqlParts)})", type);
                }
            case "IN_UNIT":
                {
                    var (v, t) = NumericArgument(f, 0, scope);
                    if (f.Arguments[1] is not StringLiteral target)
                    {
                        throw Error(f.Arguments[1].At, "the second argument of IN_UNIT must be a string literal naming a unit");
                    }
                    if (t.Unit is null)
                    {
                        throw Error(f.Arguments[0].At, "IN_UNIT needs a value with a known unit; this value has none");
                    }
                    var (factor, problem) = Units.Conversion(t.Unit, target.Value);
                    if (factor is null)
                    {
                        throw Error(f.Arguments[1].At, "IN_UNIT cannot convert: " + problem);
                    }
                    return ($"({v} * {DoubleLiteral(factor.Value)})", ValueType.Double with { Unit = target.Value, Ucd = t.Ucd });
                }
            case "POINT" or "CIRCLE" or "BOX" or "POLYGON" or "REGION" or "CENTROID":
                {
                    var g = TranslateGeometry(f, scope);
                    return (g.Sql, g.Type);
                }
            case "COORD1" or "COORD2":
                {
                    var g = TranslateGeometry(f.Arguments[0], scope);
                    if (g.Type.Type is not (AdqlType.Point or AdqlType.Unknown))
                    {
                        throw Error(f.Arguments[0].At, $"{f.Name} needs a POINT, found {g.Type.Describe()}");
                    }
                    return (f.Name == "COORD1" ? g.Ra! : g.Dec!, ValueType.Double with { Unit = "deg", Ucd = f.Name == "COORD1" ? "pos.eq.ra" : "pos.eq.dec" });
                }
            case "COORDSYS":
                {
                    TranslateGeometry(f.Arguments[0], scope);
                    return ("'ICRS'", ValueType.VarChar);
                }
            case "AREA":
                {
                    var g = TranslateGeometry(f.Arguments[0], scope);
                    return ($"{G("area")}({g.Sql})", ValueType.Double with { Unit = "deg**2" });
                }
            case "DISTANCE":
                {
                    var (ra1, dec1, ra2, dec2, _, _, _, _) = DistanceArguments(f, scope);
                    return ($"{G("distance")}({ra1}, {dec1}, {ra2}, {dec2})", ValueType.Double with { Unit = "deg", Ucd = "pos.angDistance" });
                }
            case "CONTAINS" or "INTERSECTS":
                {
                    var a = TranslateGeometry(f.Arguments[0], scope);
                    var b = TranslateGeometry(f.Arguments[1], scope);
                    if (f.Name == "INTERSECTS" && b.Type.Type == AdqlType.Point && a.Type.Type != AdqlType.Point)
                    {
                        (a, b) = (b, a);
                    }
                    if (a.Type.Type == AdqlType.Point && b.Type.Type == AdqlType.Circle && b.Radius is not null)
                    {
                        return ($"(CASE WHEN {G("distance")}({a.Ra}, {a.Dec}, {b.Ra}, {b.Dec}) <= {b.Radius} THEN 1 ELSE 0 END)",
                            new ValueType(AdqlType.Integer));
                    }
                    string fn = f.Name == "CONTAINS" || a.Type.Type == AdqlType.Point ? "contains" : "intersects";
                    return ($"{G(fn)}({a.Sql}, {b.Sql})", new ValueType(AdqlType.Integer));
                }
            default:
                throw Error(f.At, $"unknown function '{f.Name}'" + Suggest(f.Name, KnownFunctions));
        }
    }

    private string FloatArgument(string v) => Pg ? $"CAST({v} AS double precision)" : v;

    private static string TranslateNumberSign(Expression e) => e switch
    {
        NumberLiteral n => long.Parse(n.Text, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
        UnaryExpression { Operator: "-", Operand: NumberLiteral n } => "-" + long.Parse(n.Text, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
        UnaryExpression { Operator: "+", Operand: NumberLiteral n } => long.Parse(n.Text, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
        _ => throw Error(e.At, "expected an integer literal"),
    };

    private (string, ValueType) NumericArgument(FunctionCall f, int index, Scope scope)
    {
        var (v, t) = TranslateExpression(f.Arguments[index], scope);
        RequireNumber(f.Arguments[index].At, t, f.Name);
        return (v, t);
    }

    // ---- Geometry ----

    /// <summary>A translated geometry: its DALI text SQL, its type, and for points and circles written with
    /// constructors the SQL of their parts (and the parts' values when constant), so predicates can avoid text.</summary>
    private sealed record Geometry(
        string Sql,
        ValueType Type,
        string? Ra = null,
        string? Dec = null,
        string? Radius = null,
        Expression? RaExpression = null,
        Expression? DecExpression = null,
        double? RaConstant = null,
        double? DecConstant = null,
        double? RadiusConstant = null);

    private Geometry TranslateGeometry(Expression e, Scope scope)
    {
        if (e is FunctionCall f)
        {
            switch (f.Name)
            {
                case "POINT":
                    {
                        var (ra, _) = NumericArgument(f, 0, scope);
                        var (dec, _) = NumericArgument(f, 1, scope);
                        // "pos": UCD1+ lists "pos.eq" as a secondary word only, so alone it is invalid (astropy W06).
                        return new Geometry($"{G("point")}({ra}, {dec})", ValueType.Point with { Ucd = "pos" }, ra, dec, null,
                            f.Arguments[0], f.Arguments[1], Constant(f.Arguments[0]), Constant(f.Arguments[1]));
                    }
                case "CIRCLE":
                    {
                        string ra, dec;
                        double? raC, decC;
                        Expression? raE = null, decE = null;
                        if (f.Arguments.Count == 3)
                        {
                            (ra, _) = NumericArgument(f, 0, scope);
                            (dec, _) = NumericArgument(f, 1, scope);
                            raE = f.Arguments[0];
                            decE = f.Arguments[1];
                            raC = Constant(f.Arguments[0]);
                            decC = Constant(f.Arguments[1]);
                        }
                        else
                        {
                            var center = RequirePoint(f.Arguments[0], scope, "the centre of CIRCLE");
                            (ra, dec, raC, decC, raE, decE) = (center.Ra!, center.Dec!, center.RaConstant, center.DecConstant,
                                center.RaExpression, center.DecExpression);
                        }
                        var (r, _) = NumericArgument(f, f.Arguments.Count - 1, scope);
                        return new Geometry($"{G("circle")}({ra}, {dec}, {r})", ValueType.Circle, ra, dec, r, raE, decE,
                            raC, decC, Constant(f.Arguments[^1]));
                    }
                case "BOX":
                    {
                        string ra, dec;
                        if (f.Arguments.Count == 4)
                        {
                            (ra, _) = NumericArgument(f, 0, scope);
                            (dec, _) = NumericArgument(f, 1, scope);
                        }
                        else
                        {
                            var center = RequirePoint(f.Arguments[0], scope, "the centre of BOX");
                            (ra, dec) = (center.Ra!, center.Dec!);
                        }
                        var (w, _) = NumericArgument(f, f.Arguments.Count - 2, scope);
                        var (h, _) = NumericArgument(f, f.Arguments.Count - 1, scope);
                        return new Geometry($"{G("box")}({ra}, {dec}, {w}, {h})", ValueType.Polygon);
                    }
                case "POLYGON":
                    {
                        var coordinates = new List<string>();
                        var first = TranslateExpression(f.Arguments[0], scope).Type;
                        bool points = first.Type == AdqlType.Point;
                        foreach (var a in f.Arguments)
                        {
                            if (points)
                            {
                                var p = RequirePoint(a, scope, "a vertex of POLYGON");
                                coordinates.Add(p.Ra!);
                                coordinates.Add(p.Dec!);
                            }
                            else
                            {
                                var (v, t) = TranslateExpression(a, scope);
                                if (!t.IsNumeric)
                                {
                                    throw Error(a.At, $"POLYGON takes either points or numbers, found {t.Describe()}");
                                }
                                coordinates.Add(v);
                            }
                        }
                        if (coordinates.Count % 2 != 0 || coordinates.Count < 6)
                        {
                            throw Error(f.At, $"POLYGON needs at least three vertices as pairs of coordinates, found {coordinates.Count} number{(coordinates.Count == 1 ? "" : "s")}");
                        }
                        return new Geometry($"{G("polygon")}({string.Join(", ", coordinates)})", ValueType.Polygon);
                    }
                case "REGION":
                    {
                        var literal = (StringLiteral)f.Arguments[0];
                        var (type, values) = StcS.Parse(literal.Value, literal.At);
                        var sql = Parameter(GeometryText.Format(values));
                        var vt = new ValueType(type);
                        return type == AdqlType.Point
                            ? new Geometry(sql, vt, FormatConstant(values[0]), FormatConstant(values[1]), RaConstant: values[0], DecConstant: values[1])
                            : type == AdqlType.Circle
                            ? new Geometry(sql, vt, FormatConstant(values[0]), FormatConstant(values[1]), FormatConstant(values[2]),
                                RaConstant: values[0], DecConstant: values[1], RadiusConstant: values[2])
                            : new Geometry(sql, vt);
                    }
                case "CENTROID":
                    {
                        var g = TranslateGeometry(f.Arguments[0], scope);
                        if (g.Type.Type is AdqlType.Point or AdqlType.Circle && g.Ra is not null)
                        {
                            return new Geometry($"{G("point")}({g.Ra}, {g.Dec})", ValueType.Point, g.Ra, g.Dec, null,
                                g.RaExpression, g.DecExpression, g.RaConstant, g.DecConstant);
                        }
                        string sql = $"{G("centroid")}({g.Sql})";
                        return new Geometry(sql, ValueType.Point, $"{G("coord1")}({sql})", $"{G("coord2")}({sql})");
                    }
            }
        }
        var (value, type2) = TranslateExpression(e, scope);
        if (!type2.IsGeometry)
        {
            throw Error(e.At, $"expected a geometry (POINT, CIRCLE, POLYGON, BOX or a geometry column), found {type2.Describe()}");
        }
        return type2.Type == AdqlType.Point || type2.IsUnknown
            ? new Geometry(value, type2.IsUnknown ? ValueType.Point : type2, $"{G("coord1")}({value})", $"{G("coord2")}({value})")
            : new Geometry(value, type2);
    }

    private string FormatConstant(double v) => DoubleLiteral(v);

    private Geometry RequirePoint(Expression e, Scope scope, string what)
    {
        var g = TranslateGeometry(e, scope);
        if (g.Type.Type != AdqlType.Point)
        {
            throw Error(e.At, $"{what} must be a POINT, found {g.Type.Describe()}");
        }
        return g;
    }

    private (string Ra1, string Dec1, string Ra2, string Dec2, Geometry? A, Geometry? B, Expression[] Expressions, double?[] Constants)
        DistanceArguments(FunctionCall f, Scope scope)
    {
        if (f.Arguments.Count == 4)
        {
            var v = new string[4];
            for (int i = 0; i < 4; i++)
            {
                (v[i], _) = NumericArgument(f, i, scope);
            }
            return (v[0], v[1], v[2], v[3], null, null, [.. f.Arguments], f.Arguments.Select(Constant).ToArray());
        }
        var a = RequirePoint(f.Arguments[0], scope, "an argument of DISTANCE");
        var b = RequirePoint(f.Arguments[1], scope, "an argument of DISTANCE");
        return (a.Ra!, a.Dec!, b.Ra!, b.Dec!, a, b,
            [a.RaExpression!, a.DecExpression!, b.RaExpression!, b.DecExpression!],
            [a.RaConstant, a.DecConstant, b.RaConstant, b.DecConstant]);
    }

    private static bool IsGeometryPredicate(Expression e, out FunctionCall? call)
    {
        call = e as FunctionCall;
        return call is { Name: "CONTAINS" or "INTERSECTS" };
    }

    private string GeometryCondition(FunctionCall predicate, Scope scope, bool positive)
    {
        var a = TranslateGeometry(predicate.Arguments[0], scope);
        var b = TranslateGeometry(predicate.Arguments[1], scope);
        if (predicate.Name == "INTERSECTS" && b.Type.Type == AdqlType.Point && a.Type.Type != AdqlType.Point)
        {
            (a, b) = (b, a);
        }
        string condition;
        if (a.Type.Type == AdqlType.Point && b.Type.Type == AdqlType.Circle && b.Radius is not null && a.Ra is not null)
        {
            string exact = $"({G("distance")}({a.Ra}, {a.Dec}, {b.Ra}, {b.Dec}) <= {b.Radius})";
            // The index narrows a positive search only; NOT (cone) must scan anyway.
            string? index = positive ? IndexRanges(a.RaExpression, a.DecExpression, b.RaConstant, b.DecConstant, b.RadiusConstant, scope) : null;
            condition = index is null ? exact : $"({index} AND {exact})";
        }
        else
        {
            string fn = predicate.Name == "CONTAINS" || a.Type.Type == AdqlType.Point ? "contains" : "intersects";
            condition = $"({G(fn)}({a.Sql}, {b.Sql}) = 1)";
        }
        return positive ? condition : $"(NOT {condition})";
    }

    private string DistanceCondition(FunctionCall distance, string op, double radius, Scope scope)
    {
        var (ra1, dec1, ra2, dec2, _, _, expressions, constants) = DistanceArguments(distance, scope);
        string exact = $"({G("distance")}({ra1}, {dec1}, {ra2}, {dec2}) {op} {DoubleLiteral(radius)})";
        string? index = IndexRanges(expressions[0], expressions[1], constants[2], constants[3], radius, scope)
            ?? IndexRanges(expressions[2], expressions[3], constants[0], constants[1], radius, scope);
        return index is null ? exact : $"({index} AND {exact})";
    }

    /// <summary>HEALPix range predicates covering the cone when ra/dec are the indexed position columns of a
    /// catalogue table and the cone is constant; null when the index cannot be used.</summary>
    private string? IndexRanges(Expression? raExpression, Expression? decExpression, double? raDeg, double? decDeg, double? radiusDeg, Scope scope)
    {
        if (raExpression is not ColumnReference raRef || decExpression is not ColumnReference decRef
            || raDeg is null || decDeg is null || radiusDeg is null || radiusDeg < 0 || radiusDeg >= 180
            || double.IsNaN(raDeg.Value) || double.IsNaN(decDeg.Value) || Math.Abs(decDeg.Value) > 90)
        {
            return null;
        }
        var ra = ResolveColumn(raRef, scope);
        var dec = ResolveColumn(decRef, scope);
        if (ra.Origin is null || ra.Origin != dec.Origin || ra.Origin.Table?.Spatial is not { } spatial
            || ra.Info is null || dec.Info is null
            || !string.Equals(ra.Info.Name, spatial.RaColumn, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(dec.Info.Name, spatial.DecColumn, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var ranges = Healpix.ConeRanges(spatial.Order, raDeg.Value, decDeg.Value, radiusDeg.Value);
        if (ranges.Count == 0)
        {
            return "(1 = 0)";
        }
        string hp = ra.Origin.SqlAlias + "." + Quote(spatial.HealpixColumn);
        var parts = ranges.Select(r => r.First == r.Last
            ? $"{hp} = {r.First.ToString(CultureInfo.InvariantCulture)}"
            : $"{hp} BETWEEN {r.First.ToString(CultureInfo.InvariantCulture)} AND {r.Last.ToString(CultureInfo.InvariantCulture)}");
        return "(" + string.Join(" OR ", parts) + ")";
    }
}
