using Astrolabe.Fits;

namespace Astrolabe.Regions.Catalogue;

/// <summary>Writes a catalogue as a FITS file: an empty primary HDU and one BINTABLE extension named ROI, with TUNITn,
/// the UCD in TUCDn and the description in TCOMMn (conventions TOPCAT and astropy read).</summary>
public static class FitsCatalogueWriter
{
    public static void Write(Stream stream, IReadOnlyList<RegionOfInterest> rows, IReadOnlyList<CatalogueColumn> columns)
    {
        var data = new List<ColumnData>(columns.Count);
        var cards = new Header();
        cards.Set("EXTNAME", "ROI");
        cards.Set("ORIGIN", "Astrolabe", "astrolabe roi catalogue");
        for (int c = 0; c < columns.Count; c++)
        {
            var column = columns[c];
            Array values = column.Type switch
            {
                ColumnType.Int => Fill(rows, column.Int),
                ColumnType.Double => Fill(rows, column.Double),
                _ => Fill(rows, column.Text),
            };
            data.Add(new ColumnData(column.Name, values)
            {
                Unit = column.Unit.Length > 0 ? column.Unit : null,
                Ucd = column.Ucd.Length > 0 ? column.Ucd : null,
            });
            string comment = column.Description.Length <= 68 ? column.Description : column.Description[..68];
            cards.Set($"TCOMM{c + 1}", comment);
        }
        using var writer = new FitsWriter(stream, leaveOpen: true);
        writer.WriteEmptyPrimary();
        writer.WriteBinaryTable(data, cards);
    }

    private static T[] Fill<T>(IReadOnlyList<RegionOfInterest> rows, Func<RegionOfInterest, T> value)
    {
        var values = new T[rows.Count];
        for (int i = 0; i < values.Length; i++) values[i] = value(rows[i]);
        return values;
    }
}
