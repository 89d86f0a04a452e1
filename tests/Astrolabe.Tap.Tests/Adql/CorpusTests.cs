using Astrolabe.Tap.Adql;

namespace Astrolabe.Tap.Tests.Adql;

/// <summary>The conformance corpus (corpus/*.adql): every valid query parses and translates for both
/// backends; every invalid one is refused with a positioned error.</summary>
public class CorpusTests
{
    public sealed record CorpusQuery(string File, int LineNumber, bool Valid, int? Line, int? Column, string Text)
    {
        public override string ToString() => $"{File}:{LineNumber}";
    }

    // The corpus sits next to this source file.
    private static string CorpusDirectory([System.Runtime.CompilerServices.CallerFilePath] string thisFile = "") =>
        Path.Combine(Path.GetDirectoryName(thisFile)!, "corpus");

    internal static List<CorpusQuery> Load()
    {
        var queries = new List<CorpusQuery>();
        foreach (var file in Directory.GetFiles(CorpusDirectory(), "*.adql").OrderBy(f => f, StringComparer.Ordinal))
        {
            var lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                var line = lines[i];
                if (line.Length == 0 || line.StartsWith('#'))
                {
                    continue;
                }
                int colon = line.IndexOf(": ", StringComparison.Ordinal);
                Assert.True(colon > 0, $"{Path.GetFileName(file)}:{i + 1}: expected 'valid: ' or 'invalid: '");
                string label = line[..colon];
                string text = line[(colon + 2)..].Replace("\\n", "\n");
                int? expectedLine = null, expectedColumn = null;
                if (label.StartsWith("invalid@", StringComparison.Ordinal))
                {
                    var pos = label["invalid@".Length..].Split(':');
                    expectedLine = int.Parse(pos[0]);
                    expectedColumn = int.Parse(pos[1]);
                    label = "invalid";
                }
                Assert.True(label is "valid" or "invalid", $"{Path.GetFileName(file)}:{i + 1}: unknown label '{label}'");
                queries.Add(new CorpusQuery(Path.GetFileName(file), i + 1, label == "valid", expectedLine, expectedColumn, text));
            }
        }
        return queries;
    }

    public static IEnumerable<object[]> ValidQueries() => Load().Where(q => q.Valid).Select(q => new object[] { q });

    public static IEnumerable<object[]> InvalidQueries() => Load().Where(q => !q.Valid).Select(q => new object[] { q });

    [Fact]
    public void Corpus_has_at_least_300_labelled_queries_over_many_features()
    {
        var all = Load();
        Assert.True(all.Count >= 300, $"only {all.Count} queries");
        Assert.True(all.Count(q => q.Valid) >= 100);
        Assert.True(all.Count(q => !q.Valid) >= 100);
        Assert.True(all.Select(q => q.File).Distinct().Count() >= 15);
    }

    [Theory]
    [MemberData(nameof(ValidQueries))]
    public void Valid_query_parses_and_translates_for_both_backends(CorpusQuery query)
    {
        AdqlParser.Parse(query.Text);
        foreach (var (dialect, catalog) in new[] { (SqlDialect.Sqlite, TestCatalog.ForSqlite()), (SqlDialect.Postgres, TestCatalog.ForPostgres("s")) })
        {
            var sql = AdqlTranslator.Translate(query.Text, catalog, dialect);
            Assert.False(string.IsNullOrWhiteSpace(sql.Sql));
            Assert.NotEmpty(sql.Columns);
        }
    }

    [Theory]
    [MemberData(nameof(InvalidQueries))]
    public void Invalid_query_is_refused_with_a_positioned_error(CorpusQuery query)
    {
        foreach (var (dialect, catalog) in new[] { (SqlDialect.Sqlite, TestCatalog.ForSqlite()), (SqlDialect.Postgres, TestCatalog.ForPostgres("s")) })
        {
            var error = Assert.Throws<AdqlException>(() => AdqlTranslator.Translate(query.Text, catalog, dialect));
            Assert.True(error.Line >= 1 && error.Column >= 1, error.Message);
            Assert.StartsWith($"line {error.Line}, column {error.Column}: ", error.Message);
            if (query.Line is not null)
            {
                Assert.True(query.Line == error.Line && query.Column == error.Column,
                    $"expected the error at {query.Line}:{query.Column}, got: {error.Message}");
            }
            var lines = query.Text.Split('\n');
            Assert.True(error.Line <= lines.Length && error.Column <= lines[error.Line - 1].Length + 1,
                $"position outside the query: {error.Message}");
        }
    }
}
