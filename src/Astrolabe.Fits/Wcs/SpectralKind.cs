namespace Astrolabe.Fits;

/// <summary>Spectral coordinate types (Greisen et al. 2006); world values are in SI units.</summary>
public enum SpectralKind
{
    /// <summary>FREQ, Hz.</summary>
    Frequency,
    /// <summary>VRAD, radio velocity c(ν₀ − ν)/ν₀, m/s.</summary>
    RadioVelocity,
    /// <summary>VOPT, optical velocity c(λ − λ₀)/λ₀, m/s.</summary>
    OpticalVelocity,
    /// <summary>ZOPT, redshift (λ − λ₀)/λ₀.</summary>
    Redshift,
    /// <summary>WAVE, vacuum wavelength, m.</summary>
    Wavelength,
    /// <summary>VELO, apparent radial (relativistic) velocity, m/s.</summary>
    RelativisticVelocity,
    /// <summary>ENER, photon energy, J.</summary>
    Energy,
    /// <summary>WAVN, wavenumber, 1/m.</summary>
    Wavenumber,
}
