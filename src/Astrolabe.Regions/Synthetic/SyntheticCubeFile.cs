using System.Globalization;
using System.Text;
using Astrolabe.Fits;

namespace Astrolabe.Regions.Synthetic;

/// <summary>Writes synthetic cubes as ALMA-like FITS files (4-D, degenerate Stokes, SIN projection, FREQ axis, Jy/beam)
/// and their sources as a truth table.</summary>
public static class SyntheticCubeFile
{
    /// <summary>The FITS header describing <paramref name="synthetic"/>.</summary>
    public static Header CreateHeader(SyntheticCube synthetic)
    {
        var spec = synthetic.Spec;
        var h = new Header();
        h.Set("BMAJ", spec.BeamMajorPixels * spec.PixelArcsec / 3600, "beam major axis FWHM (deg)");
        h.Set("BMIN", spec.BeamMinorPixels * spec.PixelArcsec / 3600, "beam minor axis FWHM (deg)");
        h.Set("BPA", spec.BeamPaDeg, "beam position angle (deg)");
        h.Set("BTYPE", "Intensity");
        h.Set("OBJECT", $"synthetic-{spec.Seed}");
        h.Set("BUNIT", "Jy/beam", "brightness unit");
        h.Set("RADESYS", "ICRS");
        h.Set("LONPOLE", 180.0);
        h.Set("LATPOLE", synthetic.DecDeg);
        SetAxis(h, 1, "RA---SIN", synthetic.RaDeg, -spec.PixelArcsec / 3600, synthetic.ReferencePixelX + 1, "deg");
        SetAxis(h, 2, "DEC--SIN", synthetic.DecDeg, spec.PixelArcsec / 3600, synthetic.ReferencePixelY + 1, "deg");
        SetAxis(h, 3, "FREQ", spec.RestFrequencyHz, spec.ChannelWidthHz, synthetic.ReferenceChannel + 1, "Hz");
        SetAxis(h, 4, "STOKES", 1.0, 1.0, 1.0, "");
        h.Set("RESTFRQ", spec.RestFrequencyHz, "rest frequency (Hz)");
        h.Set("SPECSYS", "LSRK");
        h.Set("TELESCOP", "ALMA", "synthetic: modelled on ALMA");
        h.Set("ORIGIN", "Astrolabe");
        h.AddHistory($"Synthetic cube: {synthetic.Sources.Count} Gaussian sources, noise {spec.NoiseJyPerBeam:G4} Jy/beam, seed {spec.Seed}.");
        h.AddHistory($"Primary-beam corrected; blanked where the primary beam response is below {spec.PrimaryBeamCutoff:G3}.");
        return h;
    }

    /// <summary>Writes the cube as a 4-D float32 FITS file (NAXIS4 = 1, Stokes I).</summary>
    public static void Write(SyntheticCube synthetic, string path)
    {
        var cube = synthetic.Cube;
        using var writer = FitsWriter.Create(path);
        writer.WriteImage(cube.Data, [cube.Width, cube.Height, cube.Channels, 1], CreateHeader(synthetic));
    }

    /// <summary>The CSV header line of a truth table.</summary>
    public const string TruthColumns =
        "file,id,x,y,channel,ra,dec,freq,line_fwhm_chan,line_fwhm_kms,peak,flux,major_arcsec,minor_arcsec,pa_deg," +
        "intrinsic_major_arcsec,intrinsic_minor_arcsec,pb_response,footprint_pix,snr";

    /// <summary>Appends one CSV line per source (positions through the cube's own WCS).</summary>
    public static void AppendTruth(SyntheticCube synthetic, string fileName, StringBuilder csv)
    {
        var spec = synthetic.Spec;
        var wcs = Wcs.FromHeader(WithAxes(CreateHeader(synthetic), synthetic));
        var inv = CultureInfo.InvariantCulture;
        foreach (var s in synthetic.Sources)
        {
            var (ra, dec) = wcs.PixelToCelestial(s.X, s.Y);
            double freq = synthetic.FrequencyHz(s.Channel);
            csv.Append(inv, $"{fileName},{s.Id},{s.X:R},{s.Y:R},{s.Channel:R},{ra:R},{dec:R},{freq:R},{s.LineFwhmChannels:R},")
               .Append(inv, $"{s.LineFwhmChannels * synthetic.ChannelWidthKmS:R},{s.PeakJyPerBeam:R},{s.FluxJyKmS:R},")
               .Append(inv, $"{s.MajorFwhmPixels * spec.PixelArcsec:R},{s.MinorFwhmPixels * spec.PixelArcsec:R},{s.PaDeg:R},")
               .Append(inv, $"{s.IntrinsicMajorFwhmPixels * spec.PixelArcsec:R},{s.IntrinsicMinorFwhmPixels * spec.PixelArcsec:R},")
               .Append(inv, $"{s.PrimaryBeamResponse:R},{s.FootprintPixels},{s.IntegratedSnr:R}\n");
        }
    }

    private static Header WithAxes(Header header, SyntheticCube synthetic)
    {
        header.Set("NAXIS", 4L);
        header.Set("NAXIS1", (long)synthetic.Cube.Width);
        header.Set("NAXIS2", (long)synthetic.Cube.Height);
        header.Set("NAXIS3", (long)synthetic.Cube.Channels);
        header.Set("NAXIS4", 1L);
        return header;
    }

    private static void SetAxis(Header h, int axis, string ctype, double crval, double cdelt, double crpix, string cunit)
    {
        h.Set($"CTYPE{axis}", ctype);
        h.Set($"CRVAL{axis}", crval);
        h.Set($"CDELT{axis}", cdelt);
        h.Set($"CRPIX{axis}", crpix);
        if (cunit.Length > 0)
        {
            h.Set($"CUNIT{axis}", cunit);
        }
    }
}
