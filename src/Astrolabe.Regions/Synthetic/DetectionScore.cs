using Astrolabe.Regions.Detection;

namespace Astrolabe.Regions.Synthetic;

/// <summary>A detection paired with the synthetic source it found.</summary>
public sealed record DetectionMatch(SyntheticSource Source, DetectedRegion Region)
{
    public double CentroidOffsetPixels => Math.Sqrt(Math.Pow(Region.CentroidX - Source.X, 2) + Math.Pow(Region.CentroidY - Source.Y, 2));
}

/// <summary>Scores detections against a truth table: completeness above a S/N, reliability, and the matched pairs.</summary>
/// <remarks>A detection matches a source when the source centre lies inside the detection's pixel box and channel range
/// (one pixel/channel of slack); each source and each detection is used at most once, nearest centroid first.</remarks>
public sealed class DetectionScore
{
    private DetectionScore(List<DetectionMatch> matches, List<SyntheticSource> missed, List<DetectedRegion> spurious, int sources, int detections)
    {
        Matches = matches;
        Missed = missed;
        Spurious = spurious;
        SourceCount = sources;
        DetectionCount = detections;
    }

    public IReadOnlyList<DetectionMatch> Matches { get; }
    public IReadOnlyList<SyntheticSource> Missed { get; }
    public IReadOnlyList<DetectedRegion> Spurious { get; }
    public int SourceCount { get; }
    public int DetectionCount { get; }

    /// <summary>Fraction of detections that match a source (1 when nothing was detected).</summary>
    public double Reliability => DetectionCount == 0 ? 1 : (double)Matches.Count / DetectionCount;

    /// <summary>Fraction of sources with integrated S/N at or above <paramref name="minimumSnr"/> that were found.</summary>
    public double Completeness(double minimumSnr)
    {
        int eligible = 0, found = 0;
        foreach (var s in Missed)
        {
            if (s.IntegratedSnr >= minimumSnr) eligible++;
        }
        foreach (var m in Matches)
        {
            if (m.Source.IntegratedSnr >= minimumSnr)
            {
                eligible++;
                found++;
            }
        }
        return eligible == 0 ? 1 : (double)found / eligible;
    }

    public int CountAbove(double minimumSnr)
    {
        int n = 0;
        foreach (var s in Missed) if (s.IntegratedSnr >= minimumSnr) n++;
        foreach (var m in Matches) if (m.Source.IntegratedSnr >= minimumSnr) n++;
        return n;
    }

    /// <summary>Scores one cube's detections against its sources.</summary>
    public static DetectionScore Score(IReadOnlyList<SyntheticSource> sources, IReadOnlyList<DetectedRegion> regions)
    {
        var candidates = new List<(double Distance, int Source, int Region)>();
        for (int s = 0; s < sources.Count; s++)
        {
            var src = sources[s];
            for (int r = 0; r < regions.Count; r++)
            {
                var reg = regions[r];
                bool inside = src.X >= reg.MinX - 1 && src.X <= reg.MaxX + 1
                    && src.Y >= reg.MinY - 1 && src.Y <= reg.MaxY + 1
                    && src.Channel >= reg.MinChannel - 1 && src.Channel <= reg.MaxChannel + 1;
                if (inside)
                {
                    double d = Math.Sqrt(Math.Pow(reg.CentroidX - src.X, 2) + Math.Pow(reg.CentroidY - src.Y, 2) + Math.Pow(reg.CentroidChannel - src.Channel, 2));
                    candidates.Add((d, s, r));
                }
            }
        }
        candidates.Sort((a, b) => a.Distance != b.Distance ? a.Distance.CompareTo(b.Distance) : a.Source != b.Source ? a.Source.CompareTo(b.Source) : a.Region.CompareTo(b.Region));
        var sourceUsed = new bool[sources.Count];
        var regionUsed = new bool[regions.Count];
        var matches = new List<DetectionMatch>();
        foreach (var (_, s, r) in candidates)
        {
            if (!sourceUsed[s] && !regionUsed[r])
            {
                sourceUsed[s] = regionUsed[r] = true;
                matches.Add(new DetectionMatch(sources[s], regions[r]));
            }
        }
        var missed = new List<SyntheticSource>();
        for (int s = 0; s < sources.Count; s++) if (!sourceUsed[s]) missed.Add(sources[s]);
        var spurious = new List<DetectedRegion>();
        for (int r = 0; r < regions.Count; r++) if (!regionUsed[r]) spurious.Add(regions[r]);
        return new DetectionScore(matches, missed, spurious, sources.Count, regions.Count);
    }

    /// <summary>Pools several cubes' scores into one.</summary>
    public static DetectionScore Combine(IEnumerable<DetectionScore> scores)
    {
        var matches = new List<DetectionMatch>();
        var missed = new List<SyntheticSource>();
        var spurious = new List<DetectedRegion>();
        int sources = 0, detections = 0;
        foreach (var s in scores)
        {
            matches.AddRange(s.Matches);
            missed.AddRange(s.Missed);
            spurious.AddRange(s.Spurious);
            sources += s.SourceCount;
            detections += s.DetectionCount;
        }
        return new DetectionScore(matches, missed, spurious, sources, detections);
    }
}
