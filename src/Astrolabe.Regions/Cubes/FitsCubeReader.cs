using Astrolabe.Fits;

namespace Astrolabe.Regions.Cubes;

/// <summary>A cube read from a FITS file, with its description and anything noteworthy about how it was read.</summary>
public sealed record LoadedCube(Cube Cube, CubeDescription Description, IReadOnlyList<string> Notes);

/// <summary>Reads the first image of a FITS file (2-D image, 3-D cube, or 4-D cube with degenerate axes) into a <see cref="Cube"/>.</summary>
/// <remarks>The two first axes are the sky; the channels come from the spectral axis wherever it sits (axis 3 or 4);
/// any other axis longer than one (a full Stokes axis) contributes only its first plane, which is noted.</remarks>
public static class FitsCubeReader
{
    /// <summary>Bytes of memory a cube needs per voxel while it is searched: the cube itself, the S/N cube, two
    /// smoothing buffers and the mask.</summary>
    public const int WorkingBytesPerVoxel = 4 * 4 + 1;

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

    public static LoadedCube Read(ImageHdu image, CancellationToken cancellationToken = default)
    {
        if (image.NAxis < 2 || image.Width < 1 || image.Height < 1)
        {
            throw new InvalidDataException($"The image has NAXIS = {image.NAxis}; a cube or image needs at least two axes.");
        }
        var description = CubeDescription.FromHeader(image.Header);
        var notes = new List<string>();
        int spectral = description.SpectralAxis;
        long channels = spectral >= 0 ? image.Axes[spectral] : 1;
        if (image.Width > int.MaxValue || image.Height > int.MaxValue || channels > int.MaxValue)
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
        var cube = new Cube((int)image.Width, (int)image.Height, (int)channels);

        // Planes are numbered over all axes beyond the second; channel c sits at c times the product of the axes between.
        long stride = 1;
        for (int axis = 2; axis < spectral; axis++)
        {
            stride *= image.Axes[axis];
        }
        for (int c = 0; c < cube.Channels; c++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            image.ReadPlane(c * stride, cube.Plane(c));
        }
        return new LoadedCube(cube, description, notes);
    }

    private static string CType(ImageHdu image, int axis) => image.Header.GetString($"CTYPE{axis + 1}", null)?.Trim() ?? "no CTYPE";
}
