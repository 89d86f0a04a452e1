using System.Buffers.Binary;
using System.Text;
using Astrolabe.Fits;

namespace Astrolabe.Regions.Catalogue;

/// <summary>Writes a catalogue as a FITS file: an empty primary HDU and one BINTABLE extension (TTYPE/TFORM/TUNIT, with the
/// UCD in TUCDn and the description in TCOMMn, the conventions TOPCAT and astropy read).</summary>
/// <remarks>Astrolabe.Fits writes images but not yet tables, so the table is laid out here with its Header type.</remarks>
public static class FitsCatalogueWriter
{
    public static void Write(Stream stream, IReadOnlyList<RegionOfInterest> rows, IReadOnlyList<CatalogueColumn> columns)
    {
        using (var primary = new FitsWriter(stream, leaveOpen: true))
        {
            var cards = new Header();
            cards.Set("ORIGIN", "Astrolabe", "astrolabe roi catalogue");
            primary.WriteEmptyPrimary(cards);
        }

        var widths = new int[columns.Count];
        int rowBytes = 0;
        for (int c = 0; c < columns.Count; c++)
        {
            int width = columns[c].Type switch { ColumnType.Int => 4, ColumnType.Double => 8, _ => 1 };
            if (columns[c].Type == ColumnType.Char)
            {
                foreach (var row in rows)
                {
                    width = Math.Max(width, Encoding.ASCII.GetByteCount(columns[c].Text(row)));
                }
            }
            widths[c] = width;
            rowBytes += width;
        }

        var header = new Header();
        header.Add(Card.FromValue("XTENSION", "BINTABLE", "binary table extension"));
        header.Add(Card.FromValue("BITPIX", 8L));
        header.Add(Card.FromValue("NAXIS", 2L));
        header.Add(Card.FromValue("NAXIS1", (long)rowBytes, "bytes per row"));
        header.Add(Card.FromValue("NAXIS2", (long)rows.Count, "rows"));
        header.Add(Card.FromValue("PCOUNT", 0L));
        header.Add(Card.FromValue("GCOUNT", 1L));
        header.Add(Card.FromValue("TFIELDS", (long)columns.Count));
        for (int c = 0; c < columns.Count; c++)
        {
            var column = columns[c];
            int n = c + 1;
            header.Add(Card.FromValue($"TTYPE{n}", column.Name));
            header.Add(Card.FromValue($"TFORM{n}", column.Type switch { ColumnType.Int => "1J", ColumnType.Double => "1D", _ => $"{widths[c]}A" }));
            if (column.Unit.Length > 0) header.Add(Card.FromValue($"TUNIT{n}", column.Unit));
            if (column.Ucd.Length > 0) header.Add(Card.FromValue($"TUCD{n}", column.Ucd));
            header.Add(Card.FromValue($"TCOMM{n}", Truncate(column.Description, 68)));
        }
        header.Add(Card.FromValue("EXTNAME", "ROI"));
        stream.Write(header.ToBytes());

        var buffer = new byte[rowBytes];
        long written = 0;
        foreach (var row in rows)
        {
            Array.Clear(buffer);
            int at = 0;
            for (int c = 0; c < columns.Count; c++)
            {
                var column = columns[c];
                switch (column.Type)
                {
                    case ColumnType.Int:
                        BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(at), column.Int(row));
                        break;
                    case ColumnType.Double:
                        BinaryPrimitives.WriteDoubleBigEndian(buffer.AsSpan(at), column.Double(row));
                        break;
                    default:
                        buffer.AsSpan(at, widths[c]).Fill((byte)' ');
                        Encoding.ASCII.GetBytes(column.Text(row), buffer.AsSpan(at, widths[c]));
                        break;
                }
                at += widths[c];
            }
            stream.Write(buffer);
            written += rowBytes;
        }
        int pad = (int)((2880 - written % 2880) % 2880);
        stream.Write(new byte[pad]);
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}
