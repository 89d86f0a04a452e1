namespace Astrolabe.Regions.Cubes;

/// <summary>A spectral cube held in memory as channel planes of float, x fastest; NaN marks a blanked voxel.</summary>
/// <remarks>A 2-D image is a cube with one channel. Axis order follows FITS: x (NAXIS1), y (NAXIS2), channel.</remarks>
public sealed class Cube : ICubeSource
{
    public Cube(int width, int height, int channels)
        : this(width, height, channels, new float[CheckedLength(width, height, channels)])
    {
    }

    public Cube(int width, int height, int channels, float[] data)
    {
        long length = CheckedLength(width, height, channels);
        if (data.Length != length)
        {
            throw new ArgumentException($"Cube data has {data.Length} values; {width}x{height}x{channels} needs {length}.", nameof(data));
        }
        Width = width;
        Height = height;
        Channels = channels;
        Data = data;
    }

    public int Width { get; }
    public int Height { get; }
    public int Channels { get; }

    /// <summary>All voxels, index = x + Width * (y + Height * channel).</summary>
    public float[] Data { get; }

    public int PlaneSize => Width * Height;
    public long VoxelCount => (long)Width * Height * Channels;

    public Span<float> Plane(int channel) => Data.AsSpan(channel * PlaneSize, PlaneSize);

    public void ReadRows(int channel, int firstRow, int rows, Span<float> destination) =>
        Data.AsSpan(channel * PlaneSize + firstRow * Width, rows * Width).CopyTo(destination);

    public float this[int x, int y, int channel]
    {
        get => Data[x + Width * (y + Height * channel)];
        set => Data[x + Width * (y + Height * channel)] = value;
    }

    private static int CheckedLength(int width, int height, int channels)
    {
        if (width <= 0 || height <= 0 || channels <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"Cube dimensions must be positive, got {width}x{height}x{channels}.");
        }
        long length = (long)width * height * channels;
        if (length > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"A {width}x{height}x{channels} cube has more voxels than one array can hold ({Array.MaxLength}).");
        }
        return (int)length;
    }
}
