using System.Security.Cryptography;
using System.Text;

namespace Astrolabe.Hub.Identity;

/// <summary>Random secrets (tokens, session ids, OAuth codes) and the one-way form in which they are stored.
/// 256 random bits need no slow hash: SHA-256 of the secret is enough to make a stolen database useless.</summary>
public static class Secrets
{
    public static string New() => Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>The first characters, safe to show so a user can tell their tokens apart.</summary>
    public static string Prefix(string secret) => secret[..Math.Min(4, secret.Length)];

    /// <summary>A password a person can type: 20 characters from an unambiguous alphabet (~110 bits).</summary>
    public static string NewPassword()
    {
        const string alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        return RandomNumberGenerator.GetString(alphabet, 20);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
