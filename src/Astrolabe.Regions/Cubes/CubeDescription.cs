using Astrolabe.Fits;

namespace Astrolabe.Regions.Cubes;

/// <summary>What a cube's header says about its pixels: world coordinates, brightness unit and beam.</summary>
/// <param name="Wcs">Pixel ↔ world; its axes are the file's axes (celestial first two, then the spectral axis if any).</param>
/// <param name="SpectralAxis">0-based axis index of the cube's channel axis in the file, or -1 for an image.</param>
/// <param name="Channels">Length of the channel axis (1 for an image).</param>
/// <param name="BrightnessUnit">BUNIT as written (e.g. "Jy/beam"), or "" when absent.</param>
/// <param name="BeamMajorArcsec">BMAJ in arcsec, or NaN when the header has no beam.</param>
public sealed record CubeDescription(
    Wcs Wcs,
    int SpectralAxis,
    int Channels,
    string BrightnessUnit,
    double BeamMajorArcsec,
    double BeamMinorArcsec,
    double BeamPaDeg)
{
    public bool HasBeam => BeamMajorArcsec > 0 && BeamMinorArcsec > 0;

    /// <summary>Is the brightness per beam (Jy/beam and friends), so that a sum over pixels must be divided by the beam area?</summary>
    public bool IsPerBeam => BrightnessUnit.Replace(" ", "").Contains("/beam", StringComparison.OrdinalIgnoreCase);

    /// <summary>Beam solid angle in pixels (π/(4 ln 2)·BMAJ·BMIN over the pixel area), or NaN without a beam.</summary>
    public double BeamAreaPixels => HasBeam && Wcs.PixelAreaArcsec2 > 0
        ? Math.PI / (4 * Math.Log(2)) * BeamMajorArcsec * BeamMinorArcsec / Wcs.PixelAreaArcsec2
        : double.NaN;

    /// <summary>The unit of a sum over pixels once divided by the beam: "Jy/beam" → "Jy".</summary>
    public string SpatiallyIntegratedUnit
    {
        get
        {
            if (!IsPerBeam || !HasBeam)
            {
                return BrightnessUnit.Length == 0 ? "" : BrightnessUnit + ".pix";
            }
            string unit = BrightnessUnit.Replace(" ", "");
            int at = unit.IndexOf("/beam", StringComparison.OrdinalIgnoreCase);
            return unit.Remove(at, "/beam".Length);
        }
    }

    /// <summary>Reads the description from an image header.</summary>
    public static CubeDescription FromHeader(Header header)
    {
        var wcs = Wcs.FromHeader(header);
        double bmaj = header.GetDouble("BMAJ", double.NaN) * 3600;
        double bmin = header.GetDouble("BMIN", double.NaN) * 3600;
        double bpa = header.GetDouble("BPA", 0);
        string unit = header.GetString("BUNIT", null)?.Trim() ?? "";
        int naxis = header.GetInt("NAXIS", 0);
        int spectral = wcs.SpectralAxis >= 2 ? wcs.SpectralAxis : -1;
        if (spectral < 0)
        {
            // No recognised spectral CTYPE: the first non-degenerate axis beyond the celestial pair holds the channels.
            for (int axis = 2; axis < naxis; axis++)
            {
                if (header.GetLong($"NAXIS{axis + 1}", 1) > 1)
                {
                    spectral = axis;
                    break;
                }
            }
        }
        int channels = spectral >= 0 ? (int)Math.Min(int.MaxValue, header.GetLong($"NAXIS{spectral + 1}", 1)) : 1;
        return new CubeDescription(wcs, spectral, channels, unit, bmaj, bmin, bpa);
    }
}
