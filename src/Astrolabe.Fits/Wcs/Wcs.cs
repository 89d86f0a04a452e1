using System.Globalization;

namespace Astrolabe.Fits;

/// <summary>
/// A FITS world coordinate system (Greisen &amp; Calabretta 2002; Calabretta &amp; Greisen 2002; Greisen et al. 2006):
/// pixel ↔ world for celestial axes (a projection and a spherical rotation) and linear axes (spectral, Stokes, ...).
/// Pixel coordinates here are 0-based array indices (the centre of the first pixel is 0; FITS's 1-based pixel
/// coordinate is this + 1). World values: celestial in degrees; spectral in SI units (Hz, m/s, m); other axes in
/// their CUNIT.
/// </summary>
public sealed class Wcs
{
    private const double D2R = Math.PI / 180.0;
    private const double R2D = 180.0 / Math.PI;

    private readonly double[] _crpix;
    private readonly double[] _crval;
    private readonly double[,] _matrix;   // intermediate = matrix · (p - crpix), units already SI/degrees
    private readonly double[,] _inverse;
    private readonly double _alphaP, _deltaP, _phiP;
    private readonly double _phi0, _theta0, _x0, _y0;
    private readonly IReadOnlyDictionary<int, double> _lonPv = new Dictionary<int, double>();
    private SpectralAlgorithm? _spectralAlgorithm;
    private IReadOnlyDictionary<int, double> _pv = new Dictionary<int, double>();

    private Wcs(int naxis, string[] ctype, string[] cunit, double[] crpix, double[] crval, double[,] matrix,
        int lon, int lat, Projection? projection, double lonpole, double latpole, CelestialFrame frame, double? equinox,
        int spectral, SpectralKind? spectralKind, double restFrequency, string? specsys, IReadOnlyDictionary<int, double> lonPv)
    {
        NAxis = naxis;
        CType = ctype;
        CUnit = cunit;
        _crpix = crpix;
        _crval = crval;
        _matrix = matrix;
        _inverse = Invert(matrix);
        LongitudeAxis = lon;
        LatitudeAxis = lat;
        Projection = projection;
        Frame = frame;
        Equinox = equinox;
        SpectralAxis = spectral;
        SpectralKind = spectralKind;
        RestFrequencyHz = restFrequency;
        SpectralReferenceFrame = specsys;
        if (projection is not null)
        {
            // The fiducial point: (φ0, θ0) from PVi_1, PVi_2 of the longitude axis, else the projection's own; with
            // PVi_0 = 1 the projection plane is also offset so the fiducial point is at (x, y) = (0, 0).
            _lonPv = lonPv;
            _phi0 = lonPv.TryGetValue(1, out var phi0) ? phi0 : 0.0;
            _theta0 = lonPv.TryGetValue(2, out var theta0) ? theta0 : projection.Theta0;
            if (lonPv.TryGetValue(0, out var flag) && flag != 0 && !projection.Project(_phi0, _theta0, out _x0, out _y0))
                throw new FitsFormatException($"The fiducial point (φ0, θ0) = ({_phi0}, {_theta0}) does not project");
            (_alphaP, _deltaP, _phiP) = CelestialPole(crval[lon], crval[lat], _phi0, _theta0, lonpole, latpole);
        }
        LonPole = _phiP;
        LatPole = _deltaP;
    }

    public int NAxis { get; }

    public IReadOnlyList<string> CType { get; }

    /// <summary>Units of the world values per axis after conversion ("deg", "Hz", "m/s", "m", or the header's CUNIT).</summary>
    public IReadOnlyList<string> CUnit { get; }

    /// <summary>CRPIX per axis, 1-based as in the header.</summary>
    public IReadOnlyList<double> CRPix => _crpix;

    /// <summary>CRVAL per axis, converted to the units in <see cref="CUnit"/>.</summary>
    public IReadOnlyList<double> CRVal => _crval;

    /// <summary>0-based index of the celestial longitude axis (RA, GLON, ...), or -1.</summary>
    public int LongitudeAxis { get; }

    /// <summary>0-based index of the celestial latitude axis, or -1.</summary>
    public int LatitudeAxis { get; }

    public bool HasCelestial => LongitudeAxis >= 0 && LatitudeAxis >= 0;

    public Projection? Projection { get; }

    public CelestialFrame Frame { get; }

    /// <summary>Equinox of FK4/FK5 coordinates (years), or null.</summary>
    public double? Equinox { get; }

    /// <summary>Native longitude of the celestial pole (φp, degrees), as used.</summary>
    public double LonPole { get; }

    /// <summary>Celestial latitude of the native pole (δp, degrees), as used.</summary>
    public double LatPole { get; }

    /// <summary>0-based index of the spectral axis, or -1.</summary>
    public int SpectralAxis { get; }

    public SpectralKind? SpectralKind { get; }

    /// <summary>Rest frequency (Hz) from RESTFRQ or RESTWAV; 0 when absent.</summary>
    public double RestFrequencyHz { get; }

    /// <summary>SPECSYS (e.g. "LSRK", "BARYCENT"), or null.</summary>
    public string? SpectralReferenceFrame { get; }

    /// <summary>Reads the WCS of a header (primary description, or alternate <paramref name="alternate"/> 'A'..'Z').</summary>
    public static Wcs FromHeader(Header header, char alternate = ' ')
    {
        var a = alternate == ' ' ? "" : alternate.ToString();
        var n = header.TryGetInt("WCSAXES" + a, out var wcsaxes) ? wcsaxes : header.GetInt("NAXIS", 0);
        for (var i = n + 1; i <= 9; i++)
            if (header.Contains($"CTYPE{i}{a}") || header.Contains($"CRPIX{i}{a}")) n = i;

        var ctype = new string[n];
        var cunit = new string[n];
        var crpix = new double[n];
        var crval = new double[n];
        var cdelt = new double[n];
        for (var i = 0; i < n; i++)
        {
            var k = i + 1;
            ctype[i] = (header.GetString($"CTYPE{k}{a}", "") ?? "").Trim().ToUpperInvariant();
            cunit[i] = (header.GetString($"CUNIT{k}{a}", "") ?? "").Trim();
            crpix[i] = header.GetDouble($"CRPIX{k}{a}", 0.0);
            crval[i] = header.GetDouble($"CRVAL{k}{a}", 0.0);
            cdelt[i] = header.GetDouble($"CDELT{k}{a}", 1.0);
        }

        var matrix = LinearMatrix(header, a, n, cdelt, ctype);
        for (var i = 0; i < n; i++) ctype[i] = TranslateAipsSpectral(ctype[i], header);

        // Axis roles.
        int lon = -1, lat = -1, spectral = -1;
        string? code = null;
        SpectralKind? spectralKind = null;
        SpectralAlgorithm? spectralAlgorithm = null;
        for (var i = 0; i < n; i++)
        {
            var (type, algorithm) = SplitCType(ctype[i]);
            if (algorithm.Length == 3 && IsLongitude(type)) { lon = i; code = algorithm; }
            else if (algorithm.Length == 3 && IsLatitude(type)) { lat = i; code ??= algorithm; }
            else if (Spectral.KindOf(type) is { } kind && spectral < 0 && SpectralAlgorithm.Parse(algorithm) is { } parsed)
            {
                spectral = i;
                spectralKind = kind;
                spectralAlgorithm = parsed;
            }
        }
        if (lon < 0 || lat < 0) lon = lat = -1;

        // Units: celestial to degrees, spectral to SI; scale the matrix rows accordingly.
        for (var i = 0; i < n; i++)
        {
            double factor;
            string unit;
            if (i == lon || i == lat) (factor, unit) = (AngleFactor(cunit[i], ctype[i]), "deg");
            else if (i == spectral) (factor, unit) = SpectralFactor(cunit[i], spectralKind!.Value, ctype[i]);
            else (factor, unit) = (1.0, cunit[i]);
            crval[i] *= factor;
            for (var j = 0; j < n; j++) matrix[i, j] *= factor;
            cunit[i] = unit;
        }

        Projection? projection = null;
        var pv = new Dictionary<int, double>();
        var lonPv = new Dictionary<int, double>();
        if (lon >= 0)
        {
            for (var m = 0; m < 30; m++)
                if (header.TryGetDouble($"PV{lat + 1}_{m}{a}", out var v)) pv[m] = v;
            for (var m = 0; m <= 4; m++)
                if (header.TryGetDouble($"PV{lon + 1}_{m}{a}", out var v)) lonPv[m] = v;
            // Old AIPS projections, as wcslib translates them: NCP is a slant SIN, GLS an SFL about (0, CRVAL lat).
            if (code == "NCP")
            {
                code = "SIN";
                pv[1] = 0.0;
                pv[2] = 1.0 / Math.Tan(crval[lat] * D2R);
            }
            else if (code == "GLS")
            {
                code = "SFL";
                lonPv.TryAdd(0, 1.0);
                lonPv.TryAdd(1, 0.0);
                lonPv.TryAdd(2, crval[lat]);
            }
            ctype[lon] = ctype[lon][..5] + code;
            ctype[lat] = ctype[lat][..5] + code;
            projection = Projection.Create(code!, pv);
        }

        var frame = CelestialFrame.Unknown;
        double? equinox = null;
        if (lon >= 0)
        {
            var type = SplitCType(ctype[lon]).Type;
            (frame, equinox) = type switch
            {
                "GLON" => (CelestialFrame.Galactic, (double?)null),
                "ELON" => (CelestialFrame.Ecliptic, null),
                "SLON" => (CelestialFrame.SuperGalactic, null),
                "RA" => EquatorialFrame(header, a),
                _ => (CelestialFrame.Unknown, null),
            };
        }

        var rest = header.GetDouble("RESTFRQ" + a, header.GetDouble("RESTFREQ", 0.0));
        if (rest == 0 && header.TryGetDouble("RESTWAV" + a, out var restWave) && restWave > 0) rest = Spectral.C / restWave;
        var specsys = header.GetString("SPECSYS" + a, null)?.Trim();

        var lonpole = header.TryGetDouble("LONPOLE" + a, out var lp) ? lp : double.NaN;
        var latpole = header.GetDouble("LATPOLE" + a, 90.0);
        var wcs = new Wcs(n, ctype, cunit, crpix, crval, matrix, lon, lat, projection, lonpole, latpole, frame, equinox,
            spectral, spectralKind, rest, specsys, lonPv);
        if (spectral >= 0) wcs._spectralAlgorithm = spectralAlgorithm!.Prepare(crval[spectral], spectralKind!.Value, rest, ctype[spectral]);
        wcs._pv = pv;
        return wcs;
    }

    private static (CelestialFrame, double?) EquatorialFrame(Header header, string a)
    {
        var radesys = (header.GetString("RADESYS" + a, null) ?? header.GetString("RADECSYS", null))?.Trim().ToUpperInvariant();
        double? equinox = header.TryGetDouble("EQUINOX" + a, out var eq) ? eq
            : header.TryGetDouble("EPOCH", out var epoch) ? epoch : null;
        radesys ??= equinox is { } e ? (e < 1984.0 ? "FK4" : "FK5") : "ICRS";
        return radesys switch
        {
            "ICRS" => (CelestialFrame.Icrs, null),
            "FK5" => (CelestialFrame.Fk5, equinox ?? 2000.0),
            "FK4" or "FK4-NO-E" => (CelestialFrame.Fk4, equinox ?? 1950.0),
            _ => (CelestialFrame.Unknown, equinox),
        };
    }

    /// <summary>
    /// Old AIPS spectral axes as wcslib translates them: FREQ-xxx → FREQ, FELO-xxx → VOPT-F2W, VELO-xxx → VRAD when
    /// VELREF says radio (> 256), else VOPT (xxx is a frame code such as LSR, HEL, OBS).
    /// </summary>
    private static string TranslateAipsSpectral(string ctype, Header header)
    {
        var (type, algorithm) = SplitCType(ctype);
        if (algorithm.Length == 0 || algorithm == "LOG" || SpectralAlgorithm.Parse(algorithm) is not null && algorithm.Length == 3 && algorithm[1] == '2')
            return ctype;
        return type switch
        {
            "FREQ" => "FREQ",
            "FELO" => "VOPT-F2W",
            "VELO" => header.GetLong("VELREF", 0) > 256 ? "VRAD" : "VOPT",
            _ => ctype,
        };
    }

    internal static (string Type, string Algorithm) SplitCType(string ctype)
    {
        if (ctype.Length <= 4) return (ctype.TrimEnd('-'), "");
        var type = ctype[..4].TrimEnd('-');
        var algorithm = ctype.Length > 5 ? ctype[5..].Trim() : "";
        return ctype[4] == '-' ? (type, algorithm) : (ctype.Trim(), "");
    }

    private static bool IsLongitude(string type) => type is "RA" || type.EndsWith("LON") || (type.Length == 4 && type.EndsWith("LN"));

    private static bool IsLatitude(string type) => type is "DEC" || type.EndsWith("LAT") || (type.Length == 4 && type.EndsWith("LT"));

    private static double[,] LinearMatrix(Header header, string a, int n, double[] cdelt, string[] ctype)
    {
        var m = new double[n, n];
        var hasCd = false;
        for (var i = 1; i <= n && !hasCd; i++)
            for (var j = 1; j <= n && !hasCd; j++)
                hasCd = header.Contains($"CD{i}_{j}{a}");

        if (hasCd)
        {
            for (var i = 0; i < n; i++)
                for (var j = 0; j < n; j++)
                    m[i, j] = header.GetDouble($"CD{i + 1}_{j + 1}{a}", 0.0);
            return UnitScaleForEmptyAxes(m);
        }

        var pc = new double[n, n];
        for (var i = 0; i < n; i++) pc[i, i] = 1.0;
        var hasPc = false;
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
            {
                // PCi_j, or the old draft form PC00i00j (written by CASA and AIPS).
                if (header.TryGetDouble($"PC{i + 1}_{j + 1}{a}", out var v) ||
                    (a.Length == 0 && header.TryGetDouble($"PC{i + 1:000}{j + 1:000}", out v)))
                {
                    pc[i, j] = v;
                    hasPc = true;
                }
            }

        if (!hasPc && a.Length == 0)
        {
            // CROTAi (AIPS convention) on the latitude axis rotates the celestial pair.
            int lon = -1, lat = -1;
            for (var i = 0; i < n; i++)
            {
                var (type, algorithm) = SplitCType(ctype[i]);
                if (IsLongitude(type) && algorithm.Length == 3) lon = i;
                if (IsLatitude(type) && algorithm.Length == 3) lat = i;
            }
            if (lon >= 0 && lat >= 0 && header.TryGetDouble($"CROTA{lat + 1}", out var rho) && rho != 0)
            {
                var c = Math.Cos(rho * D2R);
                var s = Math.Sin(rho * D2R);
                pc[lon, lon] = c;
                pc[lon, lat] = -s * cdelt[lat] / cdelt[lon];
                pc[lat, lon] = s * cdelt[lon] / cdelt[lat];
                pc[lat, lat] = c;
            }
        }

        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
                m[i, j] = cdelt[i] * pc[i, j];
        return UnitScaleForEmptyAxes(m);
    }

    /// <summary>An axis with no linear terms at all (a degenerate axis with CDELT = 0, or one missing from a CD
    /// matrix) gets unit scale so the matrix stays invertible.</summary>
    private static double[,] UnitScaleForEmptyAxes(double[,] m)
    {
        var n = m.GetLength(0);
        for (var i = 0; i < n; i++)
        {
            var empty = true;
            for (var j = 0; j < n; j++) empty &= m[i, j] == 0 && m[j, i] == 0;
            if (empty) m[i, i] = 1.0;
        }
        return m;
    }

    private static double AngleFactor(string unit, string ctype) => unit.ToLowerInvariant() switch
    {
        "" or "deg" or "degree" or "degrees" => 1.0,
        "arcmin" => 1.0 / 60,
        "arcsec" => 1.0 / 3600,
        "mas" => 1.0 / 3600000,
        "rad" => R2D,
        _ => throw new FitsFormatException($"Unit '{unit}' of celestial axis {ctype} is not an angle"),
    };

    private static (double, string) SpectralFactor(string unit, SpectralKind kind, string ctype)
    {
        var u = unit.Trim();
        (double, string)? result = kind switch
        {
            Fits.SpectralKind.Frequency => u switch
            {
                "" or "Hz" => (1.0, "Hz"),
                "kHz" => (1e3, "Hz"),
                "MHz" => (1e6, "Hz"),
                "GHz" => (1e9, "Hz"),
                "THz" => (1e12, "Hz"),
                _ => null,
            },
            Fits.SpectralKind.RadioVelocity or Fits.SpectralKind.OpticalVelocity or Fits.SpectralKind.RelativisticVelocity => u switch
            {
                "" or "m/s" or "m s-1" => (1.0, "m/s"),
                "km/s" or "km s-1" => (1e3, "m/s"),
                "cm/s" => (1e-2, "m/s"),
                _ => null,
            },
            Fits.SpectralKind.Wavelength => u switch
            {
                "" or "m" => (1.0, "m"),
                "cm" => (1e-2, "m"),
                "mm" => (1e-3, "m"),
                "um" => (1e-6, "m"),
                "nm" => (1e-9, "m"),
                "Angstrom" or "angstrom" or "Å" => (1e-10, "m"),
                _ => null,
            },
            Fits.SpectralKind.Redshift => u is "" ? (1.0, "") : null,
            Fits.SpectralKind.Energy => u switch { "" or "J" => (1.0, "J"), "eV" => (1.602176634e-19, "J"), _ => null },
            Fits.SpectralKind.Wavenumber => u switch { "" or "/m" or "m-1" => (1.0, "/m"), "/cm" or "cm-1" => (100.0, "/m"), _ => null },
            _ => null,
        };
        return result ?? throw new FitsFormatException($"Unit '{unit}' of spectral axis {ctype} is not supported");
    }

    /// <summary>(αp, δp, φp) from the reference point and LONPOLE/LATPOLE (Calabretta &amp; Greisen 2002, §2.4).</summary>
    private static (double AlphaP, double DeltaP, double PhiP) CelestialPole(double alpha0, double delta0, double phi0, double theta0,
        double lonpole, double latpole)
    {
        var phiP = double.IsNaN(lonpole) ? (delta0 >= theta0 ? phi0 : phi0 + 180.0) : lonpole;
        if (theta0 == 90.0) return (alpha0, delta0, phiP);

        var sinT0 = Math.Sin(theta0 * D2R);
        var cosT0 = Math.Cos(theta0 * D2R);
        var dphi = (phiP - phi0) * D2R;
        var baseAngle = Math.Atan2(sinT0, cosT0 * Math.Cos(dphi)) * R2D;
        var r = Math.Sqrt(1 - cosT0 * cosT0 * Math.Sin(dphi) * Math.Sin(dphi));
        var ratio = Math.Sin(delta0 * D2R) / r;
        if (Math.Abs(ratio) > 1 + 1e-12)
            throw new FitsFormatException($"No celestial pole is consistent with CRVAL and LONPOLE = {phiP}");
        var spread = Math.Acos(Math.Clamp(ratio, -1, 1)) * R2D;
        var d1 = baseAngle + spread;
        var d2 = baseAngle - spread;
        var ok1 = d1 is >= -90 - 1e-10 and <= 90 + 1e-10;
        var ok2 = d2 is >= -90 - 1e-10 and <= 90 + 1e-10;
        double deltaP;
        if (ok1 && ok2) deltaP = Math.Abs(d1 - latpole) <= Math.Abs(d2 - latpole) ? d1 : d2;
        else if (ok1) deltaP = d1;
        else if (ok2) deltaP = d2;
        else throw new FitsFormatException("No valid celestial pole latitude for this CRVAL and LONPOLE");
        deltaP = Math.Clamp(deltaP, -90, 90);

        double alphaP;
        if (Math.Abs(delta0) == 90) alphaP = alpha0;
        else if (Math.Abs(deltaP) == 90) alphaP = alpha0 + (deltaP > 0 ? 1 : -1) * (phiP - phi0 - 180.0);
        else
        {
            var y = cosT0 * Math.Sin(dphi);
            var x = sinT0 * Math.Cos(deltaP * D2R) - cosT0 * Math.Sin(deltaP * D2R) * Math.Cos(dphi);
            alphaP = alpha0 - Math.Atan2(y, x) * R2D;
        }
        return (alphaP, deltaP, phiP);
    }

    // ---- transforms

    /// <summary>Pixel (0-based, one value per axis) to world (one value per axis). Fills NaN where undefined.</summary>
    public void PixelToWorld(ReadOnlySpan<double> pixel, Span<double> world)
    {
        if (pixel.Length < NAxis || world.Length < NAxis)
            throw new ArgumentException($"This WCS has {NAxis} axes.");
        Span<double> x = stackalloc double[NAxis];
        for (var i = 0; i < NAxis; i++)
        {
            double sum = 0;
            for (var j = 0; j < NAxis; j++) sum += _matrix[i, j] * (pixel[j] + 1.0 - _crpix[j]);
            x[i] = sum;
        }
        for (var i = 0; i < NAxis; i++)
            if (i != LongitudeAxis && i != LatitudeAxis) world[i] = _crval[i] + x[i];
        if (_spectralAlgorithm is { IsLinear: false } algorithm) world[SpectralAxis] = algorithm.ToWorld(x[SpectralAxis]);
        if (HasCelestial)
        {
            if (Projection!.Deproject(x[LongitudeAxis] + _x0, x[LatitudeAxis] + _y0, out var phi, out var theta))
            {
                NativeToCelestial(phi, theta, out var alpha, out var delta);
                world[LongitudeAxis] = alpha;
                world[LatitudeAxis] = delta;
            }
            else world[LongitudeAxis] = world[LatitudeAxis] = double.NaN;
        }
    }

    /// <summary>World (one value per axis) to pixel (0-based). Fills NaN where the world point does not project.</summary>
    public void WorldToPixel(ReadOnlySpan<double> world, Span<double> pixel)
    {
        if (pixel.Length < NAxis || world.Length < NAxis)
            throw new ArgumentException($"This WCS has {NAxis} axes.");
        Span<double> x = stackalloc double[NAxis];
        for (var i = 0; i < NAxis; i++)
            if (i != LongitudeAxis && i != LatitudeAxis) x[i] = world[i] - _crval[i];
        if (_spectralAlgorithm is { IsLinear: false } algorithm) x[SpectralAxis] = algorithm.ToIntermediate(world[SpectralAxis]);
        if (HasCelestial)
        {
            CelestialToNative(world[LongitudeAxis], world[LatitudeAxis], out var phi, out var theta);
            if (!Projection!.Project(phi, theta, out var px, out var py)) px = py = double.NaN;
            x[LongitudeAxis] = px - _x0;
            x[LatitudeAxis] = py - _y0;
        }
        for (var j = 0; j < NAxis; j++)
        {
            double sum = 0;
            for (var i = 0; i < NAxis; i++) sum += _inverse[j, i] * x[i];
            pixel[j] = sum + _crpix[j] - 1.0;
        }
    }

    /// <summary>
    /// Celestial coordinates (degrees) of pixel (x, y) on the celestial axes, other axes at pixel 0
    /// (the first channel of a cube).
    /// </summary>
    public (double LonDeg, double LatDeg) PixelToCelestial(double x, double y)
    {
        RequireCelestial();
        Span<double> pixel = stackalloc double[NAxis];
        Span<double> world = stackalloc double[NAxis];
        pixel[LongitudeAxis] = x;
        pixel[LatitudeAxis] = y;
        PixelToWorld(pixel, world);
        return (world[LongitudeAxis], world[LatitudeAxis]);
    }

    /// <summary>
    /// Celestial coordinates of pixel (x, y) converted to <paramref name="frame"/> (ICRS, FK5 J2000 or Galactic;
    /// an FK5 WCS must have equinox 2000).
    /// </summary>
    public (double LonDeg, double LatDeg) PixelToCelestial(double x, double y, CelestialFrame frame)
    {
        var (lon, lat) = PixelToCelestial(x, y);
        if (frame == Frame) return (lon, lat);
        if (Frame == CelestialFrame.Fk5 && Equinox is not 2000.0)
            throw new NotSupportedException($"FK5 at equinox {Equinox} needs precession, which is not supported.");
        return FrameConversion.Convert(lon, lat, Frame, frame);
    }

    /// <summary>Pixel (0-based, on the celestial axes, other axes at pixel 0) of a celestial position in degrees.</summary>
    public (double X, double Y) CelestialToPixel(double lonDeg, double latDeg)
    {
        RequireCelestial();
        Span<double> pixel = stackalloc double[NAxis];
        Span<double> world = stackalloc double[NAxis];
        PixelToWorld(pixel, world); // other axes at pixel 0
        world[LongitudeAxis] = lonDeg;
        world[LatitudeAxis] = latDeg;
        WorldToPixel(world, pixel);
        return (pixel[LongitudeAxis], pixel[LatitudeAxis]);
    }

    /// <summary>Spectral world value (SI, of <see cref="SpectralKind"/>) at a 0-based channel, other axes at their reference pixel.</summary>
    public double PixelToSpectral(double channel)
    {
        RequireSpectral();
        Span<double> pixel = stackalloc double[NAxis];
        Span<double> world = stackalloc double[NAxis];
        for (var i = 0; i < NAxis; i++) pixel[i] = _crpix[i] - 1.0;
        pixel[SpectralAxis] = channel;
        PixelToWorld(pixel, world);
        return world[SpectralAxis];
    }

    /// <summary>0-based channel of a spectral world value (SI, of <see cref="SpectralKind"/>).</summary>
    public double SpectralToPixel(double value)
    {
        RequireSpectral();
        Span<double> pixel = stackalloc double[NAxis];
        Span<double> world = stackalloc double[NAxis];
        for (var i = 0; i < NAxis; i++) pixel[i] = _crpix[i] - 1.0;
        PixelToWorld(pixel, world);
        world[SpectralAxis] = value;
        WorldToPixel(world, pixel);
        return pixel[SpectralAxis];
    }

    /// <summary>Frequency (Hz) at a 0-based channel, converting velocity or wavelength axes with the rest frequency.</summary>
    public double PixelToFrequency(double channel) =>
        Spectral.ToFrequency(PixelToSpectral(channel), SpectralKind!.Value, RestFrequencyHz);

    /// <summary>Radio velocity (m/s) at a 0-based channel, relative to the rest frequency.</summary>
    public double PixelToRadioVelocity(double channel) =>
        Spectral.FromFrequency(PixelToFrequency(channel), Fits.SpectralKind.RadioVelocity, RestFrequencyHz);

    /// <summary>Solid angle of one pixel at the reference point, in square arcseconds (|det| of the celestial linear part).</summary>
    public double PixelAreaArcsec2
    {
        get
        {
            RequireCelestial();
            var det = _matrix[LongitudeAxis, LongitudeAxis] * _matrix[LatitudeAxis, LatitudeAxis]
                    - _matrix[LongitudeAxis, LatitudeAxis] * _matrix[LatitudeAxis, LongitudeAxis];
            return Math.Abs(det) * 3600.0 * 3600.0;
        }
    }

    /// <summary>Linear transformation matrix (CDELT × PC, or CD) in world units per pixel; element [i, j].</summary>
    public double LinearElement(int i, int j) => _matrix[i, j];

    /// <summary>
    /// This WCS as header cards (WCSAXES, CTYPE, CUNIT, CRPIX, CRVAL, CDi_j, LONPOLE/LATPOLE, PV, RADESYS/EQUINOX,
    /// RESTFRQ, SPECSYS) in the units of <see cref="CUnit"/>. For a cutout, <paramref name="pixelOffset"/> is the
    /// 0-based pixel of the original where the cutout starts (per kept axis of the original); <paramref name="axes"/>
    /// keeps only some axes (e.g. [0, 1] for a 2-D map of a cube), which must not be coupled to the dropped ones.
    /// </summary>
    public Header ToHeader(IReadOnlyList<double>? pixelOffset = null, IReadOnlyList<int>? axes = null)
    {
        var keep = axes ?? Enumerable.Range(0, NAxis).ToArray();
        foreach (var i in keep)
            for (var j = 0; j < NAxis; j++)
                if (!keep.Contains(j) && (_matrix[i, j] != 0 || _matrix[j, i] != 0))
                    throw new InvalidOperationException($"Axis {i + 1} is coupled to axis {j + 1}, which would be dropped.");
        if ((keep.Contains(LongitudeAxis) || keep.Contains(LatitudeAxis)) && !(keep.Contains(LongitudeAxis) && keep.Contains(LatitudeAxis)))
            throw new InvalidOperationException("The two celestial axes must be kept together.");

        var h = new Header();
        h.Set("WCSAXES", (long)keep.Count, "number of WCS axes");
        for (var k = 0; k < keep.Count; k++)
        {
            var i = keep[k];
            var n = k + 1;
            h.Set($"CTYPE{n}", CType[i]);
            if (CUnit[i].Length > 0) h.Set($"CUNIT{n}", CUnit[i]);
            h.Set($"CRPIX{n}", _crpix[i] - (pixelOffset is null ? 0.0 : pixelOffset[i]));
            h.Set($"CRVAL{n}", _crval[i]);
        }
        for (var k = 0; k < keep.Count; k++)
            for (var l = 0; l < keep.Count; l++)
                if (_matrix[keep[k], keep[l]] != 0 || k == l)
                    h.Set($"CD{k + 1}_{l + 1}", _matrix[keep[k], keep[l]]);
        if (HasCelestial && keep.Contains(LongitudeAxis))
        {
            h.Set("LONPOLE", LonPole, "native longitude of celestial pole (deg)");
            h.Set("LATPOLE", LatPole, "celestial latitude of native pole (deg)");
            var latAxis = keep.ToList().IndexOf(LatitudeAxis) + 1;
            foreach (var (m, value) in _pv.OrderBy(p => p.Key)) h.Set($"PV{latAxis}_{m}", value);
            var lonAxis = keep.ToList().IndexOf(LongitudeAxis) + 1;
            foreach (var (m, value) in _lonPv.OrderBy(p => p.Key)) h.Set($"PV{lonAxis}_{m}", value);
            switch (Frame)
            {
                case CelestialFrame.Icrs: h.Set("RADESYS", "ICRS"); break;
                case CelestialFrame.Fk5: h.Set("RADESYS", "FK5"); h.Set("EQUINOX", Equinox ?? 2000.0); break;
                case CelestialFrame.Fk4: h.Set("RADESYS", "FK4"); h.Set("EQUINOX", Equinox ?? 1950.0); break;
            }
        }
        if (RestFrequencyHz > 0) h.Set("RESTFRQ", RestFrequencyHz, "rest frequency (Hz)");
        if (SpectralReferenceFrame is { Length: > 0 } specsys) h.Set("SPECSYS", specsys);
        return h;
    }

    private void RequireCelestial()
    {
        if (!HasCelestial) throw new InvalidOperationException("This WCS has no celestial axes.");
    }

    private void RequireSpectral()
    {
        if (SpectralAxis < 0) throw new InvalidOperationException("This WCS has no spectral axis.");
    }

    private void NativeToCelestial(double phi, double theta, out double alpha, out double delta)
    {
        var t = theta * D2R;
        var dphi = (phi - _phiP) * D2R;
        var sinDp = Math.Sin(_deltaP * D2R);
        var cosDp = Math.Cos(_deltaP * D2R);
        var y = -Math.Cos(t) * Math.Sin(dphi);
        var x = Math.Sin(t) * cosDp - Math.Cos(t) * sinDp * Math.Cos(dphi);
        alpha = _alphaP + Math.Atan2(y, x) * R2D;
        var s = Math.Sin(t) * sinDp + Math.Cos(t) * cosDp * Math.Cos(dphi);
        // atan2 rather than asin: asin loses half the digits near the poles.
        delta = Math.Atan2(s, Math.Sqrt(x * x + y * y)) * R2D;
        alpha %= 360.0;
        if (alpha < 0) alpha += 360.0;
    }

    private void CelestialToNative(double alpha, double delta, out double phi, out double theta)
    {
        var d = delta * D2R;
        var da = (alpha - _alphaP) * D2R;
        var sinDp = Math.Sin(_deltaP * D2R);
        var cosDp = Math.Cos(_deltaP * D2R);
        var y = -Math.Cos(d) * Math.Sin(da);
        var x = Math.Sin(d) * cosDp - Math.Cos(d) * sinDp * Math.Cos(da);
        phi = _phiP + Math.Atan2(y, x) * R2D;
        var s = Math.Sin(d) * sinDp + Math.Cos(d) * cosDp * Math.Cos(da);
        // atan2 rather than asin: near the native pole (the reference point of zenithal projections) asin
        // would lose half the digits.
        theta = Math.Atan2(s, Math.Sqrt(x * x + y * y)) * R2D;
        // Native longitude in [-180, 180] as the projections expect.
        phi = Math.IEEERemainder(phi, 360.0);
    }

    private static double[,] Invert(double[,] m)
    {
        var n = m.GetLength(0);
        var a = (double[,])m.Clone();
        var inv = new double[n, n];
        for (var i = 0; i < n; i++) inv[i, i] = 1;
        for (var col = 0; col < n; col++)
        {
            var pivot = col;
            for (var r = col + 1; r < n; r++)
                if (Math.Abs(a[r, col]) > Math.Abs(a[pivot, col])) pivot = r;
            if (a[pivot, col] == 0) throw new FitsFormatException("The WCS linear transformation (CDELT/PC or CD) is singular");
            if (pivot != col)
                for (var k = 0; k < n; k++)
                {
                    (a[col, k], a[pivot, k]) = (a[pivot, k], a[col, k]);
                    (inv[col, k], inv[pivot, k]) = (inv[pivot, k], inv[col, k]);
                }
            var p = a[col, col];
            for (var k = 0; k < n; k++) { a[col, k] /= p; inv[col, k] /= p; }
            for (var r = 0; r < n; r++)
            {
                if (r == col || a[r, col] == 0) continue;
                var f = a[r, col];
                for (var k = 0; k < n; k++) { a[r, k] -= f * a[col, k]; inv[r, k] -= f * inv[col, k]; }
            }
        }
        return inv;
    }

    public override string ToString() =>
        string.Join(", ", CType.Select((c, i) => $"{c} [{CUnit[i]}] crval={CRVal[i].ToString(CultureInfo.InvariantCulture)}"));
}
