using System.Globalization;

namespace Astrolabe.Tap.Adql;

/// <summary>How geometry values are stored and returned: DALI text, numbers in degrees separated by single
/// spaces — point "ra dec", circle "ra dec radius", polygon "ra1 dec1 ra2 dec2 ...". The count of numbers
/// tells the kind apart (2, 3, or an even number of at least 6).</summary>
public static class GeometryText
{
    public static string Format(ReadOnlySpan<double> values)
    {
        var parts = new string[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            parts[i] = values[i].ToString("R", CultureInfo.InvariantCulture);
        }
        return string.Join(' ', parts);
    }

    /// <summary>The numbers of a DALI geometry text, or null when the text is not a list of numbers.</summary>
    public static double[]? Parse(string? text)
    {
        if (text is null)
        {
            return null;
        }
        var parts = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var values = new double[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]))
            {
                return null;
            }
        }
        return values;
    }
}
