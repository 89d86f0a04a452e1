using System.Text;

namespace Astrolabe.Regions.Catalogue;

/// <summary>Writes a catalogue as CSV (RFC 4180): a header line of column names, then one line per region; NaN is an
/// empty field. Units and UCDs do not fit in CSV: they are in the VOTable and FITS outputs and in docs/roi.md.</summary>
public static class CsvCatalogueWriter
{
    public static void Write(Stream stream, IReadOnlyList<RegionOfInterest> rows, IReadOnlyList<CatalogueColumn> columns)
    {
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
        for (int i = 0; i < columns.Count; i++)
        {
            if (i > 0) writer.Write(',');
            writer.Write(columns[i].Name);
        }
        writer.WriteLine();
        foreach (var row in rows)
        {
            for (int i = 0; i < columns.Count; i++)
            {
                if (i > 0) writer.Write(',');
                writer.Write(Quote(VoTableWriter.Format(columns[i], row)));
            }
            writer.WriteLine();
        }
    }

    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\n\r") < 0 ? field : "\"" + field.Replace("\"", "\"\"") + "\"";
}
