namespace Astrolabe.Fits;

/// <summary>The celestial reference frame of a WCS (from CTYPE, RADESYS and EQUINOX).</summary>
public enum CelestialFrame
{
    Unknown,
    Icrs,
    Fk5,
    Fk4,
    Galactic,
    Ecliptic,
    SuperGalactic,
}
