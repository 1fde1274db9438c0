using System.Text.RegularExpressions;
using BindingBehaviour.Results;

namespace BindingBehaviour.Tests.Infrastructure;

/// <summary>
/// The range a port-0 bind draws from, read from the OS: net.ipv4.ip_local_port_range on Linux,
/// net.inet.ip.portrange.first/last on macOS, `netsh int ipv4 show dynamicport` on Windows. When Windows cannot be
/// asked, the range Microsoft documents for Vista and later (49152-65535) stands in, and the source says so.
/// </summary>
public static partial class EphemeralPortRange
{
    private const int WindowsDocumentedFirst = 49152;
    private const int WindowsDocumentedLast = 65535;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, (int, int, string)> Cache = new();

    /// <summary>The range for a protocol ("tcp" or "udp"), read once per run: Windows answers through a child process.</summary>
    public static (int First, int Last, string Source) Read(string protocol = "tcp") => Cache.GetOrAdd(protocol, ReadFromOs);

    private static (int First, int Last, string Source) ReadFromOs(string protocol)
    {
        if (HostOs.Require() == Os.Windows)
        {
            return Netsh(protocol) is var (first, count)
                ? (first, first + count - 1, $"netsh int ipv4 show dynamicport {protocol}")
                : (WindowsDocumentedFirst, WindowsDocumentedLast, "documented default (netsh gave no answer)");
        }

        var range = RunEnvironment.EphemeralRange()
            ?? throw new InvalidOperationException("The OS did not report its ephemeral port range.");
        return (range.First, range.Last, HostOs.Current == Os.Linux ? "net.ipv4.ip_local_port_range" : "net.inet.ip.portrange.first/last");
    }

    public static bool Contains(this (int First, int Last, string Source) range, int port) => port >= range.First && port <= range.Last;

    private static (int First, int Count)? Netsh(string protocol)
    {
        // "Start Port : 49152" and "Number of Ports : 16384", whatever the UI language calls them: the two numbers in order.
        var output = RunEnvironment.Run("netsh", $"int ipv4 show dynamicport {protocol}");
        var numbers = output is null ? [] : Number().Matches(output).Select(m => int.Parse(m.Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        return numbers.Count >= 2 ? (numbers[0], numbers[1]) : null;
    }

    [GeneratedRegex(@"\b\d+\b")]
    private static partial Regex Number();
}
