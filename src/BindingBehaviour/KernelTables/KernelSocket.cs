using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace BindingBehaviour.KernelTables;

/// <summary>
/// One socket as the kernel's table holds it (struct sock_common, read by kernel_tables.bpf.c): the table and bucket it
/// was found in, its local address and port, family, state, the reuse flags the conflict rules read (sk_reuse,
/// sk_reuseport, sk_ipv6only), the owner's uid, the inode of its network namespace, and its own inode (as /proc/net and
/// /proc/PID/fd show it; 0 for TIME_WAIT and request sockets).
/// </summary>
public sealed record KernelSocket(
    KernelTable Table,
    int? Bucket,
    AddressFamily Family,
    int State,
    IPAddress Address,
    int Port,
    int Reuse,
    int ReusePort,
    bool V6Only,
    uint Uid,
    uint NetworkNamespace,
    ulong Inode)
{
    /// <summary>"tcp" or "udp": which protocol's table holds the socket.</summary>
    public string Protocol => Table == KernelTable.Udp ? "udp" : "tcp";

    /// <summary>The table as the docs name it: "tcp listening hash", "tcp established hash", "udp_table".</summary>
    public string TableName => Table switch
    {
        KernelTable.TcpListening => "tcp listening hash",
        KernelTable.TcpEstablished => "tcp established hash",
        _ => "udp_table",
    };

    /// <summary>The state by its kernel name (include/net/tcp_states.h; UDP uses the same numbers: 7 is an unconnected socket).</summary>
    public string StateName => NameOfState(State);

    /// <summary>A socket state's kernel name (include/net/tcp_states.h), as /proc/net and the iterators give its number.</summary>
    public static string NameOfState(int state) => state switch
    {
        1 => "ESTABLISHED",
        2 => "SYN_SENT",
        3 => "SYN_RECV",
        4 => "FIN_WAIT1",
        5 => "FIN_WAIT2",
        6 => "TIME_WAIT",
        7 => "CLOSE",
        8 => "CLOSE_WAIT",
        9 => "LAST_ACK",
        10 => "LISTEN",
        11 => "CLOSING",
        12 => "NEW_SYN_RECV",
        _ => state.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The local end point: address and port.</summary>
    public IPEndPoint LocalEndPoint => new(Address, Port);

    /// <summary>One row of the docs' table: "tcp listening hash | - | 127.0.0.1:P | IPv4 | LISTEN | reuse=1 reuseport=0 | uid 0 | netns 4026531833".</summary>
    public string Describe(int? port = null) => string.Join(" | ",
        TableName,
        Bucket?.ToString(CultureInfo.InvariantCulture) ?? "-",
        $"{(Family == AddressFamily.InterNetworkV6 ? $"[{Address}]" : Address.ToString())}:{(port == Port ? "P" : Port.ToString(CultureInfo.InvariantCulture))}",
        Family == AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4",
        StateName,
        $"reuse={Reuse} reuseport={ReusePort}{(Family == AddressFamily.InterNetworkV6 ? $" v6only={(V6Only ? 1 : 0)}" : "")}",
        $"uid {Uid}",
        $"netns {NetworkNamespace}");

    /// <summary>The columns of <see cref="Describe"/>.</summary>
    public const string DescribeHeader = "table | bucket | local address | family | state | flags | owner | network namespace";
}
