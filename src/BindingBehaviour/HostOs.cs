namespace BindingBehaviour;

public static class HostOs
{
    /// <summary>The OS this process runs on, or null when it is none of the three the atlas knows.</summary>
    public static Os? Current { get; } =
        OperatingSystem.IsLinux() ? Os.Linux
        : OperatingSystem.IsWindows() ? Os.Windows
        : OperatingSystem.IsMacOS() ? Os.MacOS
        : null;

    public static Os Require() =>
        Current ?? throw new PlatformNotSupportedException(
            $"BindingBehaviour knows Linux, Windows and macOS; this is {System.Runtime.InteropServices.RuntimeInformation.OSDescription}.");

    public static bool TryParse(string? text, out Os os) =>
        Enum.TryParse(text, ignoreCase: false, out os) && Enum.IsDefined(os);
}
