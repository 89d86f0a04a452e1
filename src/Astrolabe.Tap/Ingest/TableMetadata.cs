using Astrolabe.Tap.Catalog;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Astrolabe.Tap.Ingest;

/// <summary>What an operator adds to a file's own metadata at ingest, from a small YAML file:
/// <code>
/// description: Bright stars of the survey
/// ra: ra_deg            # position columns for the HEALPix index (default: found by UCD or name)
/// dec: dec_deg
/// healpix_order: 10
/// columns:
///   ra_deg: {unit: deg, ucd: "pos.eq.ra;meta.main", description: Right ascension, principal: true}
///   mag_g: {unit: mag, ucd: phot.mag;em.opt.B, indexed: true}
/// </code></summary>
internal sealed class TableMetadata
{
    public string? Description { get; init; }

    public string? RaColumn { get; init; }

    public string? DecColumn { get; init; }

    public int? HealpixOrder { get; init; }

    public Dictionary<string, ColumnMetadata> Columns { get; } = new(StringComparer.OrdinalIgnoreCase);

    public sealed record ColumnMetadata(string? Unit, string? Ucd, string? Description, bool? Principal, bool? Indexed);

    public static TableMetadata Load(string path)
    {
        var yaml = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            yaml.Load(reader);
        }
        catch (YamlException ex)
        {
            throw new TableFormatException($"{Path.GetFileName(path)}, line {ex.Start.Line}: {ex.Message}");
        }
        if (yaml.Documents.Count == 0)
        {
            return new TableMetadata();
        }
        if (yaml.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new TableFormatException($"{Path.GetFileName(path)}: expected a mapping (key: value lines) at the top.");
        }
        string? Scalar(YamlMappingNode node, string key) =>
            node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode s ? s.Value : null;
        bool? Flag(YamlMappingNode node, string key) => Scalar(node, key)?.ToLowerInvariant() switch
        {
            null => null,
            "true" or "yes" or "1" => true,
            "false" or "no" or "0" => false,
            var other => throw new TableFormatException($"{Path.GetFileName(path)}: '{key}: {other}' is not true or false."),
        };
        int? order = null;
        if (Scalar(root, "healpix_order") is { } orderText)
        {
            order = int.TryParse(orderText, out int o) && o is >= 0 and <= 29
                ? o
                : throw new TableFormatException($"{Path.GetFileName(path)}: healpix_order must be an integer from 0 to 29, not '{orderText}'.");
        }
        var metadata = new TableMetadata
        {
            Description = Scalar(root, "description"),
            RaColumn = Scalar(root, "ra"),
            DecColumn = Scalar(root, "dec"),
            HealpixOrder = order,
        };
        if (root.Children.TryGetValue(new YamlScalarNode("columns"), out var columnsNode))
        {
            if (columnsNode is not YamlMappingNode columns)
            {
                throw new TableFormatException($"{Path.GetFileName(path)}: 'columns' must map column names to their metadata.");
            }
            foreach (var (key, value) in columns.Children)
            {
                var name = ((YamlScalarNode)key).Value ?? "";
                if (value is not YamlMappingNode column)
                {
                    throw new TableFormatException($"{Path.GetFileName(path)}: column '{name}' needs a mapping such as {{unit: deg}}.");
                }
                metadata.Columns[name] = new ColumnMetadata(Scalar(column, "unit"), Scalar(column, "ucd"),
                    Scalar(column, "description"), Flag(column, "principal"), Flag(column, "indexed"));
            }
        }
        return metadata;
    }

    /// <summary>The file's columns with this metadata laid over them; unknown column names are an error.</summary>
    public IReadOnlyList<PublishedColumn> Apply(IReadOnlyList<PublishedColumn> columns)
    {
        foreach (var name in Columns.Keys)
        {
            if (!columns.Any(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase)))
            {
                throw new TableFormatException($"the metadata names column '{name}', which the file does not have " +
                                               $"(columns: {string.Join(", ", columns.Select(c => c.Name))}).");
            }
        }
        return columns.Select(c => Columns.TryGetValue(c.Name, out var m)
            ? c with
            {
                Unit = m.Unit ?? c.Unit,
                Ucd = m.Ucd ?? c.Ucd,
                Description = m.Description ?? c.Description,
                Principal = m.Principal ?? c.Principal,
                Indexed = m.Indexed ?? c.Indexed,
            }
            : c).ToList();
    }
}
