namespace Astrolabe.Regions.Detection;

/// <summary>One region of interest measured in pixel coordinates (0-based, FITS axis order x, y, channel).</summary>
/// <param name="Voxels">Number of voxels in the region.</param>
/// <param name="AreaPixels">Projected area: distinct sky pixels covered in any channel.</param>
/// <param name="HullAreaPixels">Area of the convex hull of those pixels (as unit squares).</param>
/// <param name="CentroidX">Intensity-weighted centroid (positive intensities only).</param>
/// <param name="SumIntensity">Sum of the data over the region's voxels, in the cube's unit.</param>
/// <param name="PeakIntensity">Largest data value in the region, in the cube's unit.</param>
/// <param name="MomentXX">Intensity-weighted spatial second central moments, pixel².</param>
/// <param name="IntegratedSnr">Sum of voxel S/N over sqrt(voxels × correlated pixels): the S/N of the summed flux.</param>
public sealed record DetectedRegion(
    int Voxels,
    int AreaPixels,
    double HullAreaPixels,
    double CentroidX, double CentroidY, double CentroidChannel,
    double SumIntensity,
    double PeakIntensity, int PeakX, int PeakY, int PeakChannel,
    double PeakSnr,
    double IntegratedSnr,
    double MomentXX, double MomentYY, double MomentXY,
    int MinX, int MaxX, int MinY, int MaxY, int MinChannel, int MaxChannel)
{
    public int ChannelCount => MaxChannel - MinChannel + 1;

    /// <summary>Projected area over convex-hull area, in (0, 1].</summary>
    public double Solidity => HullAreaPixels > 0 ? Math.Min(1.0, AreaPixels / HullAreaPixels) : 1.0;
}
