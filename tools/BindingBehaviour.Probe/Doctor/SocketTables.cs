using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using BindingBehaviour.Native;

namespace BindingBehaviour.Probe.Doctor;

/// <summary>The OS would not let the doctor read a socket table it needs: one line, exit code 1.</summary>
public sealed class SocketTableException(string message) : Exception(message);

/// <summary>Where the sockets of this machine come from.</summary>
public interface ISocketTable
{
    /// <summary>What this source is: "/proc/net and /proc/PID/fd", "GetExtendedTcpTable and GetExtendedUdpTable".</summary>
    string Source { get; }

    /// <summary>Every TCP and UDP socket, IPv4 and IPv6, whose local port is <paramref name="port"/>.</summary>
    IReadOnlyList<HeldSocket> OnPort(int port);

    /// <summary>What this source cannot show, for the report (always said, never left out).</summary>
    IReadOnlyList<string> Limits { get; }
}

public static class SocketTables
{
    /// <summary>The socket table of this OS.</summary>
    public static ISocketTable ForThisMachine() =>
        OperatingSystem.IsLinux() ? new LinuxSocketTable()
        : OperatingSystem.IsWindows() ? new WindowsSocketTable()
        : new PortableSocketTable();
}

/// <summary>
/// Linux: /proc/net/{tcp,tcp6,udp,udp6} (ProtocolTables.ReadProcNet) for the sockets, and every process's
/// /proc/PID/fd links ("socket:[INODE]", proc(5)) for their owners; /proc/PID/comm for the command.
/// A process of another user keeps its fd directory from us unless we are root (ptrace access mode, proc(5)).
/// </summary>
public sealed class LinuxSocketTable(string proc = "/proc") : ISocketTable
{
    private readonly List<string> _limits =
    [
        "TCP sockets that are bound but neither listening nor connected are not in /proc/net/tcp (Linux lists listening, connected and TIME-WAIT sockets only); `ss -tanB` on iproute2 and Linux 6.10 or later shows them",
        "only this network namespace's sockets are listed",
    ];

    public string Source => $"{proc}/net/{{tcp,tcp6,udp,udp6}} and {proc}/PID/fd";

    public IReadOnlyList<string> Limits => _limits;

    public IReadOnlyList<HeldSocket> OnPort(int port)
    {
        var sockets = new List<ProcNetSocket>();
        foreach (var table in new[] { "tcp", "tcp6", "udp", "udp6" })
        {
            var path = Path.Combine(proc, "net", table);
            if (!File.Exists(path) && table.EndsWith('6'))
            {
                _limits.Add($"{path} does not exist: no IPv6 here");
                continue;
            }

            try
            {
                sockets.AddRange(ProtocolTables.ReadProcNet(path).Where(s => s.Local.Port == port));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new SocketTableException($"cannot read {path}, the kernel's list of {table} sockets: {e.Message}");
            }
        }

        var wanted = sockets.Where(s => s.Inode != 0).Select(s => s.Inode).ToHashSet();
        var (owners, hidden) = Owners(wanted);
        var self = Environment.UserName;
        var users = new Dictionary<int, string?>();
        return [.. sockets.Select(s =>
        {
            var user = users.TryGetValue(s.Uid, out var known) ? known : users[s.Uid] = UserName(s.Uid);
            if (s.Inode == 0)
            {
                return Held(s, null, null, user, "no process: the kernel keeps a TIME-WAIT socket after its owner closed it");
            }

            if (owners.TryGetValue(s.Inode, out var owner))
            {
                return Held(s, owner.Pid, owner.Command, user, null);
            }

            var note = hidden > 0
                ? $"owner not visible: {hidden} processes' descriptors ({proc}/PID/fd) may not be read by this user ({self}); the socket belongs to uid {s.Uid}; run the doctor as root or as that user to see it"
                : "no process in this PID namespace holds it (it may have just closed, or live in another PID namespace)";
            return Held(s, null, null, user, note);
        })];
    }

    private static HeldSocket Held(ProcNetSocket s, int? pid, string? command, string? user, string? note) =>
        new(s.Transport, s.Local, s.Remote.Port == 0 && IsAny(s.Remote.Address) ? null : s.Remote, s.State, s.Uid, s.Inode, pid, command, user, note);

    private static bool IsAny(IPAddress address) => address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);

    /// <summary>Which process holds each inode, and how many processes' descriptors could not be read.</summary>
    private (Dictionary<long, (int Pid, string? Command)> Owners, int Hidden) Owners(HashSet<long> inodes)
    {
        var owners = new Dictionary<long, (int, string?)>();
        var hidden = 0;
        if (inodes.Count == 0)
        {
            return (owners, hidden);
        }

        foreach (var directory in Directory.EnumerateDirectories(proc))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                foreach (var fd in Directory.EnumerateFileSystemEntries(Path.Combine(directory, "fd")))
                {
                    var target = new FileInfo(fd).LinkTarget;
                    if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal)
                        && long.TryParse(target.AsSpan(8, target.Length - 9), NumberStyles.None, CultureInfo.InvariantCulture, out var inode)
                        && inodes.Contains(inode) && !owners.ContainsKey(inode))
                    {
                        owners[inode] = (pid, Command(directory));
                    }
                }
            }
            catch (UnauthorizedAccessException)
            {
                hidden++;
            }
            catch (IOException)
            {
                // The process ended while we looked, or a descriptor closed: nothing of it to report.
            }
        }

        return (owners, hidden);
    }

    private static string? Command(string directory)
    {
        try
        {
            return File.ReadAllText(Path.Combine(directory, "comm")).TrimEnd('\n');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The name /etc/passwd gives the uid, or null.</summary>
    private static string? UserName(int uid)
    {
        try
        {
            var text = uid.ToString(CultureInfo.InvariantCulture);
            return File.ReadLines("/etc/passwd").Select(l => l.Split(':')).FirstOrDefault(f => f.Length > 2 && f[2] == text)?[0];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}

/// <summary>
/// Any other OS (macOS): .NET's IPGlobalProperties lists TCP listeners and connections and UDP sockets, without their
/// processes. A libproc reader (proc_pidfdinfo with PROC_PIDFDSOCKETINFO) would give the owners; it is not written yet.
/// </summary>
public sealed class PortableSocketTable : ISocketTable
{
    public string Source => "IPGlobalProperties (.NET)";

    public IReadOnlyList<string> Limits { get; } =
    [
        "owning processes are not shown on this OS (no libproc reader yet): `lsof -nP -iTCP:PORT -iUDP:PORT` shows them",
        "TCP sockets that are bound but neither listening nor connected are not listed",
    ];

    public IReadOnlyList<HeldSocket> OnPort(int port)
    {
        const string note = "owner not shown: this OS's socket list (IPGlobalProperties) has no processes";
        try
        {
            var properties = IPGlobalProperties.GetIPGlobalProperties();
            var held = new List<HeldSocket>();
            held.AddRange(properties.GetActiveTcpListeners().Where(e => e.Port == port)
                .Select(e => new HeldSocket(Transport.Tcp, e, null, "LISTEN", null, null, null, null, null, note)));
            held.AddRange(properties.GetActiveTcpConnections().Where(c => c.LocalEndPoint.Port == port && c.State != TcpState.Listen)
                .Select(c => new HeldSocket(Transport.Tcp, c.LocalEndPoint, c.RemoteEndPoint, StateName(c.State), null, null, null, null, null, note)));
            held.AddRange(properties.GetActiveUdpListeners().Where(e => e.Port == port)
                .Select(e => new HeldSocket(Transport.Udp, e, null, "UNCONN", null, null, null, null, null, note)));
            return held;
        }
        catch (NetworkInformationException e)
        {
            throw new SocketTableException($"cannot read this machine's socket list (IPGlobalProperties): {e.Message}");
        }
    }

    /// <summary>.NET's TcpState in ss(8)'s words.</summary>
    public static string StateName(TcpState state) => state switch
    {
        TcpState.Listen => "LISTEN",
        TcpState.Established => "ESTAB",
        TcpState.SynSent => "SYN-SENT",
        TcpState.SynReceived => "SYN-RECV",
        TcpState.FinWait1 => "FIN-WAIT-1",
        TcpState.FinWait2 => "FIN-WAIT-2",
        TcpState.TimeWait => "TIME-WAIT",
        TcpState.CloseWait => "CLOSE-WAIT",
        TcpState.LastAck => "LAST-ACK",
        TcpState.Closing => "CLOSING",
        TcpState.Closed => "UNCONN",
        _ => state.ToString().ToUpperInvariant(),
    };
}
