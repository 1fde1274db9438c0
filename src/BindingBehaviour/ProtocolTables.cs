using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using BindingBehaviour.Native;

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

    /// <summary>Counts the sockets (distinct inodes) of a /proc/net table whose local address is the end point, optionally in one state (the kernel's hex code, "0A" for LISTEN).</summary>
    public static int CountProcSockets(string path, IPEndPoint endPoint, string? state) =>
        ReadProcNet(path).Where(s => s.Local.Equals(endPoint) && (state is null || s.StateCode == state)).Select(s => s.Inode).Distinct().Count();

    /// <summary>
    /// Every socket of one /proc/net table (tcp, tcp6, udp, udp6) as the kernel prints it (net/ipv4/tcp_ipv4.c
    /// get_tcp4_sock(), net/ipv6/tcp_ipv6.c get_tcp6_sock(), net/ipv4/udp.c udp4_format_sock()): addresses as raw 32-bit
    /// words in host order, the port in hex, the state in hex, the socket's uid and inode. Linux lists listening and
    /// connected TCP sockets and TIME-WAIT ones (inode 0, no owner), not TCP sockets that are only bound.
    /// </summary>
    public static IReadOnlyList<ProcNetSocket> ReadProcNet(string path)
    {
        var transport = Path.GetFileName(path).StartsWith("tcp", StringComparison.Ordinal) ? Transport.Tcp : Transport.Udp;
        return [.. ReadInetTable(path).Select(r => new ProcNetSocket(transport, r.Local, r.Remote, r.StateCode, StateName(transport, r.StateCode), r.Uid, r.Inode))];
    }

    /// <summary>
    /// The rows of any inet table of /proc/net (tcp, udp, udplite, raw, icmp and their IPv6 twins print one format:
    /// "sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode"); the one parser of
    /// those tables, for the doctor, the claims and the descriptor ledger.
    /// </summary>
    public static IEnumerable<ProcNetRow> ReadInetTable(string path)
    {
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 9 && ParseEndPoint(fields[1]) is { } local && ParseEndPoint(fields[2]) is { } remote
                && int.TryParse(fields[7], NumberStyles.None, CultureInfo.InvariantCulture, out var uid)
                && long.TryParse(fields[9], NumberStyles.None, CultureInfo.InvariantCulture, out var inode))
            {
                yield return new ProcNetRow(local, remote, fields[3], uid, inode);
            }
        }
    }

    /// <summary>The state as ss(8) names it (iproute2 misc/ss.c, sstate_name): LISTEN, ESTAB, TIME-WAIT, UNCONN, ...</summary>
    public static string StateName(Transport transport, string code) => code switch
    {
        "01" => "ESTAB",
        "02" => "SYN-SENT",
        "03" => "SYN-RECV",
        "04" => "FIN-WAIT-1",
        "05" => "FIN-WAIT-2",
        "06" => "TIME-WAIT",
        "07" => "UNCONN",
        "08" => "CLOSE-WAIT",
        "09" => "LAST-ACK",
        "0A" => transport == Transport.Tcp ? "LISTEN" : "UNCONN",
        "0B" => "CLOSING",
        "0C" => "SYN-RECV",
        _ => code,
    };

    /// <summary>"0100007F:1F90" (IPv4) or 32 hex digits and a port (IPv6): four 32-bit words, each in host byte order.</summary>
    private static IPEndPoint? ParseEndPoint(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon is not (8 or 32) || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var port))
        {
            return null;
        }

        var bytes = new byte[colon / 2];
        for (var word = 0; word < colon / 8; word++)
        {
            if (!uint.TryParse(text.AsSpan(word * 8, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var value))
            {
                return null;
            }

            // The kernel printed the word as the machine holds it in memory: write it back the same way.
            BitConverter.TryWriteBytes(bytes.AsSpan(word * 4, 4), value);
        }

        return new IPEndPoint(new IPAddress(bytes), port);
    }
}

/// <summary>One row of an inet table of /proc/net: the state as the kernel's hex code ("0A"), the owner's uid, the inode.</summary>
public sealed record ProcNetRow(IPEndPoint Local, IPEndPoint Remote, string StateCode, int Uid, long Inode);

/// <summary>One socket of /proc/net/{tcp,tcp6,udp,udp6}: the kernel's hex state and its ss(8) name, owner uid, inode (0 for TIME-WAIT).</summary>
public sealed record ProcNetSocket(Transport Transport, IPEndPoint Local, IPEndPoint Remote, string StateCode, string State, int Uid, long Inode);
