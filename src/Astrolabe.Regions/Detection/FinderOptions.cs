namespace Astrolabe.Regions.Detection;

/// <summary>Settings of the region-of-interest finder; the defaults suit ALMA-like cubes with 3–5 pixels per beam.</summary>
public sealed record FinderOptions
{
    /// <summary>Clip level: a voxel is kept when any smoothed version of the S/N cube exceeds this many of its own sigmas.</summary>
    public double SnrThreshold { get; init; } = 4.0;

    /// <summary>Spatial Gaussian smoothing scales, FWHM in pixels; 0 means the unsmoothed plane.</summary>
    public IReadOnlyList<double> SpatialScalesPixels { get; init; } = [0, 3, 6];

    /// <summary>Spectral boxcar widths in channels (odd); 1 means no spectral smoothing. Ignored for 2-D images.</summary>
    public IReadOnlyList<int> SpectralScalesChannels { get; init; } = [1, 3, 7];

    /// <summary>Mask voxels this close in x and y (pixels) belong to the same region.</summary>
    public int MergeRadiusPixels { get; init; } = 2;

    /// <summary>Mask voxels this close along the spectral axis (channels) belong to the same region.</summary>
    public int MergeRadiusChannels { get; init; } = 2;

    /// <summary>A region must cover at least this many sky pixels (its projected footprint).</summary>
    public int MinimumPixels { get; init; } = 4;

    /// <summary>A region must span at least this many channels (cubes only): a real line is resolved over a few channels, a noise spike seldom is.</summary>
    public int MinimumChannels { get; init; } = 2;

    /// <summary>A region's integrated S/N (over its voxels, allowing for correlated noise) must reach this.</summary>
    public double MinimumIntegratedSnr { get; init; } = 4.0;

    /// <summary>Side, in pixels, of the window over which the noise map is averaged (cubes of 16 channels or more: each
    /// pixel's spectral MAD averaged over the window) or of the noise tiles (images and short cubes). 0 picks 5 for cubes
    /// and tiles of about 2000 voxels otherwise.</summary>
    public int NoiseTilePixels { get; init; }

    /// <summary>Checks the settings and names the first one that is out of range.</summary>
    public void Validate()
    {
        if (!(SnrThreshold > 0)) throw new ArgumentException($"{nameof(SnrThreshold)} must be positive, got {SnrThreshold}.");
        if (SpatialScalesPixels.Count == 0) throw new ArgumentException($"{nameof(SpatialScalesPixels)} needs at least one scale.");
        foreach (double s in SpatialScalesPixels)
        {
            if (!(s >= 0) || s > 256) throw new ArgumentException($"{nameof(SpatialScalesPixels)} must be between 0 and 256 pixels, got {s}.");
        }
        if (SpectralScalesChannels.Count == 0) throw new ArgumentException($"{nameof(SpectralScalesChannels)} needs at least one width.");
        foreach (int w in SpectralScalesChannels)
        {
            if (w < 1 || w % 2 == 0) throw new ArgumentException($"{nameof(SpectralScalesChannels)} must be odd and positive, got {w}.");
        }
        if (MergeRadiusPixels < 1 || MergeRadiusPixels > 8) throw new ArgumentException($"{nameof(MergeRadiusPixels)} must be 1..8, got {MergeRadiusPixels}.");
        if (MergeRadiusChannels < 1 || MergeRadiusChannels > 8) throw new ArgumentException($"{nameof(MergeRadiusChannels)} must be 1..8, got {MergeRadiusChannels}.");
        if (MinimumPixels < 1) throw new ArgumentException($"{nameof(MinimumPixels)} must be at least 1, got {MinimumPixels}.");
        if (MinimumChannels < 1) throw new ArgumentException($"{nameof(MinimumChannels)} must be at least 1, got {MinimumChannels}.");
        if (NoiseTilePixels < 0) throw new ArgumentException($"{nameof(NoiseTilePixels)} must be 0 (automatic) or positive, got {NoiseTilePixels}.");
    }
}
