using System.Security.Cryptography;
using System.Text;

namespace BindingBehaviour.Results;

/// <summary>
/// The identity of a claim body: SHA-256 of its C# exactly as the docs show it (<see cref="SourceCode.MethodBody"/>:
/// dedented, LF line ends), as the first 16 hex digits. Line numbers, expectations and sources are not part of it, so
/// they may change without making an observation stale.
/// </summary>
public static class BodyHash
{
    public const int Length = 16;

    public static string Of(string code) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(code.Replace("\r\n", "\n", StringComparison.Ordinal))))[..Length];

    public static bool IsWellFormed(string? hash) =>
        hash is { Length: Length } && hash.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));
}
