using System.Diagnostics;
using System.Runtime.InteropServices;
using BindingBehaviour.Native;

namespace BindingBehaviour.Results;

/// <summary>Reads the facts of this machine that decide binding: OS, kernel, runtime, user and the settings that matter.</summary>
public static class RunEnvironment
{
    /// <summary>Linux sysctls that change bind answers; each is per network namespace except where noted in the docs.</summary>
    public static readonly IReadOnlyList<string> LinuxSysctls =
    [
        "net.ipv6.bindv6only",
        "net.ipv4.ip_local_port_range",
        "net.ipv4.ip_local_reserved_ports",
        "net.ipv4.ip_unprivileged_port_start",
        "net.ipv4.ip_nonlocal_bind",
        "net.ipv6.ip_nonlocal_bind",
    ];

    /// <summary>How the run ran: host (the default), user-mode-linux, netns, ci ...; free text of one line, set by whoever starts the run.</summary>
    public const string HowVariable = "BINDINGBEHAVIOUR_RUN_HOW";

    /// <summary>The commit the run was built from; otherwise <c>git rev-parse HEAD</c> in the repository, or "unknown".</summary>
    public const string CommitVariable = "BINDINGBEHAVIOUR_COMMIT";

    public const string DefaultHow = "host";

    /// <summary>
    /// The environment of a claims run: <see cref="Capture"/>, and how it ran (<see cref="HowVariable"/>), the commit, the
    /// run-name qualifier (<see cref="RunName.QualifierVariable"/>) and whether this machine can bind IPv6 loopback.
    /// </summary>
    public static RunInfo CaptureRun(DateTime utcNow, string repositoryRoot)
    {
        var qualifier = Environment.GetEnvironmentVariable(RunName.QualifierVariable) is { Length: > 0 } q ? q : null;
        var how = Environment.GetEnvironmentVariable(HowVariable) is { } h && h.Trim().Length > 0 ? Normalize(h) : DefaultHow;
        var run = Capture(utcNow) with
        {
            How = how,
            Commit = Commit(repositoryRoot),
            Qualifier = qualifier,
            IPv6 = !Matrix.MatrixCapabilities.OfThisMachine.Missing.ContainsKey(Matrix.MatrixCapabilities.IPv6),
        };
        _ = RunName.Of(run, qualifier ?? ""); // a bad qualifier fails the run at its start, not at record time
        return run;
    }

    /// <summary>The commit of the checkout: <see cref="CommitVariable"/> if set, else git's HEAD, else "unknown".</summary>
    public static string Commit(string repositoryRoot) =>
        Environment.GetEnvironmentVariable(CommitVariable) is { } chosen && chosen.Trim().Length > 0
            ? chosen.Trim()
            : Run("git", $"-C \"{repositoryRoot}\" rev-parse HEAD") ?? "unknown";

    public static RunInfo Capture(DateTime utcNow)
    {
        var os = HostOs.Require();
        return new RunInfo(
            os.ToString(),
            RuntimeInformation.OSDescription,
            Environment.OSVersion.VersionString,
            Kernel(os),
            RuntimeInformation.FrameworkDescription,
            utcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            User(os),
            Settings(os));
    }

    public static string? ReadSysctl(string name)
    {
        var path = "/proc/sys/" + name.Replace('.', '/');
        try
        {
            return File.Exists(path) ? Normalize(File.ReadAllText(path)) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>The ephemeral port range this OS hands out for port 0, read from the OS where it can be read.</summary>
    public static (int First, int Last)? EphemeralRange()
    {
        var text = HostOs.Current switch
        {
            Os.Linux => ReadSysctl("net.ipv4.ip_local_port_range"),
            Os.MacOS => Run("sysctl", "-n net.inet.ip.portrange.first net.inet.ip.portrange.last"),
            _ => null,
        };
        var parts = text?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts is [var first, var last] && int.TryParse(first, out var a) && int.TryParse(last, out var b) ? (a, b) : null;
    }

    private static string Kernel(Os os) => os switch
    {
        Os.Linux => Normalize(File.ReadAllText("/proc/sys/kernel/osrelease")),
        _ => Environment.OSVersion.Version.ToString(),
    };

    private static string User(Os os)
    {
        if (os == Os.Windows)
        {
            return "windows user";
        }

        var uid = Libc.GetEuid();
        return uid == 0 ? "uid 0 (root)" : $"uid {uid}";
    }

    private static SortedDictionary<string, string> Settings(Os os)
    {
        var settings = new SortedDictionary<string, string>(StringComparer.Ordinal);
        switch (os)
        {
            case Os.Linux:
                foreach (var name in LinuxSysctls)
                {
                    if (ReadSysctl(name) is { } value)
                    {
                        settings[name] = value;
                    }
                }

                break;
            case Os.MacOS:
                foreach (var name in new[] { "net.inet.ip.portrange.first", "net.inet.ip.portrange.last", "net.inet6.ip6.v6only" })
                {
                    if (Run("sysctl", "-n " + name) is { } value)
                    {
                        settings[name] = value;
                    }
                }

                break;
            case Os.Windows:
                if (Run("netsh", "int ipv4 show dynamicport tcp") is { } range)
                {
                    settings["netsh int ipv4 show dynamicport tcp"] = range;
                }

                break;
        }

        return settings;
    }

    /// <summary>Runs a command and returns its output with white space folded, or null when it fails or does not exist.</summary>
    public static string? Run(string program, string arguments)
    {
        try
        {
            return ChildProcess.Run(new ProcessStartInfo(program, arguments), TimeSpan.FromSeconds(5)) is (0, var output, _) ? Normalize(output) : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private static string Normalize(string text) =>
        string.Join(' ', text.Split((char[])['\t', '\n', '\r', ' '], StringSplitOptions.RemoveEmptyEntries));
}
