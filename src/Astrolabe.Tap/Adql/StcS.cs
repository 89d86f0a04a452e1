using System.Globalization;

namespace Astrolabe.Tap.Adql;

/// <summary>The small part of STC-S that REGION('...') accepts: POSITION, CIRCLE, BOX and POLYGON with an
/// optional frame/reference words, coordinates in degrees.</summary>
internal static class StcS
{
    public static (AdqlType Type, double[] Values) Parse(string text, Position at)
    {
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
        {
            throw new AdqlException("REGION needs an STC-S shape such as 'CIRCLE ICRS 10 20 1'", at.Line, at.Column);
        }
        string shape = words[0].ToUpperInvariant();
        var numbers = new List<double>();
        foreach (var w in words.Skip(1))
        {
            if (double.TryParse(w, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
            {
                numbers.Add(v);
            }
            else if (numbers.Count > 0)
            {
                throw new AdqlException($"REGION: unexpected '{w}' among the coordinates of {shape}", at.Line, at.Column);
            }
        }
        switch (shape)
        {
            case "POSITION" when numbers.Count == 2:
                return (AdqlType.Point, numbers.ToArray());
            case "CIRCLE" when numbers.Count == 3:
                return (AdqlType.Circle, numbers.ToArray());
            case "BOX" when numbers.Count == 4:
                return (AdqlType.Polygon, BoxCorners(numbers[0], numbers[1], numbers[2], numbers[3]));
            case "POLYGON" when numbers.Count >= 6 && numbers.Count % 2 == 0:
                return (AdqlType.Polygon, numbers.ToArray());
            default:
                throw new AdqlException(
                    $"REGION: '{text}' is not a supported STC-S shape (POSITION ra dec, CIRCLE ra dec r, BOX ra dec w h, POLYGON ra1 dec1 ...)",
                    at.Line, at.Column);
        }
    }

    /// <summary>The corners of a box centred on (ra, dec), width along RA and height along Dec, in degrees.</summary>
    public static double[] BoxCorners(double ra, double dec, double width, double height)
    {
        double cosDec = Math.Cos(dec * Math.PI / 180);
        double dra = cosDec > 1e-12 ? width / 2 / cosDec : 180;
        double dh = height / 2;
        return [ra - dra, dec - dh, ra + dra, dec - dh, ra + dra, dec + dh, ra - dra, dec + dh];
    }
}
