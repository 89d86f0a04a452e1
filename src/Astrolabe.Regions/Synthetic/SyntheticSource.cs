namespace Astrolabe.Regions.Synthetic;

/// <summary>The truth about one synthetic source: position, shape and line as observed (beam-convolved), in pixels,
/// channels and physical units.</summary>
/// <param name="X">Centre, 0-based pixel (FITS pixel = X + 1).</param>
/// <param name="Channel">Line centre, 0-based channel (fractional).</param>
/// <param name="LineFwhmChannels">Gaussian line profile FWHM in channels.</param>
/// <param name="PeakJyPerBeam">Peak of the noiseless model (observed, beam-convolved).</param>
/// <param name="FluxJyKmS">Integrated flux of the model over all voxels.</param>
/// <param name="MajorFwhmPixels">Observed (beam-convolved) major-axis FWHM.</param>
/// <param name="IntrinsicMajorFwhmPixels">Intrinsic major-axis FWHM before the beam (0 for a point source).</param>
/// <param name="PaDeg">Position angle of the observed major axis, east of north, 0..180.</param>
/// <param name="FootprintPixels">Sky pixels where the noiseless model's brightest channel reaches the local noise.</param>
/// <param name="IntegratedSnr">S/N of the flux inside the half-maximum ellipsoid of the model: the sum over those voxels
/// divided by the local noise times sqrt(voxels × min(beam area, footprint)) — the same estimator the finder reports.</param>
public sealed record SyntheticSource(
    int Id,
    double X, double Y, double Channel,
    double LineFwhmChannels,
    double PeakJyPerBeam,
    double FluxJyKmS,
    double MajorFwhmPixels, double MinorFwhmPixels, double PaDeg,
    double IntrinsicMajorFwhmPixels, double IntrinsicMinorFwhmPixels,
    double PrimaryBeamResponse,
    int FootprintPixels,
    double IntegratedSnr);
