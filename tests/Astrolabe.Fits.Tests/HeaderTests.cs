using System.Text;

namespace Astrolabe.Fits.Tests;

/// <summary>Header building, serialising and parsing on their own (astropy agreement is in the other test classes).</summary>
public sealed class HeaderTests
{
    [Theory]
    [InlineData(0.0, "0.0")]
    [InlineData(1.0, "1.0")]
    [InlineData(-2.5e-30, "-2.5E-30")]
    [InlineData(1e21, "1.0E+21")]
    [InlineData(229763161321.4, "229763161321.4")]
    public void Reals_are_written_with_a_decimal_point_and_round_trip(double value, string text)
    {
        Assert.Equal(text, Card.FormatReal(value));
        var header = new Header();
        header.Set("X", value);
        Assert.Equal(value, Header.Parse(header.ToBytes()).GetDouble("X"));
    }

    [Fact]
    public void Long_strings_with_quotes_at_every_position_round_trip()
    {
        // Quotes land on every possible CONTINUE boundary somewhere in this sweep.
        for (var shift = 0; shift < 70; shift++)
        {
            var value = new string('x', shift) + string.Concat(Enumerable.Repeat("it's a 'quoted' & long text ", 8));
            value = value.TrimEnd();
            var header = new Header();
            header.Set("LONG", value, "a comment");
            var bytes = header.ToBytes();
            Assert.Equal(0, bytes.Length % 2880);
            var parsed = Header.Parse(bytes);
            Assert.Equal(value, parsed.GetString("LONG"));
            Assert.Equal("a comment", parsed["LONG"]!.Comment);
        }
    }

    [Fact]
    public void Short_keywords_are_upper_cased_and_long_ones_become_hierarch()
    {
        var header = new Header();
        header.Set("object", "M31");
        header.Set("ESO TEL AIRM START", 1.25);
        var text = Encoding.ASCII.GetString(header.ToBytes());
        Assert.StartsWith("OBJECT  = 'M31     '", text);
        Assert.Contains("HIERARCH ESO TEL AIRM START = 1.25", text);
        Assert.Equal("M31", header.GetString("OBJECT"));
    }

    [Fact]
    public void Non_ascii_text_and_bad_keywords_are_refused_when_building()
    {
        var header = new Header();
        Assert.Throws<ArgumentException>(() => header.Set("OBJECT", "Ørsted"));
        Assert.Throws<ArgumentException>(() => new Card("BAD=KEY", CardValueKind.Integer, "1", null));
        Assert.Throws<ArgumentException>(() => header.Set("X", double.NaN));
    }

    [Fact]
    public void Typed_lookups_report_the_wrong_type_with_the_card()
    {
        var header = new Header();
        header.Set("NAME", "value");
        header.Set("COUNT", 3L);
        header.Set("RATIO", 2.5);
        var parsed = Header.Parse(header.ToBytes());
        var e = Assert.Throws<FitsFormatException>(() => parsed.GetDouble("NAME"));
        Assert.Equal(1, e.CardNumber);
        Assert.Contains("should be a number", e.Message);
        Assert.Throws<FitsFormatException>(() => parsed.GetLong("RATIO"));
        Assert.Equal(3.0, parsed.GetDouble("COUNT"));
        Assert.Equal(7, parsed.GetInt("MISSING", 7));
        Assert.False(parsed.TryGetInt("NAME", out _));
        Assert.Throws<FitsFormatException>(() => parsed.GetString("MISSING"));
    }

    [Fact]
    public void Set_replaces_and_remove_deletes()
    {
        var header = new Header();
        header.Set("A", 1L);
        header.Set("B", 2L);
        header.Set("A", 3L, "changed");
        Assert.Equal(2, header.Count);
        Assert.Equal(3, header.GetLong("A"));
        Assert.Equal(1, header.Remove("A"));
        Assert.False(header.Contains("A"));
        Assert.Equal(2, header.GetLong("B"));
    }
}
