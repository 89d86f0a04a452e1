using System.Runtime.CompilerServices;
using Astrolabe.Fits;

namespace Astrolabe.Regions.Cubes;

/// <summary>A cube read from a FITS file, with its description and anything noteworthy about how it was read.</summary>
public sealed record LoadedCube(Cube Cube, CubeDescription Description, IReadOnlyList<string> Notes);

/// <summary>A cube left in its FITS file and read a few rows at a time, with its description and notes.</summary>
public sealed record OpenedCube(ICubeSource Source, CubeDescription Description, IReadOnlyList<string> Notes);

/// <summary>Reads the first image of a FITS file (2-D image, 3-D cube, or 4-D cube with degenerate axes) as a cube.</summary>
/// <remarks>The two first axes are the sky; the channels come from the spectral axis wherever it sits (axis 3 or 4);
/// any other axis longer than one (a full Stokes axis) contributes only its first plane, which is noted.</remarks>
public static class FitsCubeReader
{
    /// <summary>Number of voxels the cube in <paramref name="image"/> will have once read.</summary>
    public static long VoxelCount(ImageHdu image, CubeDescription description)
    {
        long channels = description.SpectralAxis >= 0 ? image.Axes[description.SpectralAxis] : 1;
        return image.Width * image.Height * channels;
    }

    public static LoadedCube Read(string path, CancellationToken cancellationToken = default)
    {
        using var file = FitsFile.Open(path);
        var image = file.FirstImage ?? throw new InvalidDataException("The file has no image with pixels (no HDU with NAXIS >= 2).");
        return Read(image, cancellationToken);
    }

    /// <summary>Reads the whole cube into memory.</summary>
    public static LoadedCube Read(ImageHdu image, CancellationToken cancellationToken = default)
    {
        var opened = Open(image);
        var source = opened.Source;
        var cube = new Cube(source.Width, source.Height, source.Channels);
        for (int c = 0; c < cube.Channels; c++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            source.ReadRows(c, 0, source.Height, cube.Plane(c));
        }
        return new LoadedCube(cube, opened.Description, opened.Notes);
    }

    /// <summary>Describes the cube without reading its pixels; the source reads them on demand from the open file.</summary>
    public static OpenedCube Open(ImageHdu image)
    {
        if (image.NAxis < 2 || image.Width < 1 || image.Height < 1)
        {
            throw new InvalidDataException($"The image has NAXIS = {image.NAxis}; a cube or image needs at least two axes.");
        }
        var description = CubeDescription.FromHeader(image.Header);
        var notes = new List<string>();
        int spectral = description.SpectralAxis;
        long channels = spectral >= 0 ? image.Axes[spectral] : 1;
        if (image.Width > int.MaxValue || image.Height > int.MaxValue || channels > int.MaxValue || image.PlaneLength > Array.MaxLength)
        {
            throw new InvalidDataException($"Axes {image.Width}x{image.Height}x{channels} are too long.");
        }
        for (int axis = 2; axis < image.NAxis; axis++)
        {
            if (axis != spectral && image.Axes[axis] > 1)
            {
                notes.Add($"axis {axis + 1} ({CType(image, axis)}) has {image.Axes[axis]} planes; only the first is searched");
            }
        }
        // Planes are numbered over all axes beyond the second; channel c sits at c times the product of the axes between.
        long stride = 1;
        for (int axis = 2; axis < spectral; axis++)
        {
            stride *= image.Axes[axis];
        }
        return new OpenedCube(new FitsCubeSource(image, (int)channels, stride), description, notes);
    }

    private static string CType(ImageHdu image, int axis) => image.Header.GetString($"CTYPE{axis + 1}", null)?.Trim() ?? "no CTYPE";

    private sealed class FitsCubeSource(ImageHdu image, int channels, long planeStride) : ICubeSource
    {
        public int Width { get; } = (int)image.Width;
        public int Height { get; } = (int)image.Height;
        public int Channels => channels;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void ReadRows(int channel, int firstRow, int rows, Span<float> destination) =>
            image.ReadPixels(channel * planeStride * image.PlaneLength + (long)firstRow * Width, destination[..(rows * Width)]);
    }
}
