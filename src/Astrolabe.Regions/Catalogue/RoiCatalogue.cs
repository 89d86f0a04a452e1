namespace Astrolabe.Regions.Catalogue;

/// <summary>The RoI catalogue's columns, and the choice of writer by file extension.</summary>
public static class RoiCatalogue
{
    /// <summary>The columns, in output order. <c>peak</c> and <c>flux</c> get their unit from the rows (see <see cref="ColumnsFor"/>).</summary>
    public static IReadOnlyList<CatalogueColumn> Columns { get; } =
    [
        CatalogueColumn.String("file", "meta.id;meta.file", "Cube the region was found in (path as given to the pipeline)", r => r.File),
        CatalogueColumn.Integer("roi", "", "meta.id", "Region number within its cube (1-based, in scan order)", r => r.Roi),
        CatalogueColumn.Real("ra", "deg", "pos.eq.ra;meta.main", "Right ascension of the intensity-weighted centroid (frame of the cube)", r => r.Ra),
        CatalogueColumn.Real("dec", "deg", "pos.eq.dec;meta.main", "Declination of the intensity-weighted centroid", r => r.Dec),
        CatalogueColumn.Real("freq_min", "Hz", "em.freq;stat.min", "Lowest frequency covered (edge of the region's outermost channel)", r => r.FreqMin),
        CatalogueColumn.Real("freq_max", "Hz", "em.freq;stat.max", "Highest frequency covered (edge of the region's outermost channel)", r => r.FreqMax),
        CatalogueColumn.Real("vrad_min", "km/s", "spect.dopplerVeloc.radio;stat.min", "Lowest radio velocity covered, relative to RESTFRQ", r => r.VradMin),
        CatalogueColumn.Real("vrad_max", "km/s", "spect.dopplerVeloc.radio;stat.max", "Highest radio velocity covered, relative to RESTFRQ", r => r.VradMax),
        CatalogueColumn.Real("peak", "", "phot.flux.density;stat.max", "Peak intensity in the region (unit in peak_unit)", r => r.Peak),
        CatalogueColumn.String("peak_unit", "meta.unit", "Unit of peak (the cube's BUNIT)", r => r.PeakUnit),
        CatalogueColumn.Real("flux", "", "phot.flux", "Integrated intensity over the region's voxels: sum / beam area x channel width (unit in flux_unit)", r => r.Flux),
        CatalogueColumn.String("flux_unit", "meta.unit", "Unit of flux", r => r.FluxUnit),
        CatalogueColumn.Real("snr", "", "stat.snr", "Integrated S/N: summed S/N over sqrt(voxels x min(beam area, footprint))", r => r.Snr),
        CatalogueColumn.Real("peak_snr", "", "stat.snr;stat.max", "Largest single-voxel S/N in the region", r => r.PeakSnr),
        CatalogueColumn.Real("noise", "", "stat.stdev;phot.flux.density", "Typical noise of the cube (median channel MAD sigma), unit of peak", r => r.Noise),
        CatalogueColumn.Integer("area_pix", "pix", "phys.angArea;instr.pixel", "Projected area: sky pixels covered in any channel", r => r.AreaPix),
        CatalogueColumn.Real("area_arcsec2", "arcsec**2", "phys.angArea", "Projected area on the sky", r => r.AreaArcsec2),
        CatalogueColumn.Real("major_arcsec", "arcsec", "phys.angSize.smajAxis", "Major axis FWHM from intensity-weighted second moments (2 x semi-major axis at half maximum)", r => r.MajorArcsec),
        CatalogueColumn.Real("minor_arcsec", "arcsec", "phys.angSize.sminAxis", "Minor axis FWHM from intensity-weighted second moments (2 x semi-minor axis at half maximum)", r => r.MinorArcsec),
        CatalogueColumn.Real("pa_deg", "deg", "pos.posAng", "Position angle of the major axis, east of north, 0..180", r => r.PaDeg),
        CatalogueColumn.Real("eccentricity", "", "src.ellipticity", "Eccentricity sqrt(1 - minor^2/major^2) of the moment ellipse", r => r.Eccentricity),
        CatalogueColumn.Real("solidity", "", "src.morph.param", "Projected area over the area of its convex hull", r => r.Solidity),
        CatalogueColumn.Integer("voxels", "", "meta.number", "Voxels in the region", r => r.Voxels),
        CatalogueColumn.Real("x", "pix", "pos.cartesian.x;instr.pixel", "Centroid, 0-based pixel along NAXIS1", r => r.X),
        CatalogueColumn.Real("y", "pix", "pos.cartesian.y;instr.pixel", "Centroid, 0-based pixel along NAXIS2", r => r.Y),
        CatalogueColumn.Real("channel", "", "pos.cartesian.z;instr.pixel", "Centroid, 0-based channel", r => r.Channel),
        CatalogueColumn.Integer("x_min", "pix", "pos.cartesian.x;instr.pixel;stat.min", "Bounding box, first 0-based pixel along NAXIS1", r => r.XMin),
        CatalogueColumn.Integer("x_max", "pix", "pos.cartesian.x;instr.pixel;stat.max", "Bounding box, last 0-based pixel along NAXIS1", r => r.XMax),
        CatalogueColumn.Integer("y_min", "pix", "pos.cartesian.y;instr.pixel;stat.min", "Bounding box, first 0-based pixel along NAXIS2", r => r.YMin),
        CatalogueColumn.Integer("y_max", "pix", "pos.cartesian.y;instr.pixel;stat.max", "Bounding box, last 0-based pixel along NAXIS2", r => r.YMax),
        CatalogueColumn.Integer("chan_min", "", "pos.cartesian.z;instr.pixel;stat.min", "Bounding box, first 0-based channel", r => r.ChanMin),
        CatalogueColumn.Integer("chan_max", "", "pos.cartesian.z;instr.pixel;stat.max", "Bounding box, last 0-based channel", r => r.ChanMax),
    ];

    /// <summary>The columns with <c>peak</c>, <c>noise</c> and <c>flux</c> carrying a unit when every row agrees on it.</summary>
    public static IReadOnlyList<CatalogueColumn> ColumnsFor(IReadOnlyList<RegionOfInterest> rows)
    {
        string? peakUnit = Common(rows, r => r.PeakUnit);
        string? fluxUnit = Common(rows, r => r.FluxUnit);
        var columns = new List<CatalogueColumn>(Columns.Count);
        foreach (var c in Columns)
        {
            columns.Add(c.Name switch
            {
                "peak" or "noise" when peakUnit is not null => c.WithUnit(VoUnit(peakUnit)),
                "flux" when fluxUnit is not null => c.WithUnit(VoUnit(fluxUnit)),
                _ => c,
            });
        }
        return columns;
    }

    /// <summary>CASA writes "Jy/beam" (and sometimes "JY/BEAM"); VOUnit spells the beam "beam".</summary>
    public static string VoUnit(string unit) =>
        unit.Replace(" ", "").Replace("JY", "Jy").Replace("BEAM", "beam").Replace("Beam", "beam").Replace("KM/S", "km/s");

    /// <summary>Writes <paramref name="rows"/> in the format named by the extension of <paramref name="path"/>
    /// (.vot/.xml VOTable, .csv, .fits/.fit/.fts FITS binary table), atomically: a reader never sees half a file.</summary>
    public static void Write(string path, IReadOnlyList<RegionOfInterest> rows)
    {
        var format = FormatOf(path);
        string temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            switch (format)
            {
                case CatalogueFormat.VoTable:
                    VoTableWriter.Write(stream, rows, ColumnsFor(rows));
                    break;
                case CatalogueFormat.Csv:
                    CsvCatalogueWriter.Write(stream, rows, ColumnsFor(rows));
                    break;
                default:
                    FitsCatalogueWriter.Write(stream, rows, ColumnsFor(rows));
                    break;
            }
        }
        File.Move(temporary, path, overwrite: true);
    }

    public static CatalogueFormat FormatOf(string path)
    {
        string name = path.ToLowerInvariant();
        if (name.EndsWith(".vot") || name.EndsWith(".xml") || name.EndsWith(".votable")) return CatalogueFormat.VoTable;
        if (name.EndsWith(".csv")) return CatalogueFormat.Csv;
        if (name.EndsWith(".fits") || name.EndsWith(".fit") || name.EndsWith(".fts")) return CatalogueFormat.Fits;
        throw new ArgumentException($"Cannot tell the catalogue format from '{path}': use .vot, .csv or .fits.");
    }

    private static string? Common(IReadOnlyList<RegionOfInterest> rows, Func<RegionOfInterest, string> unit)
    {
        string? common = null;
        foreach (var r in rows)
        {
            string u = unit(r);
            if (common is null) common = u;
            else if (common != u) return null;
        }
        return common;
    }
}

public enum CatalogueFormat
{
    VoTable,
    Csv,
    Fits,
}
