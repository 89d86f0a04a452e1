using System.Globalization;

namespace Astrolabe.Regions.Tests;

/// <summary>Reads a catalogue CSV the pipeline wrote (header line + rows; no quoted commas in test data).</summary>
public sealed class CsvTable
{
    private readonly Dictionary<string, int> _index = new();

    public CsvTable(string path)
    {
        var lines = File.ReadAllLines(path);
        Columns = lines[0].Split(',');
        for (int i = 0; i < Columns.Length; i++) _index[Columns[i]] = i;
        Rows = lines.Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')).ToList();
    }

    public string[] Columns { get; }
    public List<string[]> Rows { get; }

    public string Text(string[] row, string column) => row[_index[column]];

    public double Number(string[] row, string column) =>
        row[_index[column]].Length == 0 ? double.NaN : double.Parse(row[_index[column]], CultureInfo.InvariantCulture);
}
