namespace Astrolabe.Tap.Adql;

/// <summary>The unit conversions IN_UNIT knows: VOUnit names of common astronomical units, each with its
/// dimension and its factor to the dimension's base unit.</summary>
public static class Units
{
    private static readonly Dictionary<string, (string Dimension, double Factor)> Known = new(StringComparer.Ordinal)
    {
        ["deg"] = ("angle", 1),
        ["arcmin"] = ("angle", 1.0 / 60),
        ["arcsec"] = ("angle", 1.0 / 3600),
        ["mas"] = ("angle", 1.0 / 3_600_000),
        ["uas"] = ("angle", 1.0 / 3_600_000_000),
        ["rad"] = ("angle", 180 / Math.PI),
        ["mrad"] = ("angle", 0.18 / Math.PI),
        ["m"] = ("length", 1),
        ["km"] = ("length", 1000),
        ["cm"] = ("length", 0.01),
        ["mm"] = ("length", 0.001),
        ["um"] = ("length", 1e-6),
        ["nm"] = ("length", 1e-9),
        ["Angstrom"] = ("length", 1e-10),
        ["AU"] = ("length", 1.495978707e11),
        ["au"] = ("length", 1.495978707e11),
        ["pc"] = ("length", 3.0856775814913673e16),
        ["kpc"] = ("length", 3.0856775814913673e19),
        ["Mpc"] = ("length", 3.0856775814913673e22),
        ["lyr"] = ("length", 9.4607304725808e15),
        ["s"] = ("time", 1),
        ["ms"] = ("time", 1e-3),
        ["min"] = ("time", 60),
        ["h"] = ("time", 3600),
        ["d"] = ("time", 86400),
        ["yr"] = ("time", 365.25 * 86400),
        ["a"] = ("time", 365.25 * 86400),
        ["Jy"] = ("flux density", 1),
        ["mJy"] = ("flux density", 1e-3),
        ["uJy"] = ("flux density", 1e-6),
        ["Hz"] = ("frequency", 1),
        ["kHz"] = ("frequency", 1e3),
        ["MHz"] = ("frequency", 1e6),
        ["GHz"] = ("frequency", 1e9),
        ["m/s"] = ("speed", 1),
        ["km/s"] = ("speed", 1000),
        ["km.s-1"] = ("speed", 1000),
        ["m.s-1"] = ("speed", 1),
        ["mas/yr"] = ("angular speed", 1),
        ["mas.yr-1"] = ("angular speed", 1),
        ["arcsec/yr"] = ("angular speed", 1000),
        ["deg/yr"] = ("angular speed", 3_600_000),
        ["kg"] = ("mass", 1),
        ["g"] = ("mass", 1e-3),
        ["solMass"] = ("mass", 1.98840987e30),
        ["K"] = ("temperature", 1),
        ["mag"] = ("magnitude", 1),
    };

    /// <summary>The factor that converts a value in <paramref name="from"/> to <paramref name="to"/>, or an
    /// explanation of why it cannot be converted.</summary>
    public static (double? Factor, string? Problem) Conversion(string from, string to)
    {
        if (from == to)
        {
            return (1, null);
        }
        if (!Known.TryGetValue(from, out var a))
        {
            return (null, $"the unit '{from}' is not one IN_UNIT knows");
        }
        if (!Known.TryGetValue(to, out var b))
        {
            return (null, $"the unit '{to}' is not one IN_UNIT knows");
        }
        if (a.Dimension != b.Dimension)
        {
            return (null, $"'{from}' ({a.Dimension}) cannot be converted to '{to}' ({b.Dimension})");
        }
        return (a.Factor / b.Factor, null);
    }
}
