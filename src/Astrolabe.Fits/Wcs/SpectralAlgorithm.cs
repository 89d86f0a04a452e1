namespace Astrolabe.Fits;

/// <summary>
/// How a spectral axis maps intermediate coordinates to spectral values (Greisen et al. 2006, §3): linear, "LOG",
/// or "X2P" — linear in another spectral variable X (F frequency, W wavelength, V relativistic velocity) and
/// converted from it to the axis type.
/// </summary>
internal sealed class SpectralAlgorithm
{
    private SpectralKind? _linearIn;
    private bool _log;
    private double _reference;   // S at the reference point (CRVAL), SI
    private double _xReference;  // X at the reference point
    private double _dxds;        // dX/dS at the reference point
    private SpectralKind _kind;
    private double _rest;

    public bool IsLinear => !_log && _linearIn is null;

    /// <summary>Parses the algorithm code of a spectral CTYPE ("", "LOG", "F2W", ...); null if not a spectral algorithm.</summary>
    public static SpectralAlgorithm? Parse(string code)
    {
        if (code.Length == 0) return new SpectralAlgorithm();
        if (code == "LOG") return new SpectralAlgorithm { _log = true };
        if (code.Length == 3 && code[1] == '2' && Basic(code[0]) is { } x && Basic(code[2]) is not null)
            return new SpectralAlgorithm { _linearIn = x };
        return null;
    }

    private static SpectralKind? Basic(char c) => c switch
    {
        'F' => SpectralKind.Frequency,
        'W' => SpectralKind.Wavelength,
        'V' => SpectralKind.RelativisticVelocity,
        _ => null, // 'A' (air wavelength) is not supported
    };

    public SpectralAlgorithm Prepare(double crval, SpectralKind kind, double rest, string ctype)
    {
        _reference = crval;
        _kind = kind;
        _rest = rest;
        if (_log && crval <= 0) throw new FitsFormatException($"{ctype} needs a positive CRVAL");
        if (_linearIn is { } x)
        {
            var nu = Spectral.ToFrequency(crval, kind, rest);
            _xReference = Spectral.FromFrequency(nu, x, rest);
            _dxds = Spectral.DerivativeWrtFrequency(x, nu, rest) / Spectral.DerivativeWrtFrequency(kind, nu, rest);
        }
        return this;
    }

    /// <summary>Spectral value (SI) for an intermediate coordinate (the offset from CRVAL in S units).</summary>
    public double ToWorld(double intermediate)
    {
        if (_log) return _reference * Math.Exp(intermediate / _reference);
        var x = _xReference + _dxds * intermediate;
        return Spectral.FromFrequency(Spectral.ToFrequency(x, _linearIn!.Value, _rest), _kind, _rest);
    }

    public double ToIntermediate(double world)
    {
        if (_log) return _reference * Math.Log(world / _reference);
        var x = Spectral.FromFrequency(Spectral.ToFrequency(world, _kind, _rest), _linearIn!.Value, _rest);
        return (x - _xReference) / _dxds;
    }
}
