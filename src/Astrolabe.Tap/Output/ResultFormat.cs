namespace Astrolabe.Tap.Output;

internal enum ResultFormatKind { VoTable, VoTableBinary2, Csv, Tsv, Json }

/// <summary>An output format a TAP request can ask for with FORMAT or RESPONSEFORMAT.</summary>
internal sealed record ResultFormat(ResultFormatKind Kind, string MediaType, string Extension)
{
    public static readonly ResultFormat VoTable =
        new(ResultFormatKind.VoTable, "application/x-votable+xml", "vot");

    public static readonly ResultFormat VoTableBinary2 =
        new(ResultFormatKind.VoTableBinary2, "application/x-votable+xml;serialization=BINARY2", "vot");

    public static readonly ResultFormat Csv = new(ResultFormatKind.Csv, "text/csv;header=present", "csv");

    public static readonly ResultFormat Tsv = new(ResultFormatKind.Tsv, "text/tab-separated-values", "tsv");

    public static readonly ResultFormat Json = new(ResultFormatKind.Json, "application/json", "json");

    /// <summary>The formats listed in /capabilities: media type and short aliases.</summary>
    public static readonly IReadOnlyList<(ResultFormat Format, string[] Aliases)> Declared =
    [
        (VoTable, ["votable", "votable/td", "application/x-votable+xml;serialization=tabledata"]),
        (VoTableBinary2, ["votable/b2", "binary2", "votable/binary2"]),
        (Csv, ["csv", "text/csv"]),
        (Tsv, ["tsv", "text/tsv"]),
        (Json, ["json"]),
    ];

    /// <summary>The format named by a FORMAT/RESPONSEFORMAT value (media type or alias, any case, parameters
    /// and spaces tolerated); null when the value is unknown.</summary>
    public static ResultFormat? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return VoTable;
        }
        var text = value.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant();
        foreach (var (format, aliases) in Declared)
        {
            if (text == format.MediaType.ToLowerInvariant() || aliases.Contains(text))
            {
                return format;
            }
        }
        return text switch
        {
            "application/x-votable+xml" or "text/xml" or "application/xml" or "votable/tabledata"
                or "application/x-votable+xml;serialization=td" => VoTable,
            "application/x-votable+xml;serialization=binary2" or "votable/binary2" => VoTableBinary2,
            "text/csv;header=present" or "text/csv;header=absent" => Csv,
            "text/tab-separated-values" => Tsv,
            "application/json" or "text/json" => Json,
            _ => null,
        };
    }
}
