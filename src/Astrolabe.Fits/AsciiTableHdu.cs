namespace Astrolabe.Fits;

public sealed partial class AsciiTableHdu : Hdu
{
    internal AsciiTableHdu(FitsFile file, int index, Header header, long headerOffset, long dataOffset, long dataSize, long available)
        : base(file, index, header, headerOffset, dataOffset, dataSize, available)
    {
    }
}
