namespace BindingBehaviour.Tests.Infrastructure;

/// <summary>
/// The python3 that a few engine tests use as an independent reference (its socket module calls libc directly), where
/// Debian and a pip-style install put it; null when the machine has none, and those tests skip.
/// </summary>
public static class Python3
{
    public static string? Path { get; } = new[] { "/usr/bin/python3", "/usr/local/bin/python3" }.FirstOrDefault(File.Exists);
}
