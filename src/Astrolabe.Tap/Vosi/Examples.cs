using System.Net;
using System.Text;
using Astrolabe.Tap.Catalog;

namespace Astrolabe.Tap.Vosi;

/// <summary>The DALI examples document (/examples): XHTML with RDFa, one example query per block, written
/// for the tables this service publishes.</summary>
internal static class Examples
{
    private sealed record Example(string Id, string Name, string Text, string Query, string Table);

    public static string Document(IReadOnlyList<PublishedTable> tables)
    {
        var examples = new List<Example>
        {
            new("tables", "List the published tables", "Every table of the service with its description.",
                "SELECT table_name, description FROM TAP_SCHEMA.tables ORDER BY table_index", "TAP_SCHEMA.tables"),
            new("columns", "Describe the columns of a table", "Names, types, units and UCDs of the columns of one table.",
                "SELECT column_name, datatype, unit, ucd, description FROM TAP_SCHEMA.columns\nWHERE table_name = 'TAP_SCHEMA.columns'\nORDER BY column_index",
                "TAP_SCHEMA.columns"),
        };
        var spatial = tables.FirstOrDefault(t => t.Spatial is not null);
        if (spatial is not null)
        {
            var ra = spatial.Spatial!.RaColumn;
            var dec = spatial.Spatial.DecColumn;
            var name = spatial.QualifiedName;
            examples.Add(new("cone", "Cone search", $"Objects of {name} within 0.5 degrees of a position (uses the HEALPix index).",
                $"SELECT * FROM {name}\nWHERE 1 = CONTAINS(POINT('ICRS', {ra}, {dec}), CIRCLE('ICRS', 180.0, 0.0, 0.5))", name));
            examples.Add(new("distance", "Nearest objects with distances", "The 20 objects nearest to a position, with their distance in degrees.",
                $"SELECT TOP 20 {ra}, {dec}, DISTANCE(POINT('ICRS', {ra}, {dec}), POINT('ICRS', 10.0, 20.0)) AS dist\n" +
                $"FROM {name}\nWHERE DISTANCE(POINT('ICRS', {ra}, {dec}), POINT('ICRS', 10.0, 20.0)) < 1.0\nORDER BY dist", name));
            if (spatial.Columns.Any(c => c.Name == "mag_r") && spatial.Columns.Any(c => c.Name == "class"))
            {
                examples.Add(new("count", "Count by class with a magnitude cut", "How many stars, galaxies and quasars are brighter than r = 20.",
                    $"SELECT class, COUNT(*) AS n FROM {name}\nWHERE mag_r < 20\nGROUP BY class", name));
            }
        }
        var html = new StringBuilder();
        html.Append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        html.Append("<html xmlns=\"http://www.w3.org/1999/xhtml\">\n<head><title>Example ADQL queries</title></head>\n");
        html.Append("<body vocab=\"ivo://ivoa.net/std/DALI#examples\">\n<h1>Example ADQL queries</h1>\n");
        foreach (var example in examples)
        {
            html.Append($"<div typeof=\"example\" id=\"{example.Id}\" resource=\"#{example.Id}\">\n");
            html.Append($"  <h2 property=\"name\">{WebUtility.HtmlEncode(example.Name)}</h2>\n");
            html.Append($"  <p>{WebUtility.HtmlEncode(example.Text)} Table: <span property=\"table\">{WebUtility.HtmlEncode(example.Table)}</span></p>\n");
            html.Append($"  <pre property=\"query\">{WebUtility.HtmlEncode(example.Query)}</pre>\n");
            html.Append("</div>\n");
        }
        html.Append("</body>\n</html>\n");
        return html.ToString();
    }
}
