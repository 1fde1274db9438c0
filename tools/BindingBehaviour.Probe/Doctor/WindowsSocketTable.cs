using System.Buffers.Binary;
using System.Net;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using BindingBehaviour.Native;

namespace BindingBehaviour.Probe.Doctor;

/// <summary>
/// Windows: GetExtendedTcpTable (TCP_TABLE_OWNER_PID_ALL) and GetExtendedUdpTable (UDP_TABLE_OWNER_PID) of iphlpapi, for
/// AF_INET and AF_INET6, give every socket with its owning pid (Microsoft Learn, "GetExtendedTcpTable function",
/// MIB_TCPROW_OWNER_PID, MIB_TCP6ROW_OWNER_PID, MIB_UDPROW_OWNER_PID, MIB_UDP6ROW_OWNER_PID). Ports are in network byte
/// order in the low 16 bits of a DWORD. Written from those pages; run here only under Wine 8 (the self-contained win-x64
/// publish), whose iphlpapi implements both calls and reports pid 0 for sockets of Linux processes.
/// </summary>
[SupportedOSPlatform("windows")]
public sealed unsafe partial class WindowsSocketTable : ISocketTable
{
    private const uint AfInet = 2;
    private const uint AfInet6 = 23;
    private const int TcpTableOwnerPidAll = 5;
    private const int UdpTableOwnerPid = 1;
    private const uint NoError = 0;
    private const uint InsufficientBuffer = 122;

    public string Source => "GetExtendedTcpTable and GetExtendedUdpTable (iphlpapi)";

    public IReadOnlyList<string> Limits { get; } =
    [
        "the user of an owning process is not shown on Windows (it needs the process's token)",
        "sockets of the System process (pid 4) belong to the kernel, such as HTTP.sys URL reservations (`netsh http show servicestate`)",
    ];

    public IReadOnlyList<HeldSocket> OnPort(int port)
    {
        var held = new List<HeldSocket>();
        foreach (var (af, rowSize) in new[] { (AfInet, 24), (AfInet6, 56) })
        {
            var table = Read("GetExtendedTcpTable", af, (buffer, size) => GetExtendedTcpTable(buffer, size, 0, af, TcpTableOwnerPidAll, 0));
            foreach (var row in Rows(table, rowSize))
            {
                // MIB_TCPROW_OWNER_PID: state, local addr, local port, remote addr, remote port, pid;
                // MIB_TCP6ROW_OWNER_PID: local addr[16], scope, local port, remote addr[16], scope, remote port, state, pid.
                var ipv4 = af == AfInet;
                var local = ipv4 ? EndPoint(row, 4, 4, 8) : EndPoint(row, 0, 16, 20);
                var remote = ipv4 ? EndPoint(row, 12, 4, 16) : EndPoint(row, 24, 16, 44);
                var state = U32(row, ipv4 ? 0 : 48);
                var pid = U32(row, ipv4 ? 20 : 52);
                if (local.Port == port)
                {
                    held.Add(Held(Transport.Tcp, local, state == 2 ? null : remote, TcpState(state), (int)pid));
                }
            }

            var udp = Read("GetExtendedUdpTable", af, (buffer, size) => GetExtendedUdpTable(buffer, size, 0, af, UdpTableOwnerPid, 0));
            foreach (var row in Rows(udp, af == AfInet ? 12 : 28))
            {
                // MIB_UDPROW_OWNER_PID: local addr, local port, pid; MIB_UDP6ROW_OWNER_PID: local addr[16], scope, local port, pid.
                var ipv4 = af == AfInet;
                var local = ipv4 ? EndPoint(row, 0, 4, 4) : EndPoint(row, 0, 16, 20);
                var pid = U32(row, ipv4 ? 8 : 24);
                if (local.Port == port)
                {
                    held.Add(Held(Transport.Udp, local, null, "UNCONN", (int)pid));
                }
            }
        }

        return held;
    }

    private static HeldSocket Held(Transport transport, IPEndPoint local, IPEndPoint? remote, string state, int pid)
    {
        if (pid == 0)
        {
            // The System Idle Process owns no socket: 0 means that no owner was reported (Wine reports 0 for sockets of
            // Linux processes).
            return new HeldSocket(transport, local, remote, state, null, null, null, null, null, "the OS reports no owning process for it (pid 0)");
        }

        string? name = null;
        string? note = pid == 4 ? "the System process: a kernel driver holds the port (HTTP.sys: netsh http show servicestate)" : null;
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            name = process.ProcessName;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            note ??= $"process {pid} could not be opened (it may have ended, or belong to another session)";
        }

        return new HeldSocket(transport, local, remote, state, null, null, pid, name, null, note);
    }

    /// <summary>Calls a GetExtended*Table function until its buffer is big enough; the table starts with dwNumEntries.</summary>
    private static byte[] Read(string function, uint af, Func<IntPtr, IntPtr, uint> call)
    {
        uint size = 0;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var buffer = new byte[Math.Max(size, 4)];
            uint result;
            fixed (byte* p = buffer)
            {
                result = call((IntPtr)p, (IntPtr)(&size));
            }

            if (result == NoError)
            {
                return buffer;
            }

            if (result != InsufficientBuffer)
            {
                throw new SocketTableException($"{function} (address family {af}) failed with error {result}");
            }
        }

        throw new SocketTableException($"{function} (address family {af}) kept growing; try again");
    }

    /// <summary>The table's rows: dwNumEntries, then the rows, each aligned to 4 bytes right after it.</summary>
    private static List<byte[]> Rows(byte[] table, int rowSize)
    {
        var count = BinaryPrimitives.ReadUInt32LittleEndian(table);
        var rows = new List<byte[]>();
        for (var i = 0; i < count && 4 + ((i + 1) * rowSize) <= table.Length; i++)
        {
            rows.Add(table.AsSpan(4 + (i * rowSize), rowSize).ToArray());
        }

        return rows;
    }

    private static uint U32(byte[] row, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(row.AsSpan(offset));

    /// <summary>An address of <paramref name="length"/> bytes at <paramref name="offset"/>; the port's first two bytes are in network order.</summary>
    private static IPEndPoint EndPoint(byte[] row, int offset, int length, int portOffset) =>
        new(new IPAddress(row.AsSpan(offset, length)), (row[portOffset] << 8) | row[portOffset + 1]);

    /// <summary>MIB_TCP_STATE in ss(8)'s words.</summary>
    private static string TcpState(uint state) => state switch
    {
        1 => "UNCONN",
        2 => "LISTEN",
        3 => "SYN-SENT",
        4 => "SYN-RECV",
        5 => "ESTAB",
        6 => "FIN-WAIT-1",
        7 => "FIN-WAIT-2",
        8 => "CLOSE-WAIT",
        9 => "CLOSING",
        10 => "LAST-ACK",
        11 => "TIME-WAIT",
        12 => "DELETE-TCB",
        _ => $"state {state}",
    };

    [LibraryImport("iphlpapi.dll")]
    private static partial uint GetExtendedTcpTable(IntPtr table, IntPtr size, int order, uint af, int tableClass, uint reserved);

    [LibraryImport("iphlpapi.dll")]
    private static partial uint GetExtendedUdpTable(IntPtr table, IntPtr size, int order, uint af, int tableClass, uint reserved);
}
