using Astrolabe.Regions.Cubes;
using Astrolabe.Regions.Detection;

namespace Astrolabe.Regions.Synthetic;

/// <summary>Generates ALMA-like cubes: beam-correlated Gaussian noise, Gaussian sources with Gaussian line profiles,
/// primary-beam correction (noise rising towards the edge) and NaN blanking beyond the primary-beam cut-off.</summary>
/// <remarks>Deterministic: everything comes from <see cref="SyntheticCubeSpec.Seed"/>. The noise correlation is a circular
/// Gaussian with the beam's geometric-mean width (a real dirty beam is elliptical; the difference does not matter here).</remarks>
public static class SyntheticCubeGenerator
{
    public static SyntheticCube Generate(SyntheticCubeSpec spec)
    {
        spec.Validate();
        var random = new Random(spec.Seed);
        int width = spec.Width, height = spec.Height, channels = spec.Channels, planeSize = width * height;
        double refX = width / 2.0, refY = height / 2.0, refZ = Math.Floor(channels / 2.0);
        double raDeg = spec.RaDeg ?? random.NextDouble() * 360.0;
        double decDeg = spec.DecDeg ?? -70.0 + random.NextDouble() * 90.0;

        var cube = new Cube(width, height, channels);
        float[] data = cube.Data;
        FillCorrelatedNoise(data, width, height, channels, Math.Sqrt(spec.BeamMajorPixels * spec.BeamMinorPixels) / Math.Sqrt(2), random);

        // Primary beam response per pixel, centred on the reference pixel.
        double pbSigma = spec.PrimaryBeamFwhmFraction * width / (2 * Math.Sqrt(2 * Math.Log(2)));
        var response = new float[planeSize];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                double r2 = (x - refX) * (x - refX) + (y - refY) * (y - refY);
                response[y * width + x] = (float)Math.Exp(-0.5 * r2 / (pbSigma * pbSigma));
            }
        }

        var sources = PlaceSources(spec, random, response, refX, refY, channels);
        var synthetic = new SyntheticCube(spec, cube, [], raDeg, decDeg, refX, refY, refZ);

        // Sky = sources; observed = sky·PB + noise; corrected = observed / PB = sky + noise / PB.
        for (int z = 0; z < channels; z++)
        {
            Span<float> plane = data.AsSpan(z * planeSize, planeSize);
            for (int i = 0; i < planeSize; i++)
            {
                plane[i] = (float)(plane[i] * spec.NoiseJyPerBeam / response[i]);
            }
        }
        var truth = new List<SyntheticSource>(sources.Count);
        for (int k = 0; k < sources.Count; k++)
        {
            truth.Add(Render(k + 1, sources[k], synthetic, data, response));
        }
        for (int z = 0; z < channels; z++)
        {
            Span<float> plane = data.AsSpan(z * planeSize, planeSize);
            for (int i = 0; i < planeSize; i++)
            {
                if (response[i] < spec.PrimaryBeamCutoff)
                {
                    plane[i] = float.NaN;
                }
            }
        }
        return synthetic with { Sources = truth };
    }

    /// <summary>Unit-variance Gaussian noise smoothed with a circular Gaussian (FWHM in pixels) and rescaled to unit variance.</summary>
    private static void FillCorrelatedNoise(float[] data, int width, int height, int channels, double kernelFwhm, Random random)
    {
        int planeSize = width * height;
        float[] taps = Smoothing.GaussianTaps(kernelFwhm);
        double sumSquares = 0;
        foreach (float t in taps)
        {
            sumSquares += t * t;
        }
        // Away from the edges a separable kernel scales the variance by (Σt²)² — undo it.
        float rescale = (float)(1.0 / sumSquares);
        var white = new float[planeSize];
        var scratch = new float[planeSize];
        for (int z = 0; z < channels; z++)
        {
            for (int i = 0; i < planeSize; i += 2)
            {
                // Box–Muller: two independent deviates per pair of uniforms.
                double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
                double r = Math.Sqrt(-2.0 * Math.Log(u1));
                white[i] = (float)(r * Math.Cos(2 * Math.PI * u2));
                if (i + 1 < planeSize)
                {
                    white[i + 1] = (float)(r * Math.Sin(2 * Math.PI * u2));
                }
            }
            Span<float> plane = data.AsSpan(z * planeSize, planeSize);
            Smoothing.GaussianPlane(white, plane, scratch, width, height, taps);
            for (int i = 0; i < planeSize; i++)
            {
                plane[i] *= rescale;
            }
        }
    }

    private sealed record Placement(double X, double Y, double Z, double LineFwhm, double IntrinsicMajor, double IntrinsicMinor,
        double IntrinsicPaDeg, double TargetSnr);

    private static List<Placement> PlaceSources(SyntheticCubeSpec spec, Random random, float[] response, double refX, double refY, int channels)
    {
        var placed = new List<Placement>();
        double beam = spec.BeamMajorPixels;
        double maxLine = Math.Max(2.0, channels / 4.0);
        for (int attempt = 0; attempt < spec.Sources * 200 && placed.Count < spec.Sources; attempt++)
        {
            double x = random.NextDouble() * (spec.Width - 1);
            double y = random.NextDouble() * (spec.Height - 1);
            double lineFwhm = channels == 1 ? 0 : 2.0 + random.NextDouble() * (maxLine - 2.0);
            double margin = channels == 1 ? 0 : Math.Min(lineFwhm, (channels - 1) / 2.0);
            double z = channels == 1 ? 0 : margin + random.NextDouble() * (channels - 1 - 2 * margin);
            double major = random.NextDouble() * spec.MaximumSizeBeams * beam;
            double minor = major * (0.3 + 0.7 * random.NextDouble());
            double pa = random.NextDouble() * 180.0;
            double snr = spec.MinimumSnr * Math.Pow(spec.MaximumSnr / spec.MinimumSnr, random.NextDouble());
            // Keep sources inside the half-power primary beam so their whole footprint is unblanked.
            int ix = (int)Math.Round(x), iy = (int)Math.Round(y);
            if (response[iy * spec.Width + ix] < 0.5)
            {
                continue;
            }
            double extent = Math.Sqrt(major * major + beam * beam);
            bool apart = true;
            foreach (var other in placed)
            {
                double otherExtent = Math.Sqrt(other.IntrinsicMajor * other.IntrinsicMajor + beam * beam);
                double spatial = Math.Sqrt((x - other.X) * (x - other.X) + (y - other.Y) * (y - other.Y));
                double spectral = Math.Abs(z - other.Z);
                bool spatiallyApart = spatial > 1.5 * (extent + otherExtent) + 2 * spec.BeamMajorPixels;
                bool spectrallyApart = channels > 1 && spectral > 1.5 * (lineFwhm + other.LineFwhm) + 4;
                if (!spatiallyApart && !spectrallyApart)
                {
                    apart = false;
                    break;
                }
            }
            if (apart)
            {
                placed.Add(new Placement(x, y, z, lineFwhm, major, minor, pa, snr));
            }
        }
        return placed;
    }

    /// <summary>Scales a placement to its target S/N, adds it to the cube and returns its truth record.</summary>
    private static SyntheticSource Render(int id, Placement p, SyntheticCube synthetic, float[] data, float[] response)
    {
        var spec = synthetic.Spec;
        int width = spec.Width, height = spec.Height, channels = spec.Channels, planeSize = width * height;
        const double fwhmToSigma = 1.0 / 2.3548200450309493;

        // Observed covariance = intrinsic + beam (pixel axes; PA east of north with east towards -x, north +y).
        var (ixx, iyy, ixy) = Covariance(p.IntrinsicMajor * fwhmToSigma, p.IntrinsicMinor * fwhmToSigma, p.IntrinsicPaDeg);
        var (bxx, byy, bxy) = Covariance(spec.BeamMajorPixels * fwhmToSigma, spec.BeamMinorPixels * fwhmToSigma, spec.BeamPaDeg);
        double cxx = ixx + bxx, cyy = iyy + byy, cxy = ixy + bxy;
        double det = cxx * cyy - cxy * cxy;
        double ixxInv = cyy / det, iyyInv = cxx / det, ixyInv = -cxy / det;
        var (majorSigma, minorSigma, paDeg) = Axes(cxx, cyy, cxy);
        double sigmaZ = channels == 1 ? 0 : p.LineFwhm * fwhmToSigma;

        int rx = (int)Math.Ceiling(4 * majorSigma) + 1;
        int x0 = Math.Max(0, (int)p.X - rx), x1 = Math.Min(width - 1, (int)p.X + rx);
        int y0 = Math.Max(0, (int)p.Y - rx), y1 = Math.Min(height - 1, (int)p.Y + rx);
        int rz = channels == 1 ? 0 : (int)Math.Ceiling(4 * sigmaZ) + 1;
        int z0 = Math.Max(0, (int)p.Z - rz), z1 = Math.Min(channels - 1, (int)p.Z + rz);

        // Unit-peak model statistics: total sum, and sum/count inside the half-maximum ellipsoid.
        double total = 0, halfSum = 0;
        int halfVoxels = 0;
        var halfFootprint = new HashSet<int>();
        for (int z = z0; z <= z1; z++)
        {
            double spectral = channels == 1 ? 1 : Math.Exp(-0.5 * (z - p.Z) * (z - p.Z) / (sigmaZ * sigmaZ));
            for (int y = y0; y <= y1; y++)
            {
                for (int x = x0; x <= x1; x++)
                {
                    double dx = x - p.X, dy = y - p.Y;
                    double m = spectral * Math.Exp(-0.5 * (ixxInv * dx * dx + 2 * ixyInv * dx * dy + iyyInv * dy * dy));
                    total += m;
                    if (m >= 0.5)
                    {
                        halfSum += m;
                        halfVoxels++;
                        halfFootprint.Add(y * width + x);
                    }
                }
            }
        }
        double localNoise = spec.NoiseJyPerBeam / response[(int)Math.Round(p.Y) * width + (int)Math.Round(p.X)];
        double correlated = Math.Min(synthetic.BeamAreaPixels, halfFootprint.Count);
        double unitSnr = halfSum / (localNoise * Math.Sqrt(halfVoxels * correlated));
        double peak = p.TargetSnr / unitSnr;

        for (int z = z0; z <= z1; z++)
        {
            double spectral = channels == 1 ? 1 : Math.Exp(-0.5 * (z - p.Z) * (z - p.Z) / (sigmaZ * sigmaZ));
            for (int y = y0; y <= y1; y++)
            {
                int row = z * planeSize + y * width;
                for (int x = x0; x <= x1; x++)
                {
                    double dx = x - p.X, dy = y - p.Y;
                    data[row + x] += (float)(peak * spectral * Math.Exp(-0.5 * (ixxInv * dx * dx + 2 * ixyInv * dx * dy + iyyInv * dy * dy)));
                }
            }
        }

        // Emission footprint: sky pixels where the model's brightest channel reaches the local noise.
        int footprintPixels = 0;
        double spatialLimit = localNoise / peak;
        for (int y = y0; y <= y1; y++)
        {
            for (int x = x0; x <= x1; x++)
            {
                double dx = x - p.X, dy = y - p.Y;
                if (Math.Exp(-0.5 * (ixxInv * dx * dx + 2 * ixyInv * dx * dy + iyyInv * dy * dy)) >= spatialLimit)
                {
                    footprintPixels++;
                }
            }
        }
        double flux = peak * total / synthetic.BeamAreaPixels * (channels == 1 ? 1 : synthetic.ChannelWidthKmS);
        return new SyntheticSource(id, p.X, p.Y, p.Z, p.LineFwhm, peak, flux,
            majorSigma / fwhmToSigma, minorSigma / fwhmToSigma, paDeg,
            p.IntrinsicMajor, p.IntrinsicMinor, response[(int)Math.Round(p.Y) * width + (int)Math.Round(p.X)], footprintPixels, p.TargetSnr);
    }

    /// <summary>Pixel-axis covariance of an elliptical Gaussian with the given sigmas and PA (east of north, east = -x).</summary>
    public static (double Xx, double Yy, double Xy) Covariance(double majorSigma, double minorSigma, double paDeg)
    {
        double pa = paDeg * Math.PI / 180;
        double ux = -Math.Sin(pa), uy = Math.Cos(pa); // major axis direction
        double vx = uy, vy = -ux;                     // minor axis direction
        double a2 = majorSigma * majorSigma, b2 = minorSigma * minorSigma;
        return (a2 * ux * ux + b2 * vx * vx, a2 * uy * uy + b2 * vy * vy, a2 * ux * uy + b2 * vx * vy);
    }

    /// <summary>Principal sigmas and PA (east of north, east = -x, 0..180) of a pixel-axis covariance.</summary>
    public static (double MajorSigma, double MinorSigma, double PaDeg) Axes(double xx, double yy, double xy)
    {
        double mean = 0.5 * (xx + yy);
        double diff = Math.Sqrt(0.25 * (xx - yy) * (xx - yy) + xy * xy);
        double major = Math.Sqrt(Math.Max(0, mean + diff));
        double minor = Math.Sqrt(Math.Max(0, mean - diff));
        // Major-axis direction (ux, uy) = (-sin PA, cos PA).
        double angle = 0.5 * Math.Atan2(2 * xy, xx - yy); // from +x towards +y
        double ux = Math.Cos(angle), uy = Math.Sin(angle);
        double pa = Math.Atan2(-ux, uy) * 180 / Math.PI;
        pa = ((pa % 180) + 180) % 180;
        return (major, minor, pa);
    }
}
