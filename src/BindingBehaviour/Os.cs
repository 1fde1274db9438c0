namespace BindingBehaviour;

/// <summary>The operating systems a claim states an expectation for; snapshot files use Verify's tokens (<see cref="OsNames.SnapshotToken"/>).</summary>
public enum Os
{
    Linux,
    Windows,
    MacOS,
}

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

public static class OsNames
{
    /// <summary>The OS's token in snapshot file names, Verify's own (OSX for macOS), so that moving to Verify keeps the files.</summary>
    public static string SnapshotToken(this Os os) => os == Os.MacOS ? "OSX" : os.ToString();
}
