using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Astrolabe.Regions.Detection;

/// <summary>The vector operations of the hot kernels over a vector of floats <typeparamref name="TVector"/>. A kernel
/// generic over an implementing struct is compiled once per width, these calls inlined, so the same source runs 16 lanes
/// where the CPU has 512-bit vectors (<see cref="Vector{T}"/> stays at 8 lanes unless the runtime is told otherwise by
/// an environment variable) and <see cref="Vector{T}"/> lanes elsewhere.</summary>
/// <remarks>Every lane's arithmetic is the same whatever the width (the same operations in the same order per output
/// value), so the kernels give the same results bit for bit on either.</remarks>
internal interface ILanes<TVector> where TVector : struct
{
    static abstract int Count { get; }

    static abstract TVector Load(ref float start, nuint offset);

    static abstract void Store(TVector value, ref float start, nuint offset);

    static abstract TVector Broadcast(float value);

    /// <summary>a × b + addend with one rounding.</summary>
    static abstract TVector FusedMultiplyAdd(TVector a, TVector b, TVector addend);

    static abstract TVector Add(TVector a, TVector b);

    static abstract TVector Subtract(TVector a, TVector b);

    static abstract TVector Multiply(TVector a, TVector b);

    /// <summary>True when any lane of <paramref name="value"/> is greater than that of <paramref name="limit"/> (NaN
    /// compares false).</summary>
    static abstract bool GreaterThanAny(TVector value, TVector limit);

    /// <summary>Bit i set where lane i is NaN or infinite.</summary>
    static abstract ulong NonFiniteBits(TVector value);

    /// <summary>The value with its NaN and infinite lanes zeroed.</summary>
    static abstract TVector ZeroNonFinite(TVector value);

    static abstract TVector Min(TVector a, TVector b);

    static abstract TVector Max(TVector a, TVector b);

    static abstract TVector Abs(TVector value);

    /// <summary>Whether <see cref="LoadEveryOther"/> is done by permutes on this CPU (otherwise a caller gathers the
    /// lanes one by one).</summary>
    static abstract bool PermutesEveryOther { get; }

    /// <summary>Floats 0, 2, 4, … of the 2 × <see cref="Count"/> from <paramref name="start"/>: two loads and a permute.</summary>
    static abstract TVector LoadEveryOther(ref float start);
}

/// <summary>512-bit vectors (16 floats); used only where <see cref="Vector512.IsHardwareAccelerated"/>.</summary>
internal readonly struct Lanes512 : ILanes<Vector512<float>>
{
    public static int Count => Vector512<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(ref float start, nuint offset) => Vector512.LoadUnsafe(ref start, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> value, ref float start, nuint offset) => value.StoreUnsafe(ref start, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Broadcast(float value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> FusedMultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> addend) =>
        Vector512.FusedMultiplyAdd(a, b, addend);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Subtract(Vector512<float> a, Vector512<float> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Multiply(Vector512<float> a, Vector512<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool GreaterThanAny(Vector512<float> value, Vector512<float> limit) => Vector512.GreaterThanAny(value, limit);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong NonFiniteBits(Vector512<float> value) =>
        ~Vector512.Equals(value - value, Vector512<float>.Zero).ExtractMostSignificantBits() & 0xFFFF;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ZeroNonFinite(Vector512<float> value) =>
        Vector512.ConditionalSelect(Vector512.Equals(value - value, Vector512<float>.Zero), value, Vector512<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Min(Vector512<float> a, Vector512<float> b) => Vector512.Min(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Max(Vector512<float> a, Vector512<float> b) => Vector512.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Abs(Vector512<float> value) => Vector512.Abs(value);

    public static bool PermutesEveryOther => Avx512F.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LoadEveryOther(ref float start) =>
        Avx512F.PermuteVar16x32x2(Vector512.LoadUnsafe(ref start), Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30),
            Vector512.LoadUnsafe(ref start, 16));
}

/// <summary><see cref="Vector{T}"/> of floats: 8 lanes with AVX2, 4 with SSE or Arm's 128-bit vectors, software
/// elsewhere.</summary>
internal readonly struct LanesOfVector : ILanes<Vector<float>>
{
    public static int Count => Vector<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Load(ref float start, nuint offset) => Vector.LoadUnsafe(ref start, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector<float> value, ref float start, nuint offset) => value.StoreUnsafe(ref start, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Broadcast(float value) => new(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> FusedMultiplyAdd(Vector<float> a, Vector<float> b, Vector<float> addend) =>
        Vector.FusedMultiplyAdd(a, b, addend);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Add(Vector<float> a, Vector<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Subtract(Vector<float> a, Vector<float> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Multiply(Vector<float> a, Vector<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool GreaterThanAny(Vector<float> value, Vector<float> limit) => Vector.GreaterThanAny(value, limit);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong NonFiniteBits(Vector<float> value)
    {
        var finite = Vector.Equals(value - value, Vector<float>.Zero);
        ulong bits = Vector<float>.Count switch
        {
            16 => finite.AsVector512().ExtractMostSignificantBits(),
            8 => finite.AsVector256().ExtractMostSignificantBits(),
            4 => finite.AsVector128().ExtractMostSignificantBits(),
            _ => FiniteBitsOneByOne(finite),
        };
        return ~bits & (Vector<float>.Count == 64 ? ulong.MaxValue : (1UL << Vector<float>.Count) - 1);
    }

    private static ulong FiniteBitsOneByOne(Vector<int> finite)
    {
        ulong bits = 0;
        for (int i = 0; i < Vector<int>.Count; i++)
        {
            bits |= (ulong)(finite[i] & 1) << i;
        }
        return bits;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> ZeroNonFinite(Vector<float> value) =>
        Vector.ConditionalSelect(Vector.Equals(value - value, Vector<float>.Zero), value, Vector<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Min(Vector<float> a, Vector<float> b) => Vector.Min(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Max(Vector<float> a, Vector<float> b) => Vector.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Abs(Vector<float> value) => Vector.Abs(value);

    public static bool PermutesEveryOther => Vector<float>.Count == 8 && Avx2.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> LoadEveryOther(ref float start)
    {
        var low = Avx2.PermuteVar8x32(Vector256.LoadUnsafe(ref start), Vector256.Create(0, 2, 4, 6, 0, 2, 4, 6));
        var high = Avx2.PermuteVar8x32(Vector256.LoadUnsafe(ref start, 8), Vector256.Create(0, 2, 4, 6, 0, 2, 4, 6));
        return Avx.Blend(low, high, 0xF0).AsVector();
    }
}
