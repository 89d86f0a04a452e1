using System.Globalization;
using System.Text;
using System.Xml;
using Astrolabe.Tap.Catalog;
using Astrolabe.Tap.Output;

namespace Astrolabe.Tap.Vosi;

/// <summary>The VOSI documents of the service: capabilities (with TAPRegExt), availability and the
/// VODataService tableset behind /tables.</summary>
internal static class VosiDocuments
{
    private const string Xsi = "http://www.w3.org/2001/XMLSchema-instance";
    private const string VoResource = "http://www.ivoa.net/xml/VOResource/v1.0";
    private const string VoDataService = "http://www.ivoa.net/xml/VODataService/v1.1";
    private const string TapRegExt = "http://www.ivoa.net/xml/TAPRegExt/v1.0";
    private const string RegExt = "ivo://ivoa.net/std/TAPRegExt";

    /// <summary>The ADQL 2.1 optional features the translator implements, by TAPRegExt feature type.</summary>
    private static readonly (string Type, string[] Forms)[] Features =
    [
        ($"{RegExt}#features-adqlgeo", ["POINT", "CIRCLE", "BOX", "POLYGON", "REGION", "CENTROID", "CONTAINS", "INTERSECTS",
            "AREA", "DISTANCE", "COORD1", "COORD2", "COORDSYS"]),
        ($"{RegExt}#features-adql-string", ["LOWER", "UPPER", "ILIKE"]),
        ($"{RegExt}#features-adql-sets", ["UNION", "EXCEPT", "INTERSECT"]),
        ($"{RegExt}#features-adql-common-table", ["WITH"]),
        ($"{RegExt}#features-adql-type", ["CAST"]),
        // COALESCE works too, and its feature type is #features-adql-conditional (as ADQL 2.1 implementations and
        // later STILTS releases have it), but Debian bookworm's STILTS 3.4 predates that key: its taplint knows only
        // udf, adqlgeo and adql-{bitwise,common-table,offset,sets,string,type,unit} and calls any other key in the
        // TAPRegExt namespace an error (E_KEYX), which the taplint test forbids. See docs/adql.md.
        ($"{RegExt}#features-adql-unit", ["IN_UNIT"]),
        ($"{RegExt}#features-adql-offset", ["OFFSET"]),
        ($"{RegExt}#features-adql-bitwise", ["BIT_AND", "BIT_OR", "BIT_XOR", "BIT_NOT"]),
    ];

    private static XmlWriter Create(StringBuilder text) =>
        XmlWriter.Create(text, new XmlWriterSettings { Indent = true });

    private static string Utf8(StringBuilder text) =>
        text.Replace("encoding=\"utf-16\"", "encoding=\"UTF-8\"").ToString();

    public static string Capabilities(string baseUrl, TapOptions options)
    {
        var text = new StringBuilder();
        using (var xml = Create(text))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("vosi", "capabilities", "http://www.ivoa.net/xml/VOSICapabilities/v1.0");
            xml.WriteAttributeString("xmlns", "xsi", null, Xsi);
            xml.WriteAttributeString("xmlns", "vr", null, VoResource);
            xml.WriteAttributeString("xmlns", "vs", null, VoDataService);
            xml.WriteAttributeString("xmlns", "tr", null, TapRegExt);

            xml.WriteStartElement("capability");
            xml.WriteAttributeString("standardID", "ivo://ivoa.net/std/TAP");
            xml.WriteAttributeString("xsi", "type", Xsi, "tr:TableAccess");
            Interface(xml, baseUrl, "base", std: true, version: "1.1");
            xml.WriteStartElement("language");
            xml.WriteElementString("name", "ADQL");
            foreach (var version in new[] { "2.0", "2.1" })
            {
                xml.WriteStartElement("version");
                xml.WriteAttributeString("ivo-id", $"ivo://ivoa.net/std/ADQL#v{version}");
                xml.WriteString(version);
                xml.WriteEndElement();
            }
            xml.WriteElementString("description", "ADQL 2.1 (and 2.0), translated to SQL for the catalogue database.");
            foreach (var (type, forms) in Features)
            {
                xml.WriteStartElement("languageFeatures");
                xml.WriteAttributeString("type", type);
                foreach (var form in forms)
                {
                    xml.WriteStartElement("feature");
                    xml.WriteElementString("form", form);
                    xml.WriteEndElement();
                }
                xml.WriteEndElement();
            }
            xml.WriteEndElement();
            foreach (var (format, aliases) in ResultFormat.Declared)
            {
                xml.WriteStartElement("outputFormat");
                string? id = format.Kind switch
                {
                    ResultFormatKind.VoTable => $"{RegExt}#output-votable-td",
                    ResultFormatKind.VoTableBinary2 => $"{RegExt}#output-votable-binary2",
                    _ => null,
                };
                if (id is not null)
                {
                    xml.WriteAttributeString("ivo-id", id);
                }
                xml.WriteElementString("mime", format.MediaType);
                foreach (var alias in aliases.Where(a => !a.Contains('/', StringComparison.Ordinal) || a.StartsWith("votable", StringComparison.Ordinal)))
                {
                    xml.WriteElementString("alias", alias);
                }
                xml.WriteEndElement();
            }
            foreach (var method in new[] { "inline", "http", "https" })
            {
                xml.WriteStartElement("uploadMethod");
                xml.WriteAttributeString("ivo-id", $"{RegExt}#upload-{method}");
                xml.WriteEndElement();
            }
            xml.WriteStartElement("retentionPeriod");
            xml.WriteElementString("default", (options.JobLifetimeDays * 86400).ToString(CultureInfo.InvariantCulture));
            xml.WriteEndElement();
            xml.WriteStartElement("executionDuration");
            xml.WriteElementString("default", options.AsyncTimeoutSeconds.ToString(CultureInfo.InvariantCulture));
            xml.WriteElementString("hard", options.AsyncMaxTimeoutSeconds.ToString(CultureInfo.InvariantCulture));
            xml.WriteEndElement();
            xml.WriteStartElement("outputLimit");
            Limit(xml, "default", "row", options.DefaultMaxRec);
            Limit(xml, "hard", "row", options.MaxRecLimit);
            xml.WriteEndElement();
            xml.WriteStartElement("uploadLimit");
            Limit(xml, "hard", "byte", options.MaxUploadBytes);
            xml.WriteEndElement();
            xml.WriteEndElement();

            foreach (var (id, path) in new[]
                     {
                         ("ivo://ivoa.net/std/VOSI#capabilities", "capabilities"),
                         ("ivo://ivoa.net/std/VOSI#availability", "availability"),
                         ("ivo://ivoa.net/std/VOSI#tables-1.1", "tables"),
                         ("ivo://ivoa.net/std/DALI#examples", "examples"),
                     })
            {
                xml.WriteStartElement("capability");
                xml.WriteAttributeString("standardID", id);
                Interface(xml, $"{baseUrl}/{path}", "full", std: id.StartsWith("ivo://ivoa.net/std/VOSI", StringComparison.Ordinal));
                xml.WriteEndElement();
            }
            xml.WriteEndElement();
        }
        return Utf8(text);
    }

    private static void Interface(XmlWriter xml, string url, string use, bool std, string? version = null)
    {
        xml.WriteStartElement("interface");
        xml.WriteAttributeString("xsi", "type", Xsi, std ? "vs:ParamHTTP" : "vr:WebBrowser");
        if (std)
        {
            xml.WriteAttributeString("role", "std");
        }
        if (version is not null)
        {
            xml.WriteAttributeString("version", version);
        }
        xml.WriteStartElement("accessURL");
        xml.WriteAttributeString("use", use);
        xml.WriteString(url);
        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    private static void Limit(XmlWriter xml, string name, string unit, long value)
    {
        xml.WriteStartElement(name);
        xml.WriteAttributeString("unit", unit);
        xml.WriteString(value.ToString(CultureInfo.InvariantCulture));
        xml.WriteEndElement();
    }

    /// <summary>The VOSI availability document; its note says how many queries are running.</summary>
    public static string Availability(string? unavailable, DateTime upSince, int running)
    {
        var text = new StringBuilder();
        using (var xml = Create(text))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("vosi", "availability", "http://www.ivoa.net/xml/VOSIAvailability/v1.0");
            xml.WriteElementString("vosi", "available", "http://www.ivoa.net/xml/VOSIAvailability/v1.0", unavailable is null ? "true" : "false");
            if (unavailable is null)
            {
                xml.WriteElementString("vosi", "upSince", "http://www.ivoa.net/xml/VOSIAvailability/v1.0",
                    upSince.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            }
            xml.WriteElementString("vosi", "note", "http://www.ivoa.net/xml/VOSIAvailability/v1.0",
                unavailable is null ? $"Accepting queries; {running} running." : $"Not accepting queries: {unavailable}");
            xml.WriteEndElement();
        }
        return Utf8(text);
    }

    /// <summary>The VOSI 1.1 tableset; <paramref name="detailMin"/> leaves the columns out. With
    /// <paramref name="single"/>, just that table's element (for /tables/NAME).</summary>
    public static string TableSet(IReadOnlyList<PublishedTable> tables, bool detailMin, PublishedTable? single = null)
    {
        var text = new StringBuilder();
        using (var xml = Create(text))
        {
            xml.WriteStartDocument();
            if (single is not null)
            {
                xml.WriteStartElement("vosi", "table", "http://www.ivoa.net/xml/VOSITables/v1.0");
                xml.WriteAttributeString("xmlns", "xsi", null, Xsi);
                xml.WriteAttributeString("xmlns", "vs", null, VoDataService);
                xml.WriteAttributeString("type", single.TableType == "view" ? "view" : "output");
                TableContent(xml, single, detailMin: false);
                xml.WriteEndElement();
                xml.WriteEndDocument();
                xml.Flush();
                return Utf8(text);
            }
            xml.WriteStartElement("vosi", "tableset", "http://www.ivoa.net/xml/VOSITables/v1.0");
            xml.WriteAttributeString("xmlns", "xsi", null, Xsi);
            xml.WriteAttributeString("xmlns", "vs", null, VoDataService);
            foreach (var schema in tables.GroupBy(t => t.Schema))
            {
                xml.WriteStartElement("schema");
                xml.WriteElementString("name", schema.Key);
                foreach (var table in schema)
                {
                    xml.WriteStartElement("table");
                    xml.WriteAttributeString("type", table.TableType == "view" ? "view" : "output");
                    TableContent(xml, table, detailMin);
                    xml.WriteEndElement();
                }
                xml.WriteEndElement();
            }
            xml.WriteEndElement();
        }
        return Utf8(text);
    }

    private static void TableContent(XmlWriter xml, PublishedTable table, bool detailMin)
    {
        xml.WriteElementString("name", table.QualifiedName);
        if (!string.IsNullOrEmpty(table.Description))
        {
            xml.WriteElementString("description", table.Description);
        }
        if (detailMin)
        {
            return;
        }
        foreach (var column in table.Columns)
        {
            xml.WriteStartElement("column");
            if (column.Std)
            {
                xml.WriteAttributeString("std", "true");
            }
            xml.WriteElementString("name", column.DelimitedName);
            if (!string.IsNullOrEmpty(column.Description))
            {
                xml.WriteElementString("description", column.Description);
            }
            if (!string.IsNullOrEmpty(column.Unit))
            {
                xml.WriteElementString("unit", column.Unit);
            }
            if (!string.IsNullOrEmpty(column.Ucd))
            {
                xml.WriteElementString("ucd", column.Ucd);
            }
            if (!string.IsNullOrEmpty(column.Utype))
            {
                xml.WriteElementString("utype", column.Utype);
            }
            xml.WriteStartElement("dataType");
            xml.WriteAttributeString("xsi", "type", Xsi, "vs:VOTableType");
            if (column.Arraysize is not null)
            {
                xml.WriteAttributeString("arraysize", column.Arraysize);
            }
            if (column.Xtype is not null)
            {
                xml.WriteAttributeString("extendedType", column.Xtype);
            }
            xml.WriteString(column.Datatype);
            xml.WriteEndElement();
            if (column.Indexed)
            {
                xml.WriteElementString("flag", "indexed");
            }
            if (column.Principal)
            {
                xml.WriteElementString("flag", "principal");
            }
            xml.WriteEndElement();
        }
        foreach (var key in table.Keys)
        {
            xml.WriteStartElement("foreignKey");
            xml.WriteElementString("targetTable", key.TargetTable);
            foreach (var (from, target) in key.Columns)
            {
                xml.WriteStartElement("fkColumn");
                xml.WriteElementString("fromColumn", from);
                xml.WriteElementString("targetColumn", target);
                xml.WriteEndElement();
            }
            if (key.Description is not null)
            {
                xml.WriteElementString("description", key.Description);
            }
            xml.WriteEndElement();
        }
    }
}
