namespace Astrolabe.Regions.Synthetic;

/// <summary>What a synthetic ALMA-like cube looks like: its size, beam, noise, primary beam and source population.</summary>
public sealed record SyntheticCubeSpec
{
    public int Width { get; init; } = 64;
    public int Height { get; init; } = 64;
    public int Channels { get; init; } = 32;

    /// <summary>Number of sources to place (fewer when the field is too crowded to keep them apart).</summary>
    public int Sources { get; init; } = 8;

    /// <summary>Seed of the pseudo-random generator: the same seed gives the same cube, byte for byte.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Noise at the field centre (before primary-beam correction), Jy/beam.</summary>
    public double NoiseJyPerBeam { get; init; } = 1e-3;

    public double PixelArcsec { get; init; } = 0.2;
    public double BeamMajorPixels { get; init; } = 4.0;
    public double BeamMinorPixels { get; init; } = 3.0;
    public double BeamPaDeg { get; init; } = 30.0;

    public double RestFrequencyHz { get; init; } = 230.538e9;

    /// <summary>Channel width in Hz; negative for a descending frequency axis, as many ALMA cubes have.</summary>
    public double ChannelWidthHz { get; init; } = -976_562.5;

    /// <summary>Primary beam FWHM as a fraction of the image width; the cube is blanked where the response is below <see cref="PrimaryBeamCutoff"/>.</summary>
    public double PrimaryBeamFwhmFraction { get; init; } = 0.6;
    public double PrimaryBeamCutoff { get; init; } = 0.2;

    /// <summary>Sources have integrated S/N drawn log-uniformly between these (see <see cref="SyntheticSource.IntegratedSnr"/>).</summary>
    public double MinimumSnr { get; init; } = 2.0;
    public double MaximumSnr { get; init; } = 40.0;

    /// <summary>Largest intrinsic source FWHM, in beams (major axis).</summary>
    public double MaximumSizeBeams { get; init; } = 2.0;

    /// <summary>Field centre; null picks one from the seed (anywhere ALMA can see).</summary>
    public double? RaDeg { get; init; }
    public double? DecDeg { get; init; }

    public void Validate()
    {
        if (Width < 8 || Height < 8) throw new ArgumentException($"A synthetic cube needs at least 8x8 pixels, got {Width}x{Height}.");
        if (Channels < 1) throw new ArgumentException($"A synthetic cube needs at least one channel, got {Channels}.");
        if ((long)Width * Height * Channels > Array.MaxLength) throw new ArgumentException($"{Width}x{Height}x{Channels} is too large for one cube.");
        if (Sources < 0) throw new ArgumentException($"{nameof(Sources)} must not be negative, got {Sources}.");
        if (!(NoiseJyPerBeam > 0)) throw new ArgumentException($"{nameof(NoiseJyPerBeam)} must be positive, got {NoiseJyPerBeam}.");
        if (!(BeamMinorPixels > 0) || BeamMajorPixels < BeamMinorPixels) throw new ArgumentException("The beam needs 0 < minor <= major (pixels).");
        if (!(MinimumSnr > 0) || MaximumSnr < MinimumSnr) throw new ArgumentException("The S/N range needs 0 < minimum <= maximum.");
    }
}
