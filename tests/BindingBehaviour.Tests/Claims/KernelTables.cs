using System.Net;
using System.Net.Sockets;
using BindingBehaviour.KernelTables;
using BindingBehaviour.Native;
using BindingBehaviour.Tests.Infrastructure;
using Xunit.Abstractions;
using static BindingBehaviour.Sources;

namespace BindingBehaviour.Tests.Claims;

// Topic 16: the kernel's own socket tables, read from its memory by two BPF iterators (src/BindingBehaviour/KernelTables).
// Each claim records the entries it saw as a table in the observation's detail (KernelTableEvidence); the why page shows it.

[Claim("kernel-tables-per-protocol", "kernel-tables",
    "There is an entry per (protocol, address, port): with a TCP listener and a UDP socket on 127.0.0.1:P, the "
        + "kernel's TCP tables hold exactly the TCP listener and its udp_table exactly the UDP socket, each once.")]
public sealed class Kernel_tables_per_protocol(ITestOutputHelper output) : ClaimTest(output)
{
    private const string Apart = "tcp iterator: the TCP listener; udp iterator: the UDP socket";
    private const string Source = LinuxInetHashtables + ": a listening TCP socket is hashed into inet_hashinfo's lhash2; " + LinuxUdp
        + ", udp_lib_get_port() puts a UDP socket into udp_table's hash and hash2; net/ipv4/tcp_ipv4.c "
        + "bpf_iter_tcp_batch() walks only the TCP hashes, "
        + LinuxUdp + " bpf_iter_udp_batch() only udp_table's hash2";

    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, Apart, Source)]
    [Expect(Os.Windows, "n/a", KernelTableEvidence.NoIteratorsOnWindows)]
    [Expect(Os.MacOS, "n/a", KernelTableEvidence.NoIteratorsOnMacOS)]
    [Needs(Capability.KernelTables)]
    public void Native()
    {
        using var session = KernelTableReader.Open();
        var seen = KernelTableEvidence.Empty;
        Ports.RetryWhileTaken(() =>
        {
            using var tcp = NativeSocket.Open(Transport.Tcp, Loopback);
            tcp.Bind(Loopback, 0).OrThrow("The TCP bind");
            tcp.Listen().OrThrow("The TCP listen");
            using var udp = NativeSocket.Open(Transport.Udp, Loopback);
            var outcome = udp.Bind(tcp.LocalEndPoint);
            if (outcome.Succeeded)
            {
                seen = KernelTableEvidence.Mine(session.Read(), tcp.LocalPort);
            }

            return outcome;
        }).OrThrow("Binding UDP beside the TCP listener");

        Observe(seen);
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, Apart, Source + "; the SO_REUSEADDR " + DotNetPal + " sets at a TCP Bind moves no socket to another table")]
    [Expect(Os.Windows, "n/a", KernelTableEvidence.NoIteratorsOnWindows)]
    [Expect(Os.MacOS, "n/a", KernelTableEvidence.NoIteratorsOnMacOS)]
    [Needs(Capability.KernelTables)]
    public void Managed()
    {
        using var session = KernelTableReader.Open();
        var seen = KernelTableEvidence.Empty;
        Ports.RetryWhileTaken(() =>
        {
            using var tcp = new TcpListener(IPAddress.Loopback, 0);
            tcp.Start();
            var endPoint = (IPEndPoint)tcp.LocalEndpoint;
            using var udp = new UdpClient(AddressFamily.InterNetwork);
            var outcome = ManagedCall.Try(Step.Bind, () => udp.Client.Bind(endPoint));
            if (outcome.Succeeded)
            {
                seen = KernelTableEvidence.Mine(session.Read(), endPoint.Port);
            }

            return outcome;
        }).OrThrow("Binding UDP beside the TCP listener");

        Observe(seen);
    }

    private void Observe(KernelTableEvidence.Seen seen, [System.Runtime.CompilerServices.CallerMemberName] string method = "")
    {
        string Role(KernelSocket socket) => socket switch
        {
            { Table: KernelTable.TcpListening, State: 10 } when socket.Address.Equals(Loopback) => "the TCP listener",
            { Table: KernelTable.Udp } when socket.Address.Equals(Loopback) => "the UDP socket",
            _ => $"another socket ({socket.Protocol} {socket.StateName} {socket.Address})",
        };

        string Listed(string protocol) =>
            seen.Sockets.Where(s => s.Protocol == protocol).Select(Role).DefaultIfEmpty("nothing").Aggregate((a, b) => $"{a}, {b}");

        ObserveValue($"tcp iterator: {Listed("tcp")}; udp iterator: {Listed("udp")}",
            KernelTableEvidence.Detail(seen.Sockets.Select(s => (Role(s), s)), seen.Port), method);
    }
}

[Claim("kernel-tables-per-network-namespace", "kernel-tables",
    "The network namespace is part of every entry: a UDP socket on 127.0.0.1:P here and one on 127.0.0.1:P in a new "
        + "network namespace are two entries, each carrying its own namespace's inode, and each namespace's read of "
        + "udp_table lists only its own.")]
public sealed class Kernel_tables_per_network_namespace(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "read here: this namespace's socket; read in the new namespace: the new namespace's socket, another namespace inode",
        NetworkNamespacesMan + "; " + LinuxUdp + ": sock_net() is recorded in every socket (struct sock_common "
            + "skc_net), and seq_sk_match() lists a socket only when net_eq(sock_net(sk), seq_file_net(seq)), the "
            + "namespace the iterator was opened in (kernel/bpf/bpf_iter.c, bpf_iter_init_seq_net(): "
            + "current->nsproxy->net_ns)")]
    [Expect(Os.Windows, "n/a", NoNamespacesOnWindows)]
    [Expect(Os.MacOS, "n/a", NoNamespacesOnMacOS)]
    [Needs(Capability.KernelTables)]
    [Needs(Capability.NetworkNamespaceThread)]
    public void Native()
    {
        using var session = KernelTableReader.Open();
        using var here = NativeSocket.Open(Transport.Udp, Loopback);
        here.Bind(Loopback, 0).OrThrow("The bind here");
        var port = here.LocalPort;
        var hereNamespace = NetworkNamespaceThread.CurrentInode();

        var (thereNamespace, readThere, readHere) = NetworkNamespaceThread.Run(() =>
        {
            using var there = NativeSocket.Open(Transport.Udp, Loopback);
            there.Bind(Loopback, port).OrThrow("The bind of the same port in the new namespace");
            var readThere = session.Read();

            // While the socket there is open, a thread of this namespace (the pool's) reads the same pinned iterator.
            var readHere = Task.Run(session.Read).GetAwaiter().GetResult();
            return (NetworkNamespaceThread.CurrentInode(), readThere, readHere);
        });

        IReadOnlyList<KernelSocket> Ours(KernelTableRead read) =>
            [.. read.On(port).Where(s => s.Table == KernelTable.Udp && s.Address.Equals(Loopback))];

        string Role(KernelSocket socket) =>
            socket.NetworkNamespace == hereNamespace ? "this namespace's socket"
            : socket.NetworkNamespace == thereNamespace ? "the new namespace's socket, another namespace inode"
            : $"a socket of namespace {socket.NetworkNamespace}";

        string Listed(KernelTableRead read) => Ours(read).Select(Role).DefaultIfEmpty("nothing").Aggregate((a, b) => $"{a}, {b}");

        ObserveValue($"read here: {Listed(readHere)}; read in the new namespace: {Listed(readThere)}",
            KernelTableEvidence.Detail(
                Ours(readHere).Select(s => ($"read here ({Role(s)})", s))
                    .Concat(Ours(readThere).Select(s => ($"read in the new namespace ({Role(s)})", s))),
                port));
    }
}

[Claim("kernel-tables-hold-reuse-flags", "kernel-tables",
    "The flags the conflict rules read are per socket, in the kernel's entry: sk_reuse is 1 exactly where SO_REUSEADDR "
        + "was set, and .NET sets it at every TCP Bind, while its ReuseAddress option sets both sk_reuse and "
        + "sk_reuseport.")]
public sealed class Kernel_tables_hold_reuse_flags(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux,
        "tcp: reuse=0 reuseport=0; tcp SO_REUSEADDR: reuse=1 reuseport=0; udp: reuse=0 reuseport=0; "
            + "udp SO_REUSEADDR: reuse=1 reuseport=0",
        "Linux net/core/sock.c, sk_setsockopt(): SO_REUSEADDR sets sk->sk_reuse = SK_CAN_REUSE (1) or SK_NO_REUSE (0), "
            + "SO_REUSEPORT sets sk->sk_reuseport; "
        + LinuxInetConnectionSock + " and " + LinuxUdp + " read these per-socket fields in their conflict checks")]
    [Expect(Os.Windows, "n/a", KernelTableEvidence.NoIteratorsOnWindows)]
    [Expect(Os.MacOS, "n/a", KernelTableEvidence.NoIteratorsOnMacOS)]
    [Needs(Capability.KernelTables)]
    public void Native()
    {
        using var session = KernelTableReader.Open();
        using var tcp = NativeListening(Transport.Tcp, reuseAddress: false);
        using var tcpReuse = NativeListening(Transport.Tcp, reuseAddress: true);
        using var udp = NativeListening(Transport.Udp, reuseAddress: false);
        using var udpReuse = NativeListening(Transport.Udp, reuseAddress: true);

        Observe(session.Read(),
            ("tcp", tcp.LocalPort),
            ("tcp SO_REUSEADDR", tcpReuse.LocalPort),
            ("udp", udp.LocalPort),
            ("udp SO_REUSEADDR", udpReuse.LocalPort));
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux,
        "tcp Bind: reuse=1 reuseport=0; tcp ReuseAddress: reuse=1 reuseport=1; udp Bind: reuse=0 reuseport=0; "
            + "udp ReuseAddress: reuse=1 reuseport=1",
        DotNetPal + ", SystemNative_Bind sets SO_REUSEADDR when the socket's protocol is TCP, and "
            + "SystemNative_SetSockOpt makes SocketOptionName.ReuseAddress set both SO_REUSEPORT and SO_REUSEADDR; "
            + "Linux net/core/sock.c, sk_setsockopt() stores them in sk_reuse and sk_reuseport")]
    [Expect(Os.Windows, "n/a", KernelTableEvidence.NoIteratorsOnWindows)]
    [Expect(Os.MacOS, "n/a", KernelTableEvidence.NoIteratorsOnMacOS)]
    [Needs(Capability.KernelTables)]
    public void Managed()
    {
        using var session = KernelTableReader.Open();
        using var tcp = ManagedListening(SocketType.Stream, ProtocolType.Tcp, reuseAddress: false);
        using var tcpReuse = ManagedListening(SocketType.Stream, ProtocolType.Tcp, reuseAddress: true);
        using var udp = ManagedListening(SocketType.Dgram, ProtocolType.Udp, reuseAddress: false);
        using var udpReuse = ManagedListening(SocketType.Dgram, ProtocolType.Udp, reuseAddress: true);

        Observe(session.Read(),
            ("tcp Bind", Port(tcp)), ("tcp ReuseAddress", Port(tcpReuse)), ("udp Bind", Port(udp)), ("udp ReuseAddress", Port(udpReuse)));
    }

    /// <summary>
    /// A native socket on 127.0.0.1:0, with or without SO_REUSEADDR; TCP listens, since the iterator sees no socket that
    /// is only bound.
    /// </summary>
    private static NativeSocket NativeListening(Transport transport, bool reuseAddress)
    {
        var socket = NativeSocket.Open(transport, Loopback);
        try
        {
            if (reuseAddress)
            {
                socket.Set(NativeOption.ReuseAddress).OrThrow("SO_REUSEADDR");
            }

            socket.Bind(Loopback, 0).OrThrow("The bind");
            if (transport == Transport.Tcp)
            {
                socket.Listen().OrThrow("The listen");
            }

            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static Socket ManagedListening(SocketType type, ProtocolType protocol, bool reuseAddress)
    {
        var socket = new Socket(AddressFamily.InterNetwork, type, protocol);
        try
        {
            if (reuseAddress)
            {
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            }

            socket.Bind(new IPEndPoint(Loopback, 0));
            if (protocol == ProtocolType.Tcp)
            {
                socket.Listen();
            }

            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static int Port(Socket socket) => ((IPEndPoint)socket.LocalEndPoint!).Port;

    private void Observe(
        KernelTableRead read,
        (string Label, int Port) first,
        (string Label, int Port) second,
        (string Label, int Port) third,
        (string Label, int Port) fourth,
        [System.Runtime.CompilerServices.CallerMemberName] string method = "")
    {
        var netns = NetworkNamespaceThread.CurrentInode();
        var rows = new List<(string Role, KernelSocket Socket)>();
        var values = new List<string>();
        foreach (var (label, port) in new[] { first, second, third, fourth })
        {
            var protocol = label.StartsWith("tcp", StringComparison.Ordinal) ? "tcp" : "udp";
            var entries = read.On(port, netns).Where(s => s.Protocol == protocol && s.Address.Equals(Loopback)).ToList();
            rows.AddRange(entries.Select(s => (label, s)));
            values.Add(entries.Count == 1
                ? $"{label}: reuse={entries[0].Reuse} reuseport={entries[0].ReusePort}"
                : $"{label}: {entries.Count} entries");
        }

        ObserveValue(string.Join("; ", values), KernelTableEvidence.Detail(rows, port: null), method);
    }
}
