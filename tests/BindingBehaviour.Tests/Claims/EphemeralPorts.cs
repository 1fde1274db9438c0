using System.Globalization;
using System.Net;
using System.Net.Sockets;
using BindingBehaviour.Native;
using BindingBehaviour.Tests.Infrastructure;
using Xunit.Abstractions;
using static BindingBehaviour.Sources;

namespace BindingBehaviour.Tests.Claims;

// Topic 10: what port 0 gives, from which range, when a socket gets one without asking, and when they run out.

[Claim("ephemeral-range-per-os", "ephemeral-ports",
    "Port 0 does not mean \"any free port from 1024 to 65535\", as is often said: the OS picks from its own ephemeral "
        + "range, for TCP and UDP alike: net.ipv4.ip_local_port_range on Linux (32768-60999 unless changed), "
        + "49152-65535 on Windows and macOS.")]
public sealed class Ephemeral_range_per_os(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "all 40 inside the OS's range",
        IpMan + ": ip_local_port_range is the range for ephemeral ports; " + IpSysctl + ", ip_local_port_range: \"The "
            + "default values are 32768 and 60999 respectively\" (the range is read from this machine)")]
    [Expect(Os.Windows, "all 40 inside the OS's range",
        MicrosoftBind + ": the dynamic client port range of Windows Vista and later is 49152 to 65535 (netsh int ipv4 "
            + "show dynamicport)")]
    [Expect(Os.MacOS, "all 40 inside the OS's range",
        XnuInPcb + ": ipport_firstauto = IPPORT_HIFIRSTAUTO (49152), ipport_lastauto = IPPORT_HILASTAUTO (65535), the "
            + "sysctls net.inet.ip.portrange.first/last")]
    public void Native()
    {
        var ports = new List<int>();
        for (var i = 0; i < 20; i++)
        {
            using var tcp = NativeSocket.Open(Transport.Tcp, Loopback);
            tcp.Bind(Loopback, 0).OrThrow("A TCP bind to port 0");
            using var udp = NativeSocket.Open(Transport.Udp, Loopback);
            udp.Bind(Loopback, 0).OrThrow("A UDP bind to port 0");
            ports.AddRange([tcp.LocalPort, udp.LocalPort]);
        }

        var (value, detail) = Ephemeral.Inside(ports);
        ObserveValue(value, detail);
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "all 40 inside the OS's range",
        IpSysctl + ", ip_local_port_range (read from this machine); .NET passes port 0 to bind(2) unchanged ("
            + DotNetPal + ", SystemNative_Bind)")]
    [Expect(Os.Windows, "all 40 inside the OS's range",
        MicrosoftBind + ": the dynamic client port range is 49152 to 65535; .NET passes port 0 to Winsock")]
    [Expect(Os.MacOS, "all 40 inside the OS's range",
        XnuInPcb + ": ipport_firstauto/ipport_lastauto 49152-65535; .NET passes port 0 to bind(2)")]
    public void Managed()
    {
        var ports = new List<int>();
        for (var i = 0; i < 20; i++)
        {
            var tcp = new TcpListener(IPAddress.Loopback, 0);
            tcp.Start();
            ports.Add(((IPEndPoint)tcp.LocalEndpoint).Port);
            tcp.Stop();
            using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            ports.Add(((IPEndPoint)udp.Client.LocalEndPoint!).Port);
        }

        var (value, detail) = Ephemeral.Inside(ports);
        ObserveValue(value, detail);
    }
}

[Claim("tcp-and-udp-get-one-ephemeral-number", "ephemeral-ports",
    "TCP and UDP hand out ephemeral ports independently, so one number can be a TCP socket's and a UDP socket's at the "
        + "same time: a UDP socket binds the very port a TCP socket got from port 0.")]
public sealed class Tcp_and_udp_get_one_ephemeral_number(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "ok",
        LinuxInetConnectionSock + ", inet_csk_find_open_port() searches the TCP bind hash only, and " + LinuxUdp
            + ", udp_lib_get_port() the UDP table only")]
    [Expect(Os.Windows, "ok",
        "RFC 6335, section 5: port numbers are per transport protocol; " + MicrosoftReuseTables + " compares sockets "
            + "of one protocol only")]
    [Expect(Os.MacOS, "ok", XnuInPcb + ", in_pcbbind() picks and checks ports in the protocol's own pcbinfo (tcbinfo or udbinfo)")]
    public void Native()
    {
        // Another process may hold the number in UDP already: then try again with a fresh one.
        Observe(Ports.RetryWhileTaken(() =>
        {
            using var tcp = NativeSocket.Open(Transport.Tcp, Loopback);
            tcp.Bind(Loopback, 0).OrThrow("The TCP bind to port 0");
            using var udp = NativeSocket.Open(Transport.Udp, Loopback);
            return udp.Bind(tcp.LocalEndPoint);
        }));
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "ok",
        "Separate tables (" + LinuxInetConnectionSock + ", " + LinuxUdp + "); .NET's implicit SO_REUSEADDR is on the "
            + "TCP socket only and changes nothing across protocols")]
    [Expect(Os.Windows, "ok", "RFC 6335, section 5: port numbers are per transport protocol")]
    [Expect(Os.MacOS, "ok", XnuInPcb + ", in_pcbbind(): one pcbinfo per protocol")]
    public void Managed()
    {
        Observe(Ports.RetryWhileTaken(() =>
        {
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            tcp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var udpEndPoint = (IPEndPoint)tcp.LocalEndPoint!;
            using var udp = new UdpClient(udpEndPoint.AddressFamily);
            return ManagedCall.Try(Step.Bind, () => udp.Client.Bind(udpEndPoint));
        }));
    }
}

[Claim("implicit-bind-on-sendto-and-connect", "ephemeral-ports",
    "A socket that was never bound gets a port anyway: a UDP SendTo binds it to the wildcard address and an ephemeral "
        + "port, a TCP Connect to the source address the route chooses (127.0.0.1 towards loopback) and an ephemeral "
        + "port.")]
public sealed class Implicit_bind_on_sendto_and_connect(ITestOutputHelper output) : ClaimTest(output)
{
    private const string Everywhere =
        "UDP SendTo: unbound before, 0.0.0.0:ephemeral after; TCP Connect: unbound before, 127.0.0.1:ephemeral after";

    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, Everywhere,
        UdpMan + ": an unbound socket sending is bound \"to a free local port out of the range defined by "
            + "ip_local_port_range\" and INADDR_ANY; " + IpMan + ": connect() on an unbound socket binds it to a "
            + "random free port")]
    [Expect(Os.Windows, Everywhere,
        MicrosoftSendTo + ": sendto \"implicitly binds\" an unbound socket to the wildcard address; " + MicrosoftBind
            + ": connect on an unbound socket binds it to a unique port")]
    [Expect(Os.MacOS, Everywhere,
        XnuUdpUsrreq + ", udp_output(): an unbound socket gets in_pcbbind(inp, NULL) (wildcard, lport 0); "
            + XnuTcpUsrreq + ", tcp_connect() binds an unbound socket the same way")]
    public void Native()
    {
        using var receiver = NativeSocket.Open(Transport.Udp, Loopback);
        receiver.Bind(Loopback, 0).OrThrow("The receiver's bind");
        using var listener = NativeSocket.Open(Transport.Tcp, Loopback);
        listener.Bind(Loopback, 0).OrThrow("The listener's bind");
        listener.Listen().OrThrow("The listen");

        using var unboundUdp = NativeSocket.Open(Transport.Udp, Loopback);
        var udpBefore = Ephemeral.Describe(unboundUdp.LocalEndPoint);
        using var udp = unboundUdp.ToSocket();
        udp.SendTo([1], receiver.LocalEndPoint);

        using var unboundTcp = NativeSocket.Open(Transport.Tcp, Loopback);
        var tcpBefore = Ephemeral.Describe(unboundTcp.LocalEndPoint);
        using var tcp = unboundTcp.ToSocket();
        tcp.Connect(listener.LocalEndPoint);

        ObserveValue($"UDP SendTo: {udpBefore} before, {Ephemeral.Describe(udp.LocalEndPoint)} after; "
            + $"TCP Connect: {tcpBefore} before, {Ephemeral.Describe(tcp.LocalEndPoint)} after");
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, Everywhere,
        UdpMan + " and " + IpMan + ": the kernel binds at sendto() and connect(); UdpClient.Send and TcpClient.Connect "
            + "call them without a Bind (" + DotNetUdpClient + ")")]
    [Expect(Os.Windows, Everywhere,
        MicrosoftSendTo + ": sendto implicitly binds to the wildcard address; " + MicrosoftBind + ": so does connect")]
    [Expect(Os.MacOS, Everywhere, XnuUdpUsrreq + ", udp_output() and " + XnuTcpUsrreq + ", tcp_connect() bind an unbound socket")]
    public void Managed()
    {
        using var receiver = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();

        using var udp = new UdpClient();
        var udpBefore = Ephemeral.Describe(udp.Client.LocalEndPoint);
        udp.Send([1], 1, (IPEndPoint)receiver.Client.LocalEndPoint!);

        using var tcp = new TcpClient(AddressFamily.InterNetwork);
        var tcpBefore = Ephemeral.Describe(tcp.Client.LocalEndPoint);
        tcp.Connect((IPEndPoint)listener.LocalEndpoint);

        ObserveValue($"UDP SendTo: {udpBefore} before, {Ephemeral.Describe(udp.Client.LocalEndPoint)} after; "
            + $"TCP Connect: {tcpBefore} before, {Ephemeral.Describe(tcp.Client.LocalEndPoint)} after");
    }
}

[Claim("linux-bind-odd-connect-even", "ephemeral-ports",
    "Linux splits its ephemeral range by parity: bind to port 0 hands out odd ports and an implicit bind at connect() "
        + "even ones, so that servers and clients do not compete for the same half. Windows and macOS have no such "
        + "rule.")]
public sealed class Linux_bind_odd_connect_even(ITestOutputHelper output) : ClaimTest(output)
{
    private const string Linux = "bind to port 0: all odd; connect: all even";
    private const string Mixed = "bind to port 0: mixed; connect: mixed";

    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, Linux,
        LinuxInetConnectionSock + ", inet_csk_get_port(): \"We try to allocate an odd port (and leave even ports for "
            + "connect())\"; Linux net/ipv4/inet_hashtables.c, __inet_hash_connect() starts from an even offset (since "
            + "4.6)")]
    [Expect(Os.Windows, Mixed,
        "No parity rule is documented for Winsock's dynamic ports (" + MicrosoftBind + "); unverified, the run settles "
            + "it")]
    [Expect(Os.MacOS, Mixed,
        XnuInPcb + ", in_pcbbind(): a random port in ipport_firstauto..ipport_lastauto for bind and connect alike "
            + "(net.inet.ip.portrange.randomized)")]
    public void Native()
    {
        var sockets = new List<IDisposable>();
        try
        {
            var bound = new List<int>();
            for (var i = 0; i < 50; i++)
            {
                var socket = NativeSocket.Open(Transport.Tcp, Loopback);
                sockets.Add(socket);
                socket.Bind(Loopback, 0).OrThrow("A bind to port 0");
                bound.Add(socket.LocalPort);
            }

            var listener = NativeSocket.Open(Transport.Tcp, Loopback);
            sockets.Add(listener);
            listener.Bind(Loopback, 0).OrThrow("The listener's bind");
            listener.Listen(backlog: 64).OrThrow("The listen");
            var connected = new List<int>();
            for (var i = 0; i < 50; i++)
            {
                var client = NativeSocket.Open(Transport.Tcp, Loopback).ToSocket();
                sockets.Add(client);
                client.Connect(listener.LocalEndPoint);
                connected.Add(((IPEndPoint)client.LocalEndPoint!).Port);
            }

            ObserveValue($"bind to port 0: {Ephemeral.Parity(bound)}; connect: {Ephemeral.Parity(connected)}");
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, Linux,
        LinuxInetConnectionSock + ", inet_csk_get_port(): odd ports for bind, even ones left for connect(); .NET's "
            + "SO_REUSEADDR at Bind does not change the choice")]
    [Expect(Os.Windows, Mixed, "No parity rule is documented for Winsock's dynamic ports; unverified, the run settles it")]
    [Expect(Os.MacOS, Mixed, XnuInPcb + ", in_pcbbind(): random ports for bind and connect alike")]
    public void Managed()
    {
        var sockets = new List<IDisposable>();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start(64);
        try
        {
            var bound = new List<int>();
            for (var i = 0; i < 50; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                sockets.Add(socket);
                socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                bound.Add(((IPEndPoint)socket.LocalEndPoint!).Port);
            }

            var connected = new List<int>();
            for (var i = 0; i < 50; i++)
            {
                var client = new TcpClient(AddressFamily.InterNetwork);
                sockets.Add(client);
                client.Connect((IPEndPoint)listener.LocalEndpoint);
                connected.Add(((IPEndPoint)client.Client.LocalEndPoint!).Port);
            }

            ObserveValue($"bind to port 0: {Ephemeral.Parity(bound)}; connect: {Ephemeral.Parity(connected)}");
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }
    }
}

[Claim("connect-shares-a-local-port", "ephemeral-ports",
    "Two TCP connections can share one local address and port as long as they go to different remote ends: two sockets "
        + "bound to 127.0.0.1:P with SO_REUSEADDR both connect, each to its own listener. On macOS, SO_REUSEADDR does "
        + "not let the second socket bind that exact address; SO_REUSEPORT does.")]
public sealed class Connect_shares_a_local_port(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "ok",
        LinuxInetConnectionSock + ", inet_bind_conflict(): SO_REUSEADDR on both and neither listening lets both bind; "
            + "connect() then only needs a unique 4-tuple (Linux net/ipv4/inet_hashtables.c, "
            + "__inet_check_established)")]
    [Expect(Os.Windows, "ok",
        MicrosoftReuseTables + ", table 2: SO_REUSEADDR after SO_REUSEADDR on one specific address succeeds; the two "
            + "connections differ in their remote end")]
    [Expect(Os.MacOS, "bind:AddressAlreadyInUse",
        XnuInPcb + ", in_pcbbind(): an exact duplicate of an unconnected binding needs SO_REUSEPORT on both sockets; "
            + "SO_REUSEADDR is not enough")]
    public void Native()
    {
        using var one = new TcpListener(IPAddress.Loopback, 0);
        using var two = new TcpListener(IPAddress.Loopback, 0);
        one.Start();
        two.Start();

        using var first = NativeSocket.Open(Transport.Tcp, Loopback);
        first.Set(NativeOption.ReuseAddress).OrThrow("SO_REUSEADDR on the first socket");
        first.Bind(Loopback, 0).OrThrow("The first bind");
        using var second = NativeSocket.Open(Transport.Tcp, Loopback);
        second.Set(NativeOption.ReuseAddress).OrThrow("SO_REUSEADDR on the second socket");
        var bound = second.Bind(first.LocalEndPoint);
        if (!bound.Succeeded)
        {
            Observe(bound);
            return;
        }

        using var toOne = first.ToSocket();
        using var toTwo = second.ToSocket();
        Observe(ManagedCall.Steps(
            (Step.Connect, () => toOne.Connect(one.LocalEndpoint)),
            (Step.Connect, () => toTwo.Connect(two.LocalEndpoint))),
            Equals(toOne.LocalEndPoint, toTwo.LocalEndPoint) ? "both connections have one local end" : "the local ends differ");
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "ok",
        DotNetPal + ": ReuseAddress sets SO_REUSEADDR and SO_REUSEPORT; " + LinuxInetConnectionSock + " lets both "
            + "bind, and the 4-tuples differ")]
    [Expect(Os.Windows, "ok", MicrosoftReuseTables + ", table 2: SO_REUSEADDR on both succeeds; the 4-tuples differ")]
    [Expect(Os.MacOS, "ok",
        DotNetPal + ": ReuseAddress sets SO_REUSEPORT, which " + XnuInPcb + ", in_pcbbind() accepts for an exact "
            + "duplicate when both sockets have it")]
    public void Managed()
    {
        using var one = new TcpListener(IPAddress.Loopback, 0);
        using var two = new TcpListener(IPAddress.Loopback, 0);
        one.Start();
        two.Start();

        using var first = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        first.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        first.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var second = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        second.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);

        Observe(ManagedCall.Steps(
            (Step.Bind, () => second.Bind(first.LocalEndPoint!)),
            (Step.Connect, () => first.Connect(one.LocalEndpoint)),
            (Step.Connect, () => second.Connect(two.LocalEndpoint))));
    }
}

[Claim("per-socket-port-range-exhausted", "ephemeral-ports",
    "Ephemeral ports can run out: narrowed with Linux's per-socket IP_LOCAL_PORT_RANGE to a single port that a "
        + "listener already holds, a bind to port 0 is refused as address in use, without touching any system "
        + "setting.")]
public sealed class Per_socket_port_range_exhausted(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "bind:AddressAlreadyInUse",
        LinuxPortRangeSelftest + ": an exhausted per-socket range makes the next bind() fail with EADDRINUSE; "
            + LinuxInetConnectionSock + ", inet_csk_find_open_port() finds no free port and inet_csk_get_port() "
            + "returns -EADDRINUSE")]
    [Expect(Os.Windows, "n/a", PortRangeIsLinuxOnly)]
    [Expect(Os.MacOS, "n/a", PortRangeIsLinuxOnly)]
    public void Native()
    {
        using var holder = NativeSocket.Open(Transport.Tcp, Loopback);
        holder.Bind(Loopback, 0).OrThrow("The holder's bind");
        holder.Listen().OrThrow("The holder's listen");
        var port = holder.LocalPort;

        using var socket = NativeSocket.Open(Transport.Tcp, Loopback);
        Require(socket.Set(NativeOption.LocalPortRange, (port << 16) | port).Succeeded, "IP_LOCAL_PORT_RANGE needs Linux 6.3 or later");
        Observe(socket.Bind(Loopback, 0), "the range is the holder's port alone");
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "bind:AddressAlreadyInUse",
        LinuxPortRangeSelftest + "; .NET passes SetRawSocketOption through, and the only port is held by a listener, "
            + "which SO_REUSEADDR never shares (" + LinuxInetConnectionSock + ")")]
    [Expect(Os.Windows, "n/a", PortRangeIsLinuxOnly)]
    [Expect(Os.MacOS, "n/a", PortRangeIsLinuxOnly)]
    public void Managed()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        Require(ManagedCall.Try(Step.SetOption, () => RawOption.Write(socket, NativeOption.LocalPortRange, (port << 16) | port)).Succeeded,
            "IP_LOCAL_PORT_RANGE needs Linux 6.3 or later");
        var bound = ManagedCall.Try(Step.Bind, () => socket.Bind(new IPEndPoint(IPAddress.Loopback, 0)));
        Observe(bound, "the range is the holder's port alone");
    }
}

/// <summary>How the ephemeral-port claims describe what they saw.</summary>
internal static class Ephemeral
{
    /// <summary>
    /// "all N inside the OS's range" when every port lies in the range the OS reports, else how many fell outside; the
    /// detail names the range.
    /// </summary>
    public static (string Value, string Detail) Inside(IReadOnlyList<int> ports)
    {
        var range = EphemeralPortRange.Read();
        var outside = ports.Count(p => !range.Contains(p));
        // The value names no numbers, so the claim holds on any machine whatever its range; the detail shows the range.
        var value = outside == 0 ? $"all {ports.Count} inside the OS's range" : $"{outside} of {ports.Count} outside the OS's range";
        return (value, $"range {range.First}-{range.Last}, read from {range.Source}");
    }

    /// <summary>"unbound" for a socket without a port, else its address and "ephemeral" when the port is in the OS's range.</summary>
    public static string Describe(EndPoint? endPoint) => endPoint is IPEndPoint { Port: not 0 } bound
        ? $"{bound.Address}:{(EphemeralPortRange.Read().Contains(bound.Port)
            ? "ephemeral"
            : bound.Port.ToString(CultureInfo.InvariantCulture))}"
        : "unbound";

    public static string Parity(IReadOnlyList<int> ports) =>
        ports.All(p => p % 2 == 1) ? "all odd" : ports.All(p => p % 2 == 0) ? "all even" : "mixed";
}
