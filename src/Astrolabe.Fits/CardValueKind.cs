namespace Astrolabe.Fits;

/// <summary>The type of a card's value as written in the header.</summary>
public enum CardValueKind
{
    /// <summary>Commentary card (COMMENT, HISTORY, blank keyword, or any card without a value indicator).</summary>
    None,
    /// <summary>Value indicator present but no value (FITS "undefined").</summary>
    Undefined,
    String,
    Logical,
    Integer,
    Real,
    Complex,
}
