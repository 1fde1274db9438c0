using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;

namespace BindingBehaviour;

/// <summary>
/// Reads the OS's own lists of TCP listeners and UDP sockets, to show that each protocol keeps its own table:
/// IPGlobalProperties on every OS and, on Linux, /proc/net/tcp and /proc/net/udp as the kernel prints them.
/// </summary>
public static class ProtocolTables
{
    private const string TcpListenState = "0A";

    /// <summary>"tcp=N udp=M" when every source agrees on how many entries hold the end point, else what each source says.</summary>
    public static (string Value, string Detail) Count(IPEndPoint endPoint)
    {
        var properties = IPGlobalProperties.GetIPGlobalProperties();
        var tcp = properties.GetActiveTcpListeners().Count(endPoint.Equals);
        var udp = properties.GetActiveUdpListeners().Count(endPoint.Equals);
        var managed = $"tcp={tcp} udp={udp}";
        var detail = $"IPGlobalProperties: {tcp} TCP listener(s) and {udp} UDP socket(s) on {endPoint.Address}:P";
        if (!OperatingSystem.IsLinux())
        {
            return (managed, detail);
        }

        // On Linux IPGlobalProperties parses /proc/net as well, and a read that races a change elsewhere in the table
        // may print one socket twice (seq_file restarts between chunks). Counting distinct inodes in /proc is exact,
        // so it gives the value; IPGlobalProperties must list each entry too.
        var procTcp = CountProcSockets("/proc/net/tcp", endPoint, TcpListenState);
        var procUdp = CountProcSockets("/proc/net/udp", endPoint, state: null);
        var proc = $"tcp={procTcp} udp={procUdp}";
        detail += $"; /proc/net/tcp: {procTcp} LISTEN socket(s), /proc/net/udp: {procUdp} socket(s)";
        var listed = tcp > 0 && udp > 0;
        return (listed || proc != "tcp=1 udp=1" ? proc : $"IPGlobalProperties misses an entry: {managed}, /proc/net {proc}", detail);
    }

    /// <summary>Counts the sockets (distinct inodes) of a /proc/net table whose local address is the end point (IPv4 only), optionally in one state.</summary>
    public static int CountProcSockets(string path, IPEndPoint endPoint, string? state)
    {
        // The kernel prints the address as the raw 32-bit value in host order and the port in hex.
        var address = BitConverter.ToUInt32(endPoint.Address.GetAddressBytes()).ToString("X8", CultureInfo.InvariantCulture);
        var local = $"{address}:{endPoint.Port:X4}";
        return File.ReadLines(path)
            .Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length > 9 && fields[1] == local && (state is null || fields[3] == state))
            .Select(fields => fields[9])
            .Distinct()
            .Count();
    }
}
