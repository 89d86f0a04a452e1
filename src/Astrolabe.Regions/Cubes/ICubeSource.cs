namespace Astrolabe.Regions.Cubes;

/// <summary>Where the finder reads a cube from: a few rows of one channel at a time, so a cube never has to fit in memory.</summary>
/// <remarks>Axis order follows FITS: x (NAXIS1) fastest, then y, then channel. Blanked voxels read as NaN. The finder reads
/// from one thread at a time.</remarks>
public interface ICubeSource
{
    int Width { get; }
    int Height { get; }
    int Channels { get; }

    /// <summary>Copies rows [<paramref name="firstRow"/>, firstRow + <paramref name="rows"/>) of one channel into
    /// <paramref name="destination"/>, row after row (rows × Width values).</summary>
    void ReadRows(int channel, int firstRow, int rows, Span<float> destination);
}
