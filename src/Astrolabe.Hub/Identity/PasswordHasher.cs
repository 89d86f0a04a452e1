using System.Security.Cryptography;

namespace Astrolabe.Hub.Identity;

/// <summary>Salted PBKDF2-HMAC-SHA256. The stored form carries algorithm, iterations and salt:
/// `pbkdf2-sha256$210000$salt$hash` (base64), so the work factor can be raised without breaking old hashes.</summary>
public sealed class PasswordHasher(int iterations)
{
    private const int SaltBytes = 16, HashBytes = 32;

    public string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA256, HashBytes);
        return $"pbkdf2-sha256${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    public static bool Verify(string password, string? stored)
    {
        if (stored is null) return false;
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != "pbkdf2-sha256" || !int.TryParse(parts[1], out var n) || n < 1) return false;
        byte[] salt, expected;
        try { salt = Convert.FromBase64String(parts[2]); expected = Convert.FromBase64String(parts[3]); }
        catch (FormatException) { return false; }
        var actual = Rfc2898DeriveBytes.Pbkdf2(password, salt, n, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>Spends the same time as a real check, so a missing account cannot be told from a wrong password.</summary>
    public void VerifyNothing(string password) =>
        Rfc2898DeriveBytes.Pbkdf2(password, new byte[SaltBytes], iterations, HashAlgorithmName.SHA256, HashBytes);
}
