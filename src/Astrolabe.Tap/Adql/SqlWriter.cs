using System.Globalization;
using System.Text;

namespace Astrolabe.Tap.Adql;

/// <summary>Writes the SQL for one parsed query: resolves names against the catalogue and the query's own
/// scopes, checks types, and emits dialect-specific SQL. User text reaches the SQL only as parameters
/// (strings) or as validated number literals; every identifier comes from the catalogue or is generated.</summary>
internal sealed partial class SqlWriter(ITableCatalog catalog, SqlDialect dialect)
{
    private readonly ITableCatalog _catalog = catalog;
    private readonly SqlDialect _dialect = dialect;
    private readonly List<KeyValuePair<string, object?>> _parameters = [];
    private readonly Dictionary<string, string> _parameterByValue = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string SqlName, List<OutputColumn> Columns, bool Delimited, string Name)> _commonTables =
        new(StringComparer.OrdinalIgnoreCase);
    private int _aliasCounter;

    private bool Pg => _dialect.IsPostgres;

    public SqlQuery Write(QueryStatement statement, long? maxRec)
    {
        var sql = new StringBuilder();
        if (statement.With.Count > 0)
        {
            sql.Append("WITH ");
            for (int i = 0; i < statement.With.Count; i++)
            {
                var cte = statement.With[i];
                if (_commonTables.ContainsKey(cte.Name.Name))
                {
                    throw Error(cte.Name.At, $"the common table '{cte.Name.Name}' is defined twice");
                }
                var translated = TranslateQuery(cte.Query, null, null);
                string sqlName = Quote("w" + (i + 1));
                _commonTables[cte.Name.Name] = (sqlName, translated.Columns, cte.Name.Delimited, cte.Name.Name);
                if (i > 0)
                {
                    sql.Append(", ");
                }
                sql.Append(sqlName).Append(" AS (").Append(translated.Sql).Append(')');
            }
            sql.Append(' ');
        }
        long? limit = maxRec is null ? null : maxRec + 1;
        var body = TranslateQuery(statement.Body, null, limit);
        sql.Append(body.Sql);
        var columns = body.Columns.Select(c => c.Type.ToResult(c.Name)).ToList();
        return new SqlQuery(sql.ToString(), _parameters, columns);
    }

    private static AdqlException Error(Position at, string message) => new(message, at.Line, at.Column);

    private static string Quote(string name) => SqlDialect.QuoteIdentifier(name);

    private string NextAlias(string prefix) => Quote(prefix + (++_aliasCounter));

    private string Parameter(string value)
    {
        if (_parameterByValue.TryGetValue(value, out var name))
        {
            return name;
        }
        name = "@p" + _parameters.Count;
        _parameters.Add(new KeyValuePair<string, object?>(name, value));
        _parameterByValue[value] = name;
        return name;
    }

    // ---- Queries ----

    private TranslatedQuery TranslateQuery(QueryExpression query, Scope? parent, long? limit) => query switch
    {
        SelectQuery s => TranslateSelect(s, parent, [], null, limit),
        OrderedQuery { Body: SelectQuery s } o => TranslateSelect(s, parent, o.OrderBy, o.Offset, limit),
        OrderedQuery o => TranslateOrderedSet(o, parent, limit),
        SetQuery set => WithLimit(TranslateSet(set, parent), limit),
        _ => throw new InvalidOperationException("unknown query node " + query.GetType().Name),
    };

    private TranslatedQuery WithLimit(TranslatedQuery q, long? limit)
    {
        if (limit is null)
        {
            return q;
        }
        string alias = NextAlias("q");
        var sql = $"SELECT * FROM ({q.Sql}) AS {alias}{LimitClause(limit, null)}";
        return new TranslatedQuery(sql, q.Columns);
    }

    private string LimitClause(long? limit, long? offset)
    {
        var sb = new StringBuilder();
        if (limit is not null)
        {
            sb.Append(" LIMIT ").Append(limit.Value.ToString(CultureInfo.InvariantCulture));
        }
        else if (offset is not null && !Pg)
        {
            sb.Append(" LIMIT -1");
        }
        if (offset is not null)
        {
            sb.Append(" OFFSET ").Append(offset.Value.ToString(CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    private static long? Min(long? a, long? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);

    private TranslatedQuery TranslateSelect(SelectQuery select, Scope? parent, IReadOnlyList<OrderItem> orderBy, long? offset, long? limit)
    {
        var scope = new Scope(parent);
        var from = new StringBuilder();
        foreach (var item in select.From)
        {
            var (sql, sources, unqualified) = TranslateFrom(item, parent);
            foreach (var s in sources)
            {
                if (scope.Sources.Any(x => string.Equals(x.Name, s.Name, StringComparison.OrdinalIgnoreCase)))
                {
                    throw Error(item.At, $"the table name '{s.Name}' appears twice in FROM; give one of them an alias");
                }
                scope.Sources.Add(s);
            }
            scope.Unqualified.AddRange(unqualified);
            if (from.Length > 0)
            {
                from.Append(", ");
            }
            from.Append(sql);
        }

        string? where = select.Where is null ? null : TranslateCondition(select.Where, scope);

        var outputs = new List<OutputColumn>();
        var items = new List<string>();
        var itemSql = new List<string>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in select.Items)
        {
            if (item is AllColumns all)
            {
                IEnumerable<ScopeColumn> columns;
                if (all.Qualifier.Count == 0)
                {
                    columns = scope.Unqualified;
                }
                else
                {
                    var source = scope.Sources.FirstOrDefault(s => s.MatchesQualifier(all.Qualifier))
                        ?? throw Error(all.At, $"unknown table '{string.Join(".", all.Qualifier)}' in '{string.Join(".", all.Qualifier)}.*'"
                            + Suggest(all.Qualifier[^1].Name, scope.Sources.Select(s => s.Name)));
                    columns = source.Columns;
                }
                foreach (var c in columns)
                {
                    AddOutput(c.Name, c.Sql, c.Type);
                }
                if (_catalog.AllowsUnknownColumns && !columns.Any())
                {
                    // Unknown columns (OpenCatalog): pass the star through.
                    var sources = all.Qualifier.Count == 0 ? scope.Sources : scope.Sources.Where(s => s.MatchesQualifier(all.Qualifier));
                    foreach (var s in sources)
                    {
                        outputs.Add(new OutputColumn("*", "*", ValueType.Unknown));
                        items.Add(s.SqlAlias + ".*");
                        itemSql.Add(s.SqlAlias + ".*");
                    }
                }
            }
            else if (item is DerivedColumn d)
            {
                var (sql, type) = TranslateExpression(d.Value, scope);
                string name = d.Alias?.Name ?? DefaultName(d.Value, scope);
                AddOutput(name, sql, type);
            }
        }

        void AddOutput(string name, string sql, ValueType type)
        {
            string unique = name;
            for (int n = 2; !names.Add(unique); n++)
            {
                unique = name + "_" + n;
            }
            string sqlName = Quote(unique);
            outputs.Add(new OutputColumn(unique, sqlName, type));
            items.Add(sql + " AS " + sqlName);
            itemSql.Add(sql);
        }

        var groupBy = new List<string>();
        var grouped = new HashSet<string>(StringComparer.Ordinal);
        foreach (var g in select.GroupBy)
        {
            if (g is ColumnReference { Qualifier.Count: 0 } alias && !ResolvesInScope(alias, scope)
                && outputs.FirstOrDefault(o => alias.Column.Matches(o.Name)) is { } output)
            {
                groupBy.Add(output.SqlName);
                grouped.Add(itemSql[outputs.IndexOf(output)]);
                continue;
            }
            var sql = TranslateExpression(g, scope).Sql;
            groupBy.Add(sql);
            grouped.Add(sql);
        }
        string? having = select.Having is null ? null : TranslateCondition(select.Having, scope);
        if (select.GroupBy.Count > 0 || select.Items.Any(i => i is DerivedColumn d && HasAggregate(d.Value))
            || (select.Having is not null))
        {
            CheckGrouping(select, scope, grouped, itemSql);
        }

        var sb = new StringBuilder("SELECT ");
        if (select.Distinct)
        {
            sb.Append("DISTINCT ");
        }
        sb.Append(string.Join(", ", items));
        sb.Append(" FROM ").Append(from);
        if (where is not null)
        {
            sb.Append(" WHERE ").Append(where);
        }
        if (groupBy.Count > 0)
        {
            sb.Append(" GROUP BY ").Append(string.Join(", ", groupBy));
        }
        if (having is not null)
        {
            sb.Append(" HAVING ").Append(having);
        }
        if (orderBy.Count > 0)
        {
            var keys = new List<string>();
            foreach (var o in orderBy)
            {
                string key;
                ValueType type;
                int? output = null;
                if (o.Key is NumberLiteral { Kind: NumberKind.Integer } ordinal)
                {
                    output = ParseOrdinal(ordinal, outputs.Count) - 1;
                    key = (output + 1).Value.ToString(CultureInfo.InvariantCulture);
                    type = outputs[output.Value].Type;
                }
                else if (o.Key is ColumnReference { Qualifier.Count: 0 } c
                         && outputs.Where(x => c.Column.Matches(x.Name)).ToList() is { Count: 1 } matches
                         && select.Items.Any(i => i is DerivedColumn { Alias: not null } dc && c.Column.Matches(dc.Alias!.Name)))
                {
                    output = outputs.IndexOf(matches[0]);
                    key = matches[0].SqlName;
                    type = matches[0].Type;
                }
                else
                {
                    (key, type) = TranslateExpression(o.Key, scope);
                }
                // PostgreSQL takes COLLATE only on an expression, and with DISTINCT only on a selected one.
                bool collate = Pg && IsText(type) && !select.Distinct;
                if (collate && output is int index)
                {
                    key = itemSql[index];
                }
                keys.Add(OrderKey(key, type, o.Descending, collate || (Pg && IsText(type) && output is null && !select.Distinct)));
            }
            sb.Append(" ORDER BY ").Append(string.Join(", ", keys));
        }
        sb.Append(LimitClause(Min(select.Top, limit), offset));
        return new TranslatedQuery(sb.ToString(), outputs);
    }

    private static bool IsText(ValueType type) => type.Type is AdqlType.Char or AdqlType.VarChar or AdqlType.Clob;

    // Same order on both backends: byte order for strings (where PostgreSQL allows COLLATE), NULLs last
    // ascending and first descending.
    private static string OrderKey(string key, ValueType type, bool descending, bool collate) =>
        key + (collate ? " COLLATE \"C\"" : "") + (descending ? " DESC NULLS FIRST" : " ASC NULLS LAST");

    private static int ParseOrdinal(NumberLiteral ordinal, int count)
    {
        if (!int.TryParse(ordinal.Text, NumberStyles.None, CultureInfo.InvariantCulture, out int index) || index < 1 || index > count)
        {
            throw Error(ordinal.At, $"ORDER BY {ordinal.Text} is not a result column number; the result has {count} column{(count == 1 ? "" : "s")}");
        }
        return index;
    }

    private TranslatedQuery TranslateOrderedSet(OrderedQuery ordered, Scope? parent, long? limit)
    {
        var inner = TranslateQuery(ordered.Body, parent, null);
        string alias = NextAlias("o");
        var keys = new List<string>();
        foreach (var o in ordered.OrderBy)
        {
            if (o.Key is NumberLiteral { Kind: NumberKind.Integer } ordinal)
            {
                int index = ParseOrdinal(ordinal, inner.Columns.Count);
                var col = inner.Columns[index - 1];
                keys.Add(OrderKey(alias + "." + col.SqlName, col.Type, o.Descending, Pg && IsText(col.Type)));
            }
            else if (o.Key is ColumnReference { Qualifier.Count: 0 } c
                     && inner.Columns.FirstOrDefault(x => c.Column.Matches(x.Name)) is { } col)
            {
                keys.Add(OrderKey(alias + "." + col.SqlName, col.Type, o.Descending, Pg && IsText(col.Type)));
            }
            else
            {
                throw Error(o.Key.At, "ORDER BY after UNION, INTERSECT or EXCEPT can only name result columns or their numbers"
                    + (o.Key is ColumnReference cr ? Suggest(cr.Column.Name, inner.Columns.Select(x => x.Name)) : ""));
            }
        }
        var sql = $"SELECT * FROM ({inner.Sql}) AS {alias}"
            + (keys.Count > 0 ? " ORDER BY " + string.Join(", ", keys) : "")
            + LimitClause(limit, ordered.Offset);
        return new TranslatedQuery(sql, inner.Columns);
    }

    private TranslatedQuery TranslateSet(SetQuery set, Scope? parent)
    {
        var left = TranslateSetOperand(set.Left, parent, set);
        var right = TranslateSetOperand(set.Right, parent, null);
        if (left.Columns.Count != right.Columns.Count)
        {
            throw Error(set.At, $"both sides of {set.Operator.ToString().ToUpperInvariant()} must have the same number of columns; "
                + $"the left has {left.Columns.Count}, the right {right.Columns.Count}");
        }
        for (int i = 0; i < left.Columns.Count; i++)
        {
            var a = left.Columns[i].Type;
            var b = right.Columns[i].Type;
            if (!Compatible(a, b))
            {
                throw Error(set.At, $"column {i + 1} is {a.Describe()} on the left of {set.Operator.ToString().ToUpperInvariant()} "
                    + $"but {b.Describe()} on the right");
            }
        }
        string op = set.Operator switch
        {
            SetOperator.Union => "UNION",
            SetOperator.Intersect => "INTERSECT",
            _ => "EXCEPT",
        };
        if (set.All && set.Operator != SetOperator.Union && !Pg)
        {
            // SQLite has no INTERSECT ALL / EXCEPT ALL: numbering duplicates makes each copy a distinct row,
            // so the plain set operation keeps min(m, n) or max(m - n, 0) copies, as the multiset one would.
            string Numbered(TranslatedQuery q)
            {
                string a = NextAlias("n");
                string partition = string.Join(", ", q.Columns.Select(c => a + "." + c.SqlName));
                string cols = string.Join(", ", q.Columns.Select(c => a + "." + c.SqlName));
                return $"SELECT {cols}, ROW_NUMBER() OVER (PARTITION BY {partition}) AS \"copy_number\" FROM ({q.Sql}) AS {a}";
            }
            string alias = NextAlias("m");
            string outer = string.Join(", ", left.Columns.Select(c => alias + "." + c.SqlName));
            var emulated = $"SELECT {outer} FROM ({Numbered(left)} {op} {Numbered(right)}) AS {alias}";
            return new TranslatedQuery(emulated, left.Columns);
        }
        return new TranslatedQuery($"{left.Sql} {op}{(set.All ? " ALL" : "")} {right.Sql}", left.Columns);
    }

    // A set operand is written bare when it is a simple SELECT (or, on the left, the same operator chain);
    // otherwise it is wrapped, because SQLite allows neither parentheses nor ORDER BY/LIMIT on operands and the
    // two backends give INTERSECT different precedence.
    private TranslatedQuery TranslateSetOperand(QueryExpression operand, Scope? parent, SetQuery? parentOnLeft)
    {
        bool bare = operand switch
        {
            SelectQuery s => s.Top is null,
            SetQuery inner when parentOnLeft is not null => inner.Operator == parentOnLeft.Operator && inner.All == parentOnLeft.All
                && !(inner.All && inner.Operator != SetOperator.Union && !Pg),
            _ => false,
        };
        var q = TranslateQuery(operand, parent, null);
        if (bare)
        {
            return q;
        }
        string alias = NextAlias("s");
        return new TranslatedQuery($"SELECT * FROM ({q.Sql}) AS {alias}", q.Columns);
    }

    private static bool Compatible(ValueType a, ValueType b) =>
        a.IsUnknown || b.IsUnknown
        || (a.IsNumeric && b.IsNumeric)
        || (a.IsString && b.IsString)
        || a.Type == b.Type
        || (a.Type == AdqlType.Timestamp && b.IsString) || (b.Type == AdqlType.Timestamp && a.IsString);

    // ---- FROM ----

    private (string Sql, List<Source> Sources, List<ScopeColumn> Unqualified) TranslateFrom(FromItem item, Scope? outer)
    {
        switch (item)
        {
            case TableReference t:
                return TranslateTableReference(t);
            case DerivedTable d:
                {
                    var q = TranslateQuery(d.Query, outer, null);
                    var source = new Source
                    {
                        Name = d.Alias.Name,
                        NameDelimited = d.Alias.Delimited,
                        Aliased = true,
                        SqlAlias = NextAlias("t"),
                    };
                    foreach (var c in q.Columns)
                    {
                        source.Columns.Add(new ScopeColumn(c.Name, source.SqlAlias + "." + c.SqlName, c.Type, source));
                    }
                    return ($"({q.Sql}) AS {source.SqlAlias}", [source], [.. source.Columns]);
                }
            case Join j:
                return TranslateJoin(j, outer);
            default:
                throw new InvalidOperationException("unknown FROM node " + item.GetType().Name);
        }
    }

    private (string, List<Source>, List<ScopeColumn>) TranslateTableReference(TableReference t)
    {
        string sqlAlias = NextAlias("t");
        if (t.Schema is null && _commonTables.TryGetValue(t.Table.Name, out var cte)
            && ((!t.Table.Delimited && !cte.Delimited) || cte.Name == t.Table.Name))
        {
            var cteSource = new Source
            {
                Name = t.Alias?.Name ?? t.Table.Name,
                NameDelimited = t.Alias?.Delimited ?? t.Table.Delimited,
                Aliased = true,
                SqlAlias = sqlAlias,
            };
            foreach (var c in cte.Columns)
            {
                cteSource.Columns.Add(new ScopeColumn(c.Name, sqlAlias + "." + c.SqlName, c.Type, cteSource));
            }
            return ($"{cte.SqlName} AS {sqlAlias}", [cteSource], [.. cteSource.Columns]);
        }
        var table = _catalog.FindTable(t.Schema?.Name, t.Table.Name);
        if (table is not null && ((t.Table.Delimited && table.Name != t.Table.Name)
                                  || (t.Schema is { Delimited: true } && table.Schema != t.Schema.Name)))
        {
            table = null;
        }
        if (table is null)
        {
            string written = t.Schema is null ? t.Table.Name : t.Schema.Name + "." + t.Table.Name;
            var candidates = _catalog.Tables.SelectMany(x => new[] { x.Schema + "." + x.Name, x.Name })
                .Concat(_commonTables.Keys);
            throw Error(t.At, $"unknown table '{written}'" + Suggest(written, candidates));
        }
        var source = new Source
        {
            Name = t.Alias?.Name ?? table.Name,
            NameDelimited = t.Alias?.Delimited ?? t.Table.Delimited,
            Aliased = t.Alias is not null,
            Table = table,
            SqlAlias = sqlAlias,
        };
        foreach (var c in table.Columns)
        {
            source.Columns.Add(new ScopeColumn(c.Name, sqlAlias + "." + Quote(c.SqlName), ValueType.From(c), source, c));
        }
        return ($"{table.SqlName} AS {sqlAlias}", [source], [.. source.Columns]);
    }

    private (string, List<Source>, List<ScopeColumn>) TranslateJoin(Join join, Scope? outer)
    {
        var (leftSql, leftSources, leftColumns) = TranslateFrom(join.Left, outer);
        var (rightSql, rightSources, rightColumns) = TranslateFrom(join.Right, outer);
        foreach (var s in rightSources)
        {
            if (leftSources.Any(x => string.Equals(x.Name, s.Name, StringComparison.OrdinalIgnoreCase)))
            {
                throw Error(join.At, $"the table name '{s.Name}' appears on both sides of the join; give one of them an alias");
            }
        }
        var sources = leftSources.Concat(rightSources).ToList();
        string kind = join.Kind switch
        {
            JoinKind.Left => "LEFT OUTER JOIN",
            JoinKind.Right => "RIGHT OUTER JOIN",
            JoinKind.Full => "FULL OUTER JOIN",
            JoinKind.Cross => "CROSS JOIN",
            _ => "INNER JOIN",
        };
        if (join.Kind == JoinKind.Cross)
        {
            return ($"{leftSql} CROSS JOIN {rightSql}", sources, leftColumns.Concat(rightColumns).ToList());
        }
        List<string> common;
        if (join.Natural)
        {
            common = leftColumns.Select(c => c.Name)
                .Where(n => rightColumns.Any(r => string.Equals(r.Name, n, StringComparison.OrdinalIgnoreCase)))
                .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        }
        else if (join.Using is not null)
        {
            common = [];
            foreach (var u in join.Using)
            {
                if (!leftColumns.Any(c => u.Matches(c.Name)))
                {
                    throw Error(u.At, $"USING column '{u.Name}' is not in the left-hand table"
                        + Suggest(u.Name, leftColumns.Select(c => c.Name)));
                }
                if (!rightColumns.Any(c => u.Matches(c.Name)))
                {
                    throw Error(u.At, $"USING column '{u.Name}' is not in the right-hand table"
                        + Suggest(u.Name, rightColumns.Select(c => c.Name)));
                }
                common.Add(leftColumns.First(c => u.Matches(c.Name)).Name);
            }
        }
        else
        {
            var scope = new Scope(outer);
            scope.Sources.AddRange(sources);
            scope.Unqualified.AddRange(leftColumns);
            scope.Unqualified.AddRange(rightColumns);
            string on = TranslateCondition(join.On!, scope);
            return ($"{leftSql} {kind} {rightSql} ON {on}", sources, [.. scope.Unqualified]);
        }
        var conditions = new List<string>();
        var merged = new List<ScopeColumn>();
        var mergedLeft = new HashSet<ScopeColumn>();
        var mergedRight = new HashSet<ScopeColumn>();
        foreach (var name in common)
        {
            var l = leftColumns.Where(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase)).ToList();
            var r = rightColumns.Where(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase)).ToList();
            if (l.Count > 1 || r.Count > 1)
            {
                throw Error(join.At, $"the join column '{name}' is ambiguous: it appears more than once on one side of the join");
            }
            if (!Compatible(l[0].Type, r[0].Type))
            {
                throw Error(join.At, $"the join column '{name}' is {l[0].Type.Describe()} on the left but {r[0].Type.Describe()} on the right");
            }
            conditions.Add($"{l[0].Sql} = {r[0].Sql}");
            string sql = join.Kind switch
            {
                JoinKind.Right => r[0].Sql,
                JoinKind.Full => $"COALESCE({l[0].Sql}, {r[0].Sql})",
                _ => l[0].Sql,
            };
            merged.Add(new ScopeColumn(l[0].Name, sql, l[0].Type));
            mergedLeft.Add(l[0]);
            mergedRight.Add(r[0]);
        }
        var unqualified = merged
            .Concat(leftColumns.Where(c => !mergedLeft.Contains(c)))
            .Concat(rightColumns.Where(c => !mergedRight.Contains(c)))
            .ToList();
        string condition = conditions.Count == 0 ? "1 = 1" : string.Join(" AND ", conditions);
        return ($"{leftSql} {kind} {rightSql} ON {condition}", sources, unqualified);
    }

    // ---- Names ----

    private static readonly HashSet<string> AggregateNames = new(StringComparer.Ordinal) { "COUNT", "AVG", "MIN", "MAX", "SUM" };

    private static bool HasAggregate(Expression e) => e switch
    {
        FunctionCall f when AggregateNames.Contains(f.Name) => true,
        FunctionCall f => f.Arguments.Any(HasAggregate),
        UnaryExpression u => HasAggregate(u.Operand),
        BinaryExpression b => HasAggregate(b.Left) || HasAggregate(b.Right),
        CastExpression c => HasAggregate(c.Value),
        _ => false,
    };

    // Columns used outside aggregate functions (subqueries are their own level).
    private static IEnumerable<ColumnReference> BareColumns(Expression e) => e switch
    {
        ColumnReference c => [c],
        FunctionCall f when AggregateNames.Contains(f.Name) => [],
        FunctionCall f => f.Arguments.SelectMany(BareColumns),
        UnaryExpression u => BareColumns(u.Operand),
        BinaryExpression b => BareColumns(b.Left).Concat(BareColumns(b.Right)),
        CastExpression c => BareColumns(c.Value),
        _ => [],
    };

    /// <summary>In a grouped query every value outside an aggregate must be grouped; SQLite would otherwise
    /// pick an arbitrary row where PostgreSQL refuses, so refuse it here, with its position.</summary>
    private void CheckGrouping(SelectQuery select, Scope scope, HashSet<string> grouped, List<string> itemSql)
    {
        void Check(Expression e, string? sql)
        {
            if (sql is not null && grouped.Contains(sql))
            {
                return;
            }
            foreach (var c in BareColumns(e))
            {
                var column = ResolveColumn(c, scope);
                bool local = scope.Unqualified.Contains(column) || scope.Sources.Any(s => s.Columns.Contains(column));
                if (local && !grouped.Contains(column.Sql))
                {
                    throw Error(c.At, $"column '{c.Column.Name}' must appear in GROUP BY or be used inside an aggregate function (COUNT, AVG, MIN, MAX, SUM)");
                }
            }
        }
        int index = 0;
        foreach (var item in select.Items)
        {
            if (item is AllColumns all)
            {
                throw Error(all.At, "* cannot be used with GROUP BY or aggregate functions; list the grouped columns");
            }
            // Without stars, item i is output i.
            Check(((DerivedColumn)item).Value, itemSql[index]);
            index++;
        }
        if (select.Having is not null)
        {
            CheckCondition(select.Having);
        }

        void CheckCondition(Condition condition)
        {
            switch (condition)
            {
                case AndCondition or OrCondition:
                    foreach (var operand in Operands(condition))
                    {
                        CheckCondition(operand);
                    }
                    break;
                case NotCondition n: CheckCondition(n.Operand); break;
                case Comparison c: Check(c.Left, null); Check(c.Right, null); break;
                case BetweenCondition b: Check(b.Value, null); Check(b.Low, null); Check(b.High, null); break;
                case LikeCondition l: Check(l.Value, null); Check(l.Pattern, null); break;
                case NullCondition n: Check(n.Value, null); break;
                case InCondition i:
                    Check(i.Value, null);
                    foreach (var v in i.Values ?? [])
                    {
                        Check(v, null);
                    }
                    break;
            }
        }
    }

    private static bool ResolvesInScope(ColumnReference c, Scope scope) =>
        scope.Unqualified.Any(x => c.Column.Matches(x.Name));

    private ScopeColumn ResolveColumn(ColumnReference reference, Scope scope)
    {
        for (var s = scope; s is not null; s = s.Parent)
        {
            if (reference.Qualifier.Count == 0)
            {
                var found = s.Unqualified.Where(c => reference.Column.Matches(c.Name)).Distinct().ToList();
                if (found.Count > 1)
                {
                    var owners = found.Select(c => c.Origin?.Name ?? "the join").Distinct();
                    throw Error(reference.At, $"column '{reference.Column.Name}' is ambiguous: it is in {string.Join(" and ", owners)}; "
                        + "qualify it with a table name or alias");
                }
                if (found.Count == 1)
                {
                    return found[0];
                }
            }
            else
            {
                var sources = s.Sources.Where(x => x.MatchesQualifier(reference.Qualifier)).ToList();
                if (sources.Count > 0)
                {
                    var column = sources[0].Columns.FirstOrDefault(c => reference.Column.Matches(c.Name));
                    if (column is null && _catalog.AllowsUnknownColumns && OpenColumn(reference, s) is { } unlisted)
                    {
                        return unlisted;
                    }
                    if (column is null)
                    {
                        throw Error(reference.Column.At, $"unknown column '{reference.Column.Name}' in table '{sources[0].Name}'"
                            + Suggest(reference.Column.Name, sources[0].Columns.Select(c => c.Name)));
                    }
                    return column;
                }
            }
        }
        if (_catalog.AllowsUnknownColumns && OpenColumn(reference, scope) is { } untyped)
        {
            return untyped;
        }
        if (reference.Qualifier.Count > 0)
        {
            string qualifier = string.Join(".", reference.Qualifier.Select(q => q.Name));
            var names = new List<string>();
            for (var s = scope; s is not null; s = s.Parent)
            {
                names.AddRange(s.Sources.Select(x => x.Name));
            }
            throw Error(reference.At, $"unknown table or alias '{qualifier}' in '{qualifier}.{reference.Column.Name}'"
                + Suggest(reference.Qualifier[^1].Name, names));
        }
        var visible = new List<string>();
        for (var s = scope; s is not null; s = s.Parent)
        {
            visible.AddRange(s.Unqualified.Select(c => c.Name));
        }
        string hint = Suggest(reference.Column.Name, visible);
        if (hint.Length == 0 && reference.Column.Delimited)
        {
            hint = $"; a string literal takes single quotes: '{reference.Column.Name.Replace("'", "''")}'";
        }
        throw Error(reference.At, $"unknown column '{reference.Column.Name}'" + hint);
    }

    // Without a catalogue (OpenCatalog), an unlisted column of a table is taken on trust, untyped.
    private static ScopeColumn? OpenColumn(ColumnReference reference, Scope scope)
    {
        var candidates = reference.Qualifier.Count > 0
            ? scope.Sources.Where(s => s.MatchesQualifier(reference.Qualifier)).ToList()
            : scope.Sources.Where(s => s.Table is not null).ToList();
        if (candidates.Count != 1 || candidates[0].Table is null)
        {
            if (reference.Qualifier.Count == 0 && candidates.Count > 1)
            {
                throw Error(reference.At, $"without a catalogue, cannot tell which table '{reference.Column.Name}' is in; qualify it");
            }
            return null;
        }
        var source = candidates[0];
        var column = new ScopeColumn(reference.Column.Name, source.SqlAlias + "." + Quote(reference.Column.Name), ValueType.Unknown, source);
        source.Columns.Add(column);
        return column;
    }

    /// <summary>"; did you mean 'x'?" for the closest candidate within a small edit distance, or "".</summary>
    internal static string Suggest(string written, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var c in candidates.Distinct())
        {
            int d = EditDistance(written.ToLowerInvariant(), c.ToLowerInvariant());
            if (d < bestDistance)
            {
                best = c;
                bestDistance = d;
            }
        }
        int allowed = Math.Max(1, Math.Min(3, written.Length / 3));
        return best is not null && bestDistance <= allowed ? $"; did you mean '{best}'?" : "";
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

    private string DefaultName(Expression e, Scope scope) => e switch
    {
        ColumnReference c => ResolveColumn(c, scope).Name,
        FunctionCall f => f.Name.ToLowerInvariant(),
        CastExpression c => c.Value is ColumnReference cr ? cr.Column.Name : "cast",
        _ => "expr",
    };
}
