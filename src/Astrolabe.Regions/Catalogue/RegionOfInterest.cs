using Astrolabe.Fits;
using Astrolabe.Regions.Cubes;
using Astrolabe.Regions.Detection;

namespace Astrolabe.Regions.Catalogue;

/// <summary>One row of the RoI catalogue: a detected region described in world coordinates and physical units.</summary>
/// <remarks>Pixel and channel numbers are 0-based (FITS pixel = value + 1). Sizes come from intensity-weighted second
/// moments: <see cref="MajorArcsec"/> and <see cref="MinorArcsec"/> are the full widths at half maximum of the
/// equivalent Gaussian (2√(2 ln 2) σ), i.e. twice the semi-axes at half maximum.</remarks>
public sealed record RegionOfInterest
{
    public required string File { get; init; }
    public required int Roi { get; init; }
    public double Ra { get; init; }
    public double Dec { get; init; }
    public double FreqMin { get; init; }
    public double FreqMax { get; init; }
    public double VradMin { get; init; }
    public double VradMax { get; init; }
    public double Peak { get; init; }
    public string PeakUnit { get; init; } = "";
    public double Flux { get; init; }
    public string FluxUnit { get; init; } = "";
    public double Snr { get; init; }
    public double PeakSnr { get; init; }
    public double Noise { get; init; }
    public int AreaPix { get; init; }
    public double AreaArcsec2 { get; init; }
    public double MajorArcsec { get; init; }
    public double MinorArcsec { get; init; }
    public double PaDeg { get; init; }
    public double Eccentricity { get; init; }
    public double Solidity { get; init; }
    public int Voxels { get; init; }
    public double X { get; init; }
    public double Y { get; init; }
    public double Channel { get; init; }
    public int XMin { get; init; }
    public int XMax { get; init; }
    public int YMin { get; init; }
    public int YMax { get; init; }
    public int ChanMin { get; init; }
    public int ChanMax { get; init; }

    private const double FwhmPerSigma = 2.3548200450309493;

    /// <summary>Describes <paramref name="region"/> of a cube with the given header facts.</summary>
    /// <param name="noise">The cube's typical noise, in its brightness unit.</param>
    public static RegionOfInterest Measure(DetectedRegion region, CubeDescription description, string file, int id, double noise)
    {
        var wcs = description.Wcs;
        double ra = double.NaN, dec = double.NaN, areaArcsec2 = double.NaN, major = double.NaN, minor = double.NaN, pa = double.NaN;
        var (majorPixels, minorPixels, _) = PrincipalAxes(region.MomentXX, region.MomentYY, region.MomentXY);
        if (wcs.HasCelestial)
        {
            (ra, dec) = wcs.PixelToCelestial(region.CentroidX, region.CentroidY);
            // Local Jacobian (arcsec of east and north offset per pixel) carries the moments onto the sky, whatever the
            // projection, pixel scale or rotation.
            var (ex, nx) = Offset(wcs, region.CentroidX, region.CentroidY, 1, 0, ra, dec);
            var (ey, ny) = Offset(wcs, region.CentroidX, region.CentroidY, 0, 1, ra, dec);
            double sxx = ex * ex * region.MomentXX + 2 * ex * ey * region.MomentXY + ey * ey * region.MomentYY;
            double snn = nx * nx * region.MomentXX + 2 * nx * ny * region.MomentXY + ny * ny * region.MomentYY;
            double sxn = ex * nx * region.MomentXX + (ex * ny + ey * nx) * region.MomentXY + ey * ny * region.MomentYY;
            double mean = 0.5 * (sxx + snn), diff = Math.Sqrt(0.25 * (sxx - snn) * (sxx - snn) + sxn * sxn);
            major = FwhmPerSigma * Math.Sqrt(Math.Max(0, mean + diff));
            minor = FwhmPerSigma * Math.Sqrt(Math.Max(0, mean - diff));
            // Major-axis direction in (east, north); PA is measured from north through east.
            double angle = 0.5 * Math.Atan2(2 * sxn, sxx - snn);
            pa = Math.Atan2(Math.Cos(angle), Math.Sin(angle)) * 180 / Math.PI;
            pa = ((pa % 180) + 180) % 180;
            areaArcsec2 = region.AreaPixels * Math.Abs(ex * ny - ey * nx);
        }

        double freqMin = double.NaN, freqMax = double.NaN, vMin = double.NaN, vMax = double.NaN, channelWidthKmS = double.NaN, channelWidthHz = double.NaN;
        if (wcs.SpectralAxis >= 2 && wcs.SpectralAxis == description.SpectralAxis)
        {
            // Channel edges, so that a line anywhere inside the region's first or last channel is inside the range.
            double fa = wcs.PixelToFrequency(region.MinChannel - 0.5), fb = wcs.PixelToFrequency(region.MaxChannel + 0.5);
            freqMin = Math.Min(fa, fb);
            freqMax = Math.Max(fa, fb);
            channelWidthHz = Math.Abs(wcs.PixelToFrequency(region.CentroidChannel + 0.5) - wcs.PixelToFrequency(region.CentroidChannel - 0.5));
            if (wcs.RestFrequencyHz > 0)
            {
                double va = Spectral.RadioVelocity(fa, wcs.RestFrequencyHz) / 1000, vb = Spectral.RadioVelocity(fb, wcs.RestFrequencyHz) / 1000;
                vMin = Math.Min(va, vb);
                vMax = Math.Max(va, vb);
                channelWidthKmS = channelWidthHz / wcs.RestFrequencyHz * Spectral.C / 1000;
            }
        }

        // Integrated intensity: sum over voxels, per beam → per source, times the channel width.
        double flux = region.SumIntensity;
        string fluxUnit = description.SpatiallyIntegratedUnit;
        if (description.IsPerBeam && description.HasBeam)
        {
            flux /= description.BeamAreaPixels;
        }
        // A one-channel cube is an image (continuum): its sum is already a flux density.
        bool spectral = description.Channels > 1;
        if (spectral && !double.IsNaN(channelWidthKmS))
        {
            flux *= channelWidthKmS;
            fluxUnit = Join(fluxUnit, "km/s");
        }
        else if (spectral && !double.IsNaN(channelWidthHz))
        {
            flux *= channelWidthHz;
            fluxUnit = Join(fluxUnit, "Hz");
        }
        else if (spectral)
        {
            fluxUnit = Join(fluxUnit, "chan");
        }

        double eccentricity = majorPixels > 0 ? Math.Sqrt(Math.Max(0, 1 - minorPixels * minorPixels / (majorPixels * majorPixels))) : 0;
        return new RegionOfInterest
        {
            File = file,
            Roi = id,
            Ra = ra,
            Dec = dec,
            FreqMin = freqMin,
            FreqMax = freqMax,
            VradMin = vMin,
            VradMax = vMax,
            Peak = region.PeakIntensity,
            PeakUnit = RoiCatalogue.VoUnit(description.BrightnessUnit),
            Flux = flux,
            FluxUnit = RoiCatalogue.VoUnit(fluxUnit),
            Snr = region.IntegratedSnr,
            PeakSnr = region.PeakSnr,
            Noise = noise,
            AreaPix = region.AreaPixels,
            AreaArcsec2 = areaArcsec2,
            MajorArcsec = major,
            MinorArcsec = minor,
            PaDeg = pa,
            Eccentricity = eccentricity,
            Solidity = region.Solidity,
            Voxels = region.Voxels,
            X = region.CentroidX,
            Y = region.CentroidY,
            Channel = region.CentroidChannel,
            XMin = region.MinX,
            XMax = region.MaxX,
            YMin = region.MinY,
            YMax = region.MaxY,
            ChanMin = region.MinChannel,
            ChanMax = region.MaxChannel,
        };
    }

    /// <summary>Principal sigmas (pixels) and angle of a pixel covariance; the angle is from +x towards +y, radians.</summary>
    public static (double Major, double Minor, double Angle) PrincipalAxes(double xx, double yy, double xy)
    {
        double mean = 0.5 * (xx + yy), diff = Math.Sqrt(0.25 * (xx - yy) * (xx - yy) + xy * xy);
        return (Math.Sqrt(Math.Max(0, mean + diff)), Math.Sqrt(Math.Max(0, mean - diff)), 0.5 * Math.Atan2(2 * xy, xx - yy));
    }

    /// <summary>East and north offsets (arcsec) of a one-pixel step (dx, dy) from (x, y), by central difference.</summary>
    private static (double East, double North) Offset(Wcs wcs, double x, double y, double dx, double dy, double ra0, double dec0)
    {
        var (raA, decA) = wcs.PixelToCelestial(x - 0.5 * dx, y - 0.5 * dy);
        var (raB, decB) = wcs.PixelToCelestial(x + 0.5 * dx, y + 0.5 * dy);
        double dRa = raB - raA;
        if (dRa > 180) dRa -= 360;
        if (dRa < -180) dRa += 360;
        return (dRa * Math.Cos(dec0 * Math.PI / 180) * 3600, (decB - decA) * 3600);
    }

    private static string Join(string unit, string factor) => unit.Length == 0 ? factor : unit + "." + factor;
}
