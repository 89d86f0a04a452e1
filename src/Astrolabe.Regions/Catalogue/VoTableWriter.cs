using System.Globalization;
using System.Text;
using System.Xml;

namespace Astrolabe.Regions.Catalogue;

/// <summary>Writes a catalogue as a VOTable 1.4 document with a TABLEDATA serialisation; NaN becomes an empty cell (null).</summary>
public static class VoTableWriter
{
    public const string Namespace = "http://www.ivoa.net/xml/VOTable/v1.3";

    public static void Write(Stream stream, IReadOnlyList<RegionOfInterest> rows, IReadOnlyList<CatalogueColumn> columns)
    {
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true, IndentChars = " " };
        using var xml = XmlWriter.Create(stream, settings);
        xml.WriteStartDocument();
        xml.WriteStartElement("VOTABLE", Namespace);
        xml.WriteAttributeString("version", "1.4");
        xml.WriteStartElement("RESOURCE", Namespace);
        xml.WriteAttributeString("type", "results");
        xml.WriteStartElement("TABLE", Namespace);
        xml.WriteAttributeString("name", "regions_of_interest");
        xml.WriteElementString("DESCRIPTION", Namespace, "Regions of interest found by astrolabe roi");
        foreach (var c in columns)
        {
            xml.WriteStartElement("FIELD", Namespace);
            xml.WriteAttributeString("name", c.Name);
            xml.WriteAttributeString("datatype", c.Type switch { ColumnType.Char => "char", ColumnType.Int => "int", _ => "double" });
            if (c.Type == ColumnType.Char)
            {
                xml.WriteAttributeString("arraysize", "*");
            }
            if (c.Unit.Length > 0)
            {
                xml.WriteAttributeString("unit", c.Unit);
            }
            if (c.Ucd.Length > 0)
            {
                xml.WriteAttributeString("ucd", c.Ucd);
            }
            xml.WriteElementString("DESCRIPTION", Namespace, c.Description);
            xml.WriteEndElement();
        }
        xml.WriteStartElement("DATA", Namespace);
        xml.WriteStartElement("TABLEDATA", Namespace);
        foreach (var row in rows)
        {
            xml.WriteStartElement("TR", Namespace);
            foreach (var c in columns)
            {
                xml.WriteElementString("TD", Namespace, Format(c, row));
            }
            xml.WriteEndElement();
        }
        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteEndDocument();
    }

    internal static string Format(CatalogueColumn column, RegionOfInterest row) => column.Type switch
    {
        ColumnType.Char => column.Text(row),
        ColumnType.Int => column.Int(row).ToString(CultureInfo.InvariantCulture),
        _ => FormatDouble(column.Double(row)),
    };

    internal static string FormatDouble(double value) =>
        double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : "";
}
