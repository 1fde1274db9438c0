using System.Net;
using System.Net.Sockets;
using BindingBehaviour.Native;
using BindingBehaviour.Tests.Infrastructure;
using Xunit.Abstractions;
using static BindingBehaviour.Sources;

namespace BindingBehaviour.Tests.Claims;

// Topic 6: who may join a SO_REUSEPORT group, and who gets the traffic. Windows has no SO_REUSEPORT; in .NET the
// way to it on Linux and macOS is SocketOptionName.ReuseAddress (pal_networking.c sets SO_REUSEPORT with it), which on
// Windows means SO_REUSEADDR: the managed layer shows what that one line of C# does on each OS.

[Claim("reuseport-on-both", "so-reuseport",
    "With SO_REUSEPORT on both, two UDP sockets may bind the same 127.0.0.1:P and two TCP sockets may both listen "
        + "there. In .NET, ReuseAddress does the same on every OS.")]
public sealed class Reuseport_on_both(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "ok",
        SocketMan + ", SO_REUSEPORT: \"Permits multiple AF_INET or AF_INET6 sockets to be bound to an identical socket "
            + "address\" when every socket sets it and they share an effective UID")]
    [Expect(Os.Windows, "n/a", NoReusePortOnWindows)]
    [Expect(Os.MacOS, "ok",
        XnuInPcb + ", in_pcbbind(): an exact duplicate passes when reuseport & t->so_options, i.e. SO_REUSEPORT on "
            + "both; FreeBSD getsockopt(2): \"allows completely duplicate bindings by multiple processes if they all "
            + "set SO_REUSEPORT\"")]
    [Needs(Capability.ReusePort)]
    public void Native()
    {
        Outcome Udp()
        {
            using var first = NativeSocket.Open(Transport.Udp, Loopback);
            first.Set(NativeOption.ReusePort).OrThrow("Setting SO_REUSEPORT");
            first.Bind(Loopback, 0).OrThrow("The first bind");
            using var second = NativeSocket.Open(Transport.Udp, Loopback);
            second.Set(NativeOption.ReusePort).OrThrow("Setting SO_REUSEPORT");
            return second.Bind(first.LocalEndPoint);
        }

        Outcome Tcp()
        {
            using var first = NativeSocket.Open(Transport.Tcp, Loopback);
            first.Set(NativeOption.ReusePort).OrThrow("Setting SO_REUSEPORT");
            first.Bind(Loopback, 0).OrThrow("The first bind");
            first.Listen().OrThrow("The first listen");
            using var second = NativeSocket.Open(Transport.Tcp, Loopback);
            second.Set(NativeOption.ReusePort).OrThrow("Setting SO_REUSEPORT");
            return Outcome.Sequence(() => second.Bind(first.LocalEndPoint), () => second.Listen());
        }

        Observe(Outcome.Sequence(Udp, Tcp));
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "ok",
        DotNetPal + ", SystemNative_SetSockOpt: ReuseAddress sets SO_REUSEPORT and SO_REUSEADDR; " + SocketMan
            + ", SO_REUSEPORT")]
    [Expect(Os.Windows, "ok",
        "ReuseAddress is SO_REUSEADDR on Windows, not SO_REUSEPORT; " + MicrosoftReuseTables + ", table 2: "
            + "SO_REUSEADDR on both succeeds")]
    [Expect(Os.MacOS, "ok", DotNetPal + " sets SO_REUSEPORT; " + XnuInPcb + ", in_pcbbind() allows the duplicate")]
    public void Managed()
    {
        Outcome Udp()
        {
            using var first = new UdpClient();
            first.Client.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            first.Client.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            using var second = new UdpClient();
            second.Client.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            return ManagedCall.Try(Step.Bind, () => second.Client.Bind(first.Client.LocalEndPoint!));
        }

        Outcome Tcp()
        {
            using var first = new TcpListener(IPAddress.Loopback, 0);
            first.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            first.Start();
            using var second = new TcpListener((IPEndPoint)first.LocalEndpoint);
            second.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            return ManagedCall.Try(Step.Bind, second.Start);
        }

        Observe(Outcome.Sequence(Udp, Tcp));
    }
}

[Claim("reuseport-only-on-the-newcomer", "so-reuseport",
    "SO_REUSEPORT must be set on every socket of the group, the first one too: a newcomer with SO_REUSEPORT is refused "
        + "beside a UDP socket that did not set it. In .NET on Windows the same code meets enhanced socket security "
        + "instead.")]
public sealed class Reuseport_only_on_the_newcomer(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "bind:AddressAlreadyInUse",
        SocketMan + ", SO_REUSEPORT: \"This option must be set on each socket (including the first socket)\"; "
            + LinuxUdp + ", udp_lib_lport_inuse()")]
    [Expect(Os.Windows, "n/a", NoReusePortOnWindows)]
    [Expect(Os.MacOS, "bind:AddressAlreadyInUse",
        XnuInPcb + ", in_pcbbind(): reuseport & t->so_options is 0 because the first socket lacks SO_REUSEPORT; Stack "
            + "Overflow 14388707 (Mecki): \"as long as all prior bound sockets also had SO_REUSEPORT set\"")]
    [Needs(Capability.ReusePort)]
    public void Native()
    {
        using var plain = NativeSocket.Open(Transport.Udp, Loopback);
        plain.Bind(Loopback, 0).OrThrow("The first bind");

        using var reusePort = NativeSocket.Open(Transport.Udp, Loopback);
        reusePort.Set(NativeOption.ReusePort).OrThrow("Setting SO_REUSEPORT");
        Observe(reusePort.Bind(plain.LocalEndPoint));
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "bind:AddressAlreadyInUse",
        LinuxUdp + ", udp_lib_lport_inuse(): the first socket has neither option, so the pair set by " + DotNetPal
            + " does not help")]
    [Expect(Os.Windows, "bind:AccessDenied",
        MicrosoftReuseTables + ", table 2: SO_REUSEADDR/Specific after Default/Specific gives WSAEACCES (10013), "
            + "enhanced socket security")]
    [Expect(Os.MacOS, "bind:AddressAlreadyInUse", XnuInPcb + ", in_pcbbind(): the first socket lacks SO_REUSEPORT")]
    public void Managed()
    {
        using var plain = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));

        using var reuse = new UdpClient();
        reuse.Client.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        Observe(ManagedCall.Try(Step.Bind, () => reuse.Client.Bind(plain.Client.LocalEndPoint!)));
    }
}

[Claim("reuseport-set-after-bind", "so-reuseport",
    "socket(7) says SO_REUSEPORT must be set before bind(), but Linux lets a socket that set it only after binding "
        + "welcome a SO_REUSEPORT newcomer (UDP, and TCP up to both listening): the check reads the option when the "
        + "newcomer binds.")]
public sealed class Reuseport_set_after_bind(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "ok",
        "Finding, measured here on Linux 6.18 (UDP and TCP): " + SocketMan + " says SO_REUSEPORT \"must be set on each "
            + "socket (including the first socket) prior to calling bind(2)\", but " + LinuxUdp
            + ", udp_lib_lport_inuse() and " + LinuxInetConnectionSock + ", inet_bind_conflict() read "
            + "sk2->sk_reuseport at the newcomer's bind")]
    [Expect(Os.Windows, "n/a", NoReusePortOnWindows)]
    [Expect(Os.MacOS, "ok",
        "Derived, not run: " + XnuInPcb + ", in_pcbbind() tests t->inp_socket->so_options when the newcomer binds, so "
            + "the first socket's late SO_REUSEPORT counts")]
    [Needs(Capability.ReusePort)]
    public void Native()
    {
        Outcome Udp()
        {
            using var first = NativeSocket.Open(Transport.Udp, Loopback);
            first.Bind(Loopback, 0).OrThrow("The first bind");
            first.Set(NativeOption.ReusePort).OrThrow("Setting SO_REUSEPORT after bind");
            using var second = NativeSocket.Open(Transport.Udp, Loopback);
            second.Set(NativeOption.ReusePort).OrThrow("Setting SO_REUSEPORT");
            return second.Bind(first.LocalEndPoint);
        }

        Outcome Tcp()
        {
            using var first = NativeSocket.Open(Transport.Tcp, Loopback);
            first.Bind(Loopback, 0).OrThrow("The first bind");
            first.Set(NativeOption.ReusePort).OrThrow("Setting SO_REUSEPORT after bind");
            using var second = NativeSocket.Open(Transport.Tcp, Loopback);
            second.Set(NativeOption.ReusePort).OrThrow("Setting SO_REUSEPORT");
            return Outcome.Sequence(() => second.Bind(first.LocalEndPoint), () => first.Listen(), () => second.Listen());
        }

        Observe(Outcome.Sequence(Udp, Tcp));
    }
}

[Claim("reuseport-wildcard-and-specific", "so-reuseport",
    "With SO_REUSEPORT on both, TCP listeners on 0.0.0.0:P and on 127.0.0.1:P coexist on Linux and macOS: the group "
        + "rule replaces the wildcard rule.")]
public sealed class Reuseport_wildcard_and_specific(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "ok",
        LinuxInetConnectionSock + ", inet_bind_conflict(): SO_REUSEPORT on both with the same UID is no conflict, even "
            + "against a listener; " + LinuxBindWildcard + ", v4_any_v4_local.reuseport: 0")]
    [Expect(Os.Windows, "n/a", NoReusePortOnWindows)]
    [Expect(Os.MacOS, "ok", XnuInPcb + ", in_pcbbind(): SO_REUSEPORT on the newcomer makes the lookup exact, so 0.0.0.0 is not even found")]
    [Needs(Capability.ReusePort)]
    public void Native()
    {
        using var wildcard = NativeSocket.Open(Transport.Tcp, Any);
        wildcard.Set(NativeOption.ReusePort).OrThrow("Setting SO_REUSEPORT");
        wildcard.Bind(Any, 0).OrThrow("The wildcard bind");
        wildcard.Listen().OrThrow("The wildcard listen");

        using var specific = NativeSocket.Open(Transport.Tcp, Loopback);
        specific.Set(NativeOption.ReusePort).OrThrow("Setting SO_REUSEPORT");
        Observe(Outcome.Sequence(() => specific.Bind(Loopback, wildcard.LocalPort), () => specific.Listen()));
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "ok", DotNetPal + " sets SO_REUSEPORT with ReuseAddress; " + LinuxInetConnectionSock + ", inet_bind_conflict()")]
    [Expect(Os.Windows, "ok",
        "ReuseAddress is SO_REUSEADDR on Windows: " + MicrosoftReuseTables + ", table 2, SO_REUSEADDR/Specific after "
            + "SO_REUSEADDR/Wildcard succeeds")]
    [Expect(Os.MacOS, "ok", DotNetPal + " sets SO_REUSEPORT; " + XnuInPcb + ", in_pcbbind()")]
    public void Managed()
    {
        using var wildcard = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        wildcard.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        wildcard.Bind(new IPEndPoint(IPAddress.Any, 0));
        wildcard.Listen();

        using var specific = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        specific.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        Observe(ManagedCall.Steps(
            (Step.Bind, () => specific.Bind(new IPEndPoint(IPAddress.Loopback, ((IPEndPoint)wildcard.LocalEndPoint!).Port))),
            (Step.Listen, () => specific.Listen())));
    }
}

[Claim("reuseport-spreads-tcp-connections", "so-reuseport",
    "Linux spreads the connections to a SO_REUSEPORT group over its listeners, so every listener accepts some; macOS "
        + "hands them all to one listener.")]
public sealed class Reuseport_spreads_tcp_connections(ITestOutputHelper output) : ClaimTest(output)
{
    private const int Connections = 32;

    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, LoadSpread.EverySocket,
        SocketMan + ", SO_REUSEPORT: for TCP it improves accept(2) load distribution by giving each thread its own "
            + "listener; the pick is a hash of the 4-tuple (net/core/sock_reuseport.c, reuseport_select_sock())")]
    [Expect(Os.Windows, "n/a", NoReusePortOnWindows)]
    [Expect(Os.MacOS, LoadSpread.OneSocket,
        "Stack Overflow 14388707 (Mecki) and libuv test-udp-reuseport.c: BSD and macOS SO_REUSEPORT shares a port "
            + "without balancing; " + XnuInPcb + ", in_pcblookup_hash() returns the first listener that matches")]
    [Needs(Capability.ReusePort)]
    public void Native()
    {
        using var first = NativeSocket.Open(Transport.Tcp, Loopback);
        first.Set(NativeOption.ReusePort).OrThrow("Setting SO_REUSEPORT");
        first.Bind(Loopback, 0).OrThrow("The first bind");
        first.Listen(backlog: 64).OrThrow("The first listen");

        using var second = NativeSocket.Open(Transport.Tcp, Loopback);
        second.Set(NativeOption.ReusePort).OrThrow("Setting SO_REUSEPORT");
        second.Bind(first.LocalEndPoint).OrThrow("The second bind");
        second.Listen(backlog: 64).OrThrow("The second listen");

        using Socket one = first.ToSocket(), two = second.ToSocket();
        var (spread, detail) = LoadSpread.Connections([one, two], (IPEndPoint)one.LocalEndPoint!, Connections);
        ObserveValue(spread, detail);
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, LoadSpread.EverySocket,
        DotNetPal + ": ReuseAddress sets SO_REUSEPORT, and " + SocketMan + ", SO_REUSEPORT spreads the connections")]
    [Expect(Os.Windows, "one socket | every socket",
        "Uncertain: ReuseAddress is SO_REUSEADDR on Windows, and " + MicrosoftReuseTables + " only says which socket "
            + "gets a connection is \"indeterminate\"")]
    [Expect(Os.MacOS, LoadSpread.OneSocket,
        DotNetPal + " sets SO_REUSEPORT, which on macOS shares without balancing (" + XnuInPcb
            + ", in_pcblookup_hash())")]
    public void Managed()
    {
        using var first = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        first.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        first.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        first.Listen(64);

        using var second = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        second.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        var joined = ManagedCall.Steps((Step.Bind, () => second.Bind(first.LocalEndPoint!)), (Step.Listen, () => second.Listen(64)));
        if (!joined.Succeeded)
        {
            Observe(joined);
            return;
        }

        var (spread, detail) = LoadSpread.Connections([first, second], (IPEndPoint)first.LocalEndPoint!, Connections);
        ObserveValue(spread, detail);
    }
}

[Claim("reuseport-spreads-udp-datagrams", "so-reuseport",
    "Linux spreads datagrams sent to a SO_REUSEPORT group by their source, so datagrams from many source ports reach "
        + "every socket; macOS delivers them all to one socket.")]
public sealed class Reuseport_spreads_udp_datagrams(ITestOutputHelper output) : ClaimTest(output)
{
    private const int Datagrams = 32;

    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, LoadSpread.EverySocket,
        SocketMan + ", SO_REUSEPORT: for UDP it \"can provide better distribution of incoming datagrams to multiple "
            + "processes (or threads)\"; " + LinuxUdp + ", udp4_lib_lookup2() picks a group member with "
            + "reuseport_select_sock() from a hash of the 4-tuple")]
    [Expect(Os.Windows, "n/a", NoReusePortOnWindows)]
    [Expect(Os.MacOS, LoadSpread.OneSocket,
        XnuUdpUsrreq + ", udp_input(): a unicast datagram goes to the one socket in_pcblookup_hash() returns (\"This "
            + "really ought to be done for unicast datagrams as well\" is said of delivering to all); libuv "
            + "test-udp-reuseport.c expects no balancing outside Linux/FreeBSD")]
    [Needs(Capability.ReusePort)]
    public void Native()
    {
        using var first = NativeSocket.Open(Transport.Udp, Loopback);
        first.Set(NativeOption.ReusePort).OrThrow("Setting SO_REUSEPORT");
        first.Bind(Loopback, 0).OrThrow("The first bind");

        using var second = NativeSocket.Open(Transport.Udp, Loopback);
        second.Set(NativeOption.ReusePort).OrThrow("Setting SO_REUSEPORT");
        second.Bind(first.LocalEndPoint).OrThrow("The second bind");

        using Socket one = first.ToSocket(), two = second.ToSocket();
        var (spread, detail) = LoadSpread.Datagrams([one, two], (IPEndPoint)one.LocalEndPoint!, Datagrams, fromOneSourcePort: false);
        ObserveValue(spread, detail);
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, LoadSpread.EverySocket, DotNetPal + ": ReuseAddress sets SO_REUSEPORT; " + LinuxUdp + ", reuseport_select_sock()")]
    [Expect(Os.Windows, "one socket | every socket",
        "Uncertain: ReuseAddress is SO_REUSEADDR on Windows; " + MicrosoftReuseTables + ": which socket receives is "
            + "\"indeterminate\"")]
    [Expect(Os.MacOS, LoadSpread.OneSocket,
        DotNetPal + " sets SO_REUSEPORT; " + XnuUdpUsrreq + ", udp_input() delivers a unicast datagram to one socket")]
    public void Managed()
    {
        using var first = new UdpClient();
        first.Client.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        first.Client.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        using var second = new UdpClient();
        second.Client.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        second.Client.Bind(first.Client.LocalEndPoint!);

        var shared = (IPEndPoint)first.Client.LocalEndPoint!;
        var (spread, detail) = LoadSpread.Datagrams([first.Client, second.Client], shared, Datagrams, fromOneSourcePort: false);
        ObserveValue(spread, detail);
    }
}

[Claim("reuseport-flow-sticks", "so-reuseport",
    "The spreading is per flow: every datagram from one source address and port reaches the same socket of a SO_REUSEPORT group.")]
public sealed class Reuseport_flow_sticks(ITestOutputHelper output) : ClaimTest(output)
{
    private const int Datagrams = 32;

    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, LoadSpread.OneSocket,
        LinuxUdp + ", udp4_lib_lookup2(): the member is chosen from udp_ehashfn() of the addresses and ports, so one "
            + "source always hashes to one socket")]
    [Expect(Os.Windows, "n/a", NoReusePortOnWindows)]
    [Expect(Os.MacOS, LoadSpread.OneSocket,
        XnuUdpUsrreq + ", udp_input(): without balancing every unicast datagram goes to one socket anyway")]
    [Needs(Capability.ReusePort)]
    public void Native()
    {
        using var first = NativeSocket.Open(Transport.Udp, Loopback);
        first.Set(NativeOption.ReusePort).OrThrow("Setting SO_REUSEPORT");
        first.Bind(Loopback, 0).OrThrow("The first bind");

        using var second = NativeSocket.Open(Transport.Udp, Loopback);
        second.Set(NativeOption.ReusePort).OrThrow("Setting SO_REUSEPORT");
        second.Bind(first.LocalEndPoint).OrThrow("The second bind");

        using Socket one = first.ToSocket(), two = second.ToSocket();
        var (spread, detail) = LoadSpread.Datagrams([one, two], (IPEndPoint)one.LocalEndPoint!, Datagrams, fromOneSourcePort: true);
        ObserveValue(spread, detail);
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, LoadSpread.OneSocket,
        DotNetPal + " sets SO_REUSEPORT; " + LinuxUdp + ", udp4_lib_lookup2() hashes one flow to one member")]
    [Expect(Os.Windows, "one socket | every socket",
        "Uncertain: ReuseAddress is SO_REUSEADDR on Windows, whose delivery is \"indeterminate\" ("
            + MicrosoftReuseTables + ")")]
    [Expect(Os.MacOS, LoadSpread.OneSocket, XnuUdpUsrreq + ", udp_input(): one socket per unicast datagram, no balancing")]
    public void Managed()
    {
        using var first = new UdpClient();
        first.Client.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        first.Client.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        using var second = new UdpClient();
        second.Client.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        second.Client.Bind(first.Client.LocalEndPoint!);

        var shared = (IPEndPoint)first.Client.LocalEndPoint!;
        var (spread, detail) = LoadSpread.Datagrams([first.Client, second.Client], shared, Datagrams, fromOneSourcePort: true);
        ObserveValue(spread, detail);
    }
}
