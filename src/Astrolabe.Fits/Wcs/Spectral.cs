namespace Astrolabe.Fits;

/// <summary>Conversions between spectral coordinate types (Greisen et al. 2006, table 3), in SI units.</summary>
public static class Spectral
{
    /// <summary>Speed of light, m/s.</summary>
    public const double C = 299792458.0;

    /// <summary>Planck constant, J s.</summary>
    public const double H = 6.62607015e-34;

    public static SpectralKind? KindOf(string ctypePrefix) => ctypePrefix switch
    {
        "FREQ" => SpectralKind.Frequency,
        "VRAD" => SpectralKind.RadioVelocity,
        "VOPT" or "FELO" => SpectralKind.OpticalVelocity,
        "ZOPT" => SpectralKind.Redshift,
        "WAVE" => SpectralKind.Wavelength,
        "VELO" => SpectralKind.RelativisticVelocity,
        "ENER" => SpectralKind.Energy,
        "WAVN" => SpectralKind.Wavenumber,
        _ => null,
    };

    /// <summary>A spectral value of the given kind converted to frequency (Hz); velocities need the rest frequency.</summary>
    public static double ToFrequency(double value, SpectralKind kind, double restFrequencyHz) => kind switch
    {
        SpectralKind.Frequency => value,
        SpectralKind.RadioVelocity => RequireRest(restFrequencyHz) * (1 - value / C),
        SpectralKind.OpticalVelocity => RequireRest(restFrequencyHz) / (1 + value / C),
        SpectralKind.Redshift => RequireRest(restFrequencyHz) / (1 + value),
        SpectralKind.Wavelength => C / value,
        SpectralKind.RelativisticVelocity => RequireRest(restFrequencyHz) * Math.Sqrt((C - value) / (C + value)),
        SpectralKind.Energy => value / H,
        SpectralKind.Wavenumber => value * C,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>A frequency (Hz) converted to a spectral value of the given kind.</summary>
    public static double FromFrequency(double frequencyHz, SpectralKind kind, double restFrequencyHz) => kind switch
    {
        SpectralKind.Frequency => frequencyHz,
        SpectralKind.RadioVelocity => C * (1 - frequencyHz / RequireRest(restFrequencyHz)),
        SpectralKind.OpticalVelocity => C * (RequireRest(restFrequencyHz) / frequencyHz - 1),
        SpectralKind.Redshift => RequireRest(restFrequencyHz) / frequencyHz - 1,
        SpectralKind.Wavelength => C / frequencyHz,
        SpectralKind.RelativisticVelocity => C * (Square(RequireRest(restFrequencyHz)) - frequencyHz * frequencyHz)
                                             / (Square(restFrequencyHz) + frequencyHz * frequencyHz),
        SpectralKind.Energy => frequencyHz * H,
        SpectralKind.Wavenumber => frequencyHz / C,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>d(value)/d(frequency) for a spectral kind at a frequency (for the non-linear X2P algorithms).</summary>
    public static double DerivativeWrtFrequency(SpectralKind kind, double frequencyHz, double restFrequencyHz)
    {
        var nu = frequencyHz;
        var nu0 = restFrequencyHz;
        return kind switch
        {
            SpectralKind.Frequency => 1.0,
            SpectralKind.Wavelength => -C / (nu * nu),
            SpectralKind.RadioVelocity => -C / RequireRest(nu0),
            SpectralKind.OpticalVelocity => -C * RequireRest(nu0) / (nu * nu),
            SpectralKind.Redshift => -RequireRest(nu0) / (nu * nu),
            SpectralKind.RelativisticVelocity => -4 * C * nu * Square(RequireRest(nu0)) / Square(nu0 * nu0 + nu * nu),
            SpectralKind.Energy => H,
            SpectralKind.Wavenumber => 1 / C,
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }

    /// <summary>Radio velocity (m/s) of a frequency relative to a rest frequency.</summary>
    public static double RadioVelocity(double frequencyHz, double restFrequencyHz) =>
        FromFrequency(frequencyHz, SpectralKind.RadioVelocity, restFrequencyHz);

    private static double Square(double x) => x * x;

    private static double RequireRest(double restFrequencyHz) =>
        restFrequencyHz > 0 ? restFrequencyHz
            : throw new InvalidOperationException("This spectral conversion needs a rest frequency (RESTFRQ or RESTWAV).");
}
