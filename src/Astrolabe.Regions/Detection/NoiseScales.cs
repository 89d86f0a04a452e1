namespace Astrolabe.Regions.Detection;

/// <summary>The noise of a cube as factors that turn data into S/N: one per channel and one per sky pixel.</summary>
/// <param name="Typical">The cube-wide noise in data units: the median of the channel noises.</param>
internal sealed record NoiseScales(float[] ChannelInverse, float[] MapInverse, double Typical)
{
    /// <summary>S/N of one channel plane: data × channel factor × map factor (NaN stays NaN).</summary>
    public void Apply(int channel, ReadOnlySpan<float> data, Span<float> snr) => Apply(channel, 0, data, snr);

    /// <summary>S/N of part of a channel plane, from pixel <paramref name="firstPixel"/> on.</summary>
    public void Apply(int channel, int firstPixel, ReadOnlySpan<float> data, Span<float> snr)
    {
        PlaneArithmetic.ScaleMultiply(data, ChannelInverse[channel], MapInverse.AsSpan(firstPixel, data.Length), snr);
    }
}
