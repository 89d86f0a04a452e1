using Astrolabe.Regions.Cubes;

namespace Astrolabe.Regions.Synthetic;

/// <summary>A generated cube with its truth table and the facts needed to write it as an ALMA-like FITS file.</summary>
/// <param name="RaDeg">Field centre, at 0-based pixel ((Width-1)/2 .. ) — FITS CRPIX = Width/2 + 1.</param>
/// <param name="ReferenceChannel">0-based channel whose frequency is the rest frequency (FITS CRPIX3 - 1).</param>
public sealed record SyntheticCube(
    SyntheticCubeSpec Spec,
    Cube Cube,
    IReadOnlyList<SyntheticSource> Sources,
    double RaDeg, double DecDeg,
    double ReferencePixelX, double ReferencePixelY, double ReferenceChannel)
{
    /// <summary>Beam solid angle in pixels, 2π σmaj σmin.</summary>
    public double BeamAreaPixels => Math.PI / (4 * Math.Log(2)) * Spec.BeamMajorPixels * Spec.BeamMinorPixels;

    /// <summary>Channel width in km/s (radio convention, positive).</summary>
    public double ChannelWidthKmS => SpeedOfLightKmS * Math.Abs(Spec.ChannelWidthHz) / Spec.RestFrequencyHz;

    /// <summary>Frequency of a (fractional, 0-based) channel.</summary>
    public double FrequencyHz(double channel) => Spec.RestFrequencyHz + (channel - ReferenceChannel) * Spec.ChannelWidthHz;

    public const double SpeedOfLightKmS = 299_792.458;
}
