namespace Astrolabe.Regions.Detection;

/// <summary>Planes kept from one search for the next: a cube's ring, sums and masks are a few dozen planes (about 12 MB
/// for 256×256 pixels), and memory fresh from the system costs a page fault per 4 KB when first written, about as much
/// as writing it. Planes of one length are kept (a search's planes all have its plane size; planes of another length
/// replace them), up to <see cref="MaxKeptBytes"/> in all; a plane asked for as zeroed is cleared, so a search gives the
/// same result from kept planes as from new ones.</summary>
internal static class PlanePool
{
    /// <summary>At most this many bytes are kept between searches (two workers' rings for 1024×1024 planes).</summary>
    private const long MaxKeptBytes = 400L << 20;

    private static readonly Dictionary<(Type Element, int Length), Stack<Array>> Kept = [];
    private static long _keptBytes;
    private static int _keptLength = -1;

    /// <summary>A plane of <paramref name="length"/> values: zeroed when <paramref name="zeroed"/>, otherwise of any content.</summary>
    public static T[] Rent<T>(int length, bool zeroed) where T : unmanaged
    {
        lock (Kept)
        {
            if (Kept.TryGetValue((typeof(T), length), out var stack) && stack.Count > 0)
            {
                var array = (T[])stack.Pop();
                _keptBytes -= Bytes(array);
                if (zeroed)
                {
                    Array.Clear(array);
                }
                return array;
            }
        }
        return zeroed ? new T[length] : GC.AllocateUninitializedArray<T>(length);
    }

    /// <summary>Hands planes back once no longer used; those beyond the limit are left to the collector.</summary>
    public static void Return<T>(IEnumerable<T[]?> planes) where T : unmanaged
    {
        lock (Kept)
        {
            foreach (var plane in planes)
            {
                if (plane is not null && plane.Length != _keptLength)
                {
                    Kept.Clear();
                    _keptBytes = 0;
                    _keptLength = plane.Length;
                }
                if (plane is null || plane.Length == 0 || _keptBytes + Bytes(plane) > MaxKeptBytes)
                {
                    continue;
                }
                if (!Kept.TryGetValue((typeof(T), plane.Length), out var stack))
                {
                    Kept[(typeof(T), plane.Length)] = stack = new Stack<Array>();
                }
                stack.Push(plane);
                _keptBytes += Bytes(plane);
            }
        }
    }

    private static long Bytes<T>(T[] array) where T : unmanaged => (long)array.Length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
}
