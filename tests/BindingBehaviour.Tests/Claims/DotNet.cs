using System.Net;
using System.Net.Sockets;
using System.Runtime;
using BindingBehaviour.Native;
using BindingBehaviour.Results;
using BindingBehaviour.Tests.Infrastructure;
using Xunit.Abstractions;
using static BindingBehaviour.Sources;

namespace BindingBehaviour.Tests.Claims;

// Topic 8: the options .NET sets behind your back, and what its defaults bind.

[Claim("dotnet-tcp-bind-sets-reuseaddr", "dotnet",
    "On Linux and macOS, .NET turns SO_REUSEADDR on inside every Bind of a ProtocolType.Tcp socket. A UDP socket, and "
        + "even a stream socket created with ProtocolType.IP, binds without it; on Windows .NET adds nothing, and a "
        + "raw bind adds nothing anywhere.")]
public sealed class Dotnet_tcp_bind_sets_reuseaddr(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "Tcp: off before bind, off after; Udp: off after bind",
        "socket(7), SO_REUSEADDR: off unless set; bind(2) sets no option")]
    [Expect(Os.Windows, "Tcp: off before bind, off after; Udp: off after bind",
        MicrosoftReuseTables + ": SO_REUSEADDR is off until the application sets it")]
    [Expect(Os.MacOS, "Tcp: off before bind, off after; Udp: off after bind",
        XnuInPcb + ", in_pcbbind() reads so_options and never sets SO_REUSEADDR")]
    public void Native()
    {
        using var tcp = NativeSocket.Open(Transport.Tcp, Loopback);
        var before = RawOption.Describe(tcp.Get(NativeOption.ReuseAddress));
        tcp.Bind(Loopback, 0).OrThrow("The TCP bind");
        using var udp = NativeSocket.Open(Transport.Udp, Loopback);
        udp.Bind(Loopback, 0).OrThrow("The UDP bind");

        ObserveValue($"Tcp: {before} before bind, {RawOption.Describe(tcp.Get(NativeOption.ReuseAddress))} after; "
            + $"Udp: {RawOption.Describe(udp.Get(NativeOption.ReuseAddress))} after bind");
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "Tcp: off before Bind, on after; Udp: off after Bind; Stream with ProtocolType.IP: off after Bind",
        DotNetPal + ", SystemNative_Bind: \"On Unix, we set SO_REUSEADDR\" when protocolType == ProtocolType_PT_TCP, "
            + "the ProtocolType the socket was created with")]
    [Expect(Os.Windows, "Tcp: off before Bind, off after; Udp: off after Bind; Stream with ProtocolType.IP: off after Bind",
        "The option is added in the Unix PAL only (" + DotNetPal + ", SystemNative_Bind: \"On Windows, Bind during "
            + "TCP_WAIT is allowed\"); SocketPal.Windows.cs calls Winsock bind with no option")]
    [Expect(Os.MacOS, "Tcp: off before Bind, on after; Udp: off after Bind; Stream with ProtocolType.IP: off after Bind",
        DotNetPal + ", SystemNative_Bind sets SO_REUSEADDR for ProtocolType_PT_TCP on every Unix; dotnet/corefx#24562 "
            + "(macOS and Linux rebind after Dispose)")]
    public void Managed()
    {
        using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var before = RawOption.Read(tcp, NativeOption.ReuseAddress);
        tcp.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        // ProtocolType.IP (0) still makes a TCP socket, but the PAL only compares the ProtocolType it was given.
        using var streamIp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.IP);
        streamIp.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        ObserveValue($"Tcp: {before} before Bind, {RawOption.Read(tcp, NativeOption.ReuseAddress)} after; "
            + $"Udp: {RawOption.Read(udp, NativeOption.ReuseAddress)} after Bind; "
            + $"Stream with ProtocolType.IP: {RawOption.Read(streamIp, NativeOption.ReuseAddress)} after Bind");
    }
}

[Claim("dotnet-reuseaddress-sets-two-options", "dotnet",
    "On Linux and macOS, SetSocketOption(ReuseAddress, true) sets two kernel options, SO_REUSEADDR and SO_REUSEPORT, "
        + "so that the socket can share a port with programs that use either; setting SO_REUSEADDR natively sets that "
        + "one alone. On Windows ReuseAddress is SO_REUSEADDR and nothing else.")]
public sealed class Dotnet_reuseaddress_sets_two_options(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "SO_REUSEADDR on, SO_REUSEPORT off",
        "socket(7): SO_REUSEADDR and SO_REUSEPORT are separate options (SOL_SOCKET 2 and 15 in "
            + "include/uapi/asm-generic/socket.h)")]
    [Expect(Os.Windows, "SO_REUSEADDR on, SO_REUSEPORT none", NoReusePortOnWindows)]
    [Expect(Os.MacOS, "SO_REUSEADDR on, SO_REUSEPORT off",
        "XNU bsd/sys/socket.h: SO_REUSEADDR 0x0004 and SO_REUSEPORT 0x0200 are separate bits of so_options")]
    public void Native()
    {
        using var socket = NativeSocket.Open(Transport.Udp, Loopback);
        socket.Set(NativeOption.ReuseAddress).OrThrow("Setting SO_REUSEADDR");

        ObserveValue($"SO_REUSEADDR {RawOption.Describe(socket.Get(NativeOption.ReuseAddress))}, "
            + $"SO_REUSEPORT {RawOption.Describe(socket.Get(NativeOption.ReusePort))}");
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "SO_REUSEADDR on, SO_REUSEPORT on",
        DotNetPal + ", SystemNative_SetSockOpt: \"We make both SocketOptionName_SO_REUSEADDR and "
            + "SocketOptionName_SO_EXCLUSIVEADDRUSE control SO_REUSEPORT/SO_REUSEADDR\"; dotnet/corefx#32046")]
    [Expect(Os.Windows, "SO_REUSEADDR on, SO_REUSEPORT none",
        "SocketOptionName.ReuseAddress is Winsock's SO_REUSEADDR (4) itself; " + NoReusePortOnWindows)]
    [Expect(Os.MacOS, "SO_REUSEADDR on, SO_REUSEPORT on",
        DotNetPal + ", SystemNative_SetSockOpt sets SO_REUSEPORT, then SO_REUSEADDR, under #ifdef SO_REUSEPORT "
            + "(defined on macOS)")]
    public void Managed()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);

        ObserveValue($"SO_REUSEADDR {RawOption.Read(socket, NativeOption.ReuseAddress)}, "
            + $"SO_REUSEPORT {RawOption.Read(socket, NativeOption.ReusePort)}");
    }
}

[Claim("dotnet-reuseaddress-getter-reads-reuseport", "dotnet",
    "On Linux and macOS, GetSocketOption(ReuseAddress) reports SO_REUSEPORT, not SO_REUSEADDR: a socket with the "
        + "kernel's SO_REUSEADDR on reads 0, one with only SO_REUSEPORT on reads 1. So the getter never shows the "
        + "SO_REUSEADDR .NET sets at every TCP Bind.")]
public sealed class Dotnet_reuseaddress_getter_reads_reuseport(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "0 with raw SO_REUSEADDR on, 1 with raw SO_REUSEPORT on",
        DotNetPal + ", SystemNative_GetSockOpt: ReuseAddress and ExclusiveAddressUse read SO_REUSEPORT back, "
            + "normalised to 0 or 1")]
    [Expect(Os.Windows, "1 with raw SO_REUSEADDR on, none with raw SO_REUSEPORT on",
        "On Windows ReuseAddress reads SO_REUSEADDR itself; " + NoReusePortOnWindows)]
    [Expect(Os.MacOS, "0 with raw SO_REUSEADDR on, 1 with raw SO_REUSEPORT on",
        DotNetPal + ", SystemNative_GetSockOpt reads SO_REUSEPORT (\"macOS returns non-zero values other than 1\", "
            + "hence the normalisation)")]
    public void Managed()
    {
        using var reuseAddress = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        RawOption.Write(reuseAddress, NativeOption.ReuseAddress);

        using var reusePort = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        var hasReusePort = RawOption.Write(reusePort, NativeOption.ReusePort);

        string Getter(Socket socket) => $"{socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress)}";
        var withReusePort = hasReusePort ? Getter(reusePort) : RawOption.None;
        ObserveValue($"{Getter(reuseAddress)} with raw SO_REUSEADDR on, {withReusePort} with raw SO_REUSEPORT on");
    }
}

[Claim("dotnet-exclusiveaddressuse-inverts-reuse", "dotnet",
    "On Linux and macOS a fresh .NET socket reports ExclusiveAddressUse = true, and setting it to false is the same as "
        + "ReuseAddress = true: both kernel options go on, and back off when it is set to true again. On Windows it is "
        + "the separate option SO_EXCLUSIVEADDRUSE and leaves SO_REUSEADDR alone.")]
public sealed class Dotnet_exclusiveaddressuse_inverts_reuse(ITestOutputHelper output) : ClaimTest(output)
{
    private const string Unix =
        "fresh: ExclusiveAddressUse=True, ReuseAddress=0; after ExclusiveAddressUse=false: ReuseAddress=1, "
            + "SO_REUSEADDR on, SO_REUSEPORT on; after ExclusiveAddressUse=true: SO_REUSEADDR off, SO_REUSEPORT off";
    private const string WindowsAfter =
        "after ExclusiveAddressUse=false: ReuseAddress=0, SO_REUSEADDR off, SO_REUSEPORT none; after "
            + "ExclusiveAddressUse=true: SO_REUSEADDR off, SO_REUSEPORT none";

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, Unix,
        DotNetPal + ", SystemNative_SetSockOpt sets SO_REUSEPORT and SO_REUSEADDR to the inverse of "
            + "ExclusiveAddressUse, and SystemNative_GetSockOpt reads SO_REUSEPORT back inverted; dotnet/corefx#11509")]
    [Expect(Os.Windows,
        "fresh: ExclusiveAddressUse=False, ReuseAddress=0; " + WindowsAfter
            + " | fresh: ExclusiveAddressUse=True, ReuseAddress=0; " + WindowsAfter,
        "Sources disagree on the default: the ExclusiveAddressUse docs say true only on Windows Server 2003 and XP "
            + "SP2, while Winsock leaves SO_EXCLUSIVEADDRUSE off until set (" + MicrosoftReuseTables + "); either way "
            + "it is a separate option from SO_REUSEADDR")]
    [Expect(Os.MacOS, Unix,
        DotNetPal + ", SystemNative_SetSockOpt and SystemNative_GetSockOpt map ExclusiveAddressUse onto the same pair "
            + "on every Unix")]
    public void Managed()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        string ReuseAddress() => $"ReuseAddress={socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress)}";
        string Kernel() =>
            $"SO_REUSEADDR {RawOption.Read(socket, NativeOption.ReuseAddress)}, "
            + $"SO_REUSEPORT {RawOption.Read(socket, NativeOption.ReusePort)}";

        var fresh = $"ExclusiveAddressUse={socket.ExclusiveAddressUse}, {ReuseAddress()}";
        socket.ExclusiveAddressUse = false;
        var shared = $"{ReuseAddress()}, {Kernel()}";
        socket.ExclusiveAddressUse = true;

        ObserveValue($"fresh: {fresh}; after ExclusiveAddressUse=false: {shared}; after ExclusiveAddressUse=true: {Kernel()}");
    }
}

[Claim("dotnet-exclusiveaddressuse-before-bind-only", "dotnet",
    "ExclusiveAddressUse can only be set before the socket is bound: afterwards Socket throws "
        + "InvalidOperationException (not a SocketException), and so does TcpListener once started.")]
public sealed class Dotnet_exclusiveaddressuse_before_bind_only(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "Socket after Bind: InvalidOperationException; TcpListener after Start: InvalidOperationException",
        DotNetSocket + ", ExclusiveAddressUse setter: \"if (IsBound) throw new "
            + "InvalidOperationException(SR.net_sockets_mustnotbebound)\"; " + DotNetTcpListener
            + ", ExclusiveAddressUse setter: net_tcplistener_mustbestopped while active")]
    [Expect(Os.Windows, "Socket after Bind: InvalidOperationException; TcpListener after Start: InvalidOperationException",
        DotNetSocket + " and " + DotNetTcpListener + ": the checks are managed code, the same on every OS")]
    [Expect(Os.MacOS, "Socket after Bind: InvalidOperationException; TcpListener after Start: InvalidOperationException",
        DotNetSocket + " and " + DotNetTcpListener + ": the checks are managed code, the same on every OS")]
    public void Managed()
    {
        static string Thrown(Action attempt)
        {
            try
            {
                attempt();
                return "no exception";
            }
            catch (Exception e)
            {
                return e.GetType().Name;
            }
        }

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var onSocket = Thrown(() => socket.ExclusiveAddressUse = true);

        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var onListener = Thrown(() => listener.ExclusiveAddressUse = true);
        listener.Stop();

        ObserveValue($"Socket after Bind: {onSocket}; TcpListener after Start: {onListener}");
    }
}

[Claim("dotnet-reuseunicastport-windows-only", "dotnet",
    "SocketOptionName.ReuseUnicastPort is Windows' SO_REUSE_UNICASTPORT: Windows 10 and later accept it, Linux and "
        + "macOS refuse it as not supported.")]
public sealed class Dotnet_reuseunicastport_windows_only(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "setoption:OperationNotSupported",
        DotNetPal + ", TryGetPlatformSocketOption has no mapping for SocketOptionName_SO_REUSE_UNICASTPORT, so "
            + "SystemNative_SetSockOpt returns ENOTSUP; dotnet/runtime#73920")]
    [Expect(Os.Windows, "ok",
        "dotnet/runtime src/libraries/Common/tests/System/Net/Capability.Sockets.cs, SocketsReuseUnicastPortSupport: "
            + "supported on Windows 10 and later")]
    [Expect(Os.MacOS, "setoption:OperationNotSupported",
        DotNetPal + ": the same missing mapping on every Unix; " + DotNetSocketErrorPal + " maps ENOTSUP to "
            + "OperationNotSupported")]
    public void Managed()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        Observe(ManagedCall.Try(Step.SetOption,
            () => socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseUnicastPort, true)));
    }
}

[Claim("tcplistener-any-is-ipv4", "dotnet",
    "new TcpListener(IPAddress.Any, port).Start() makes an IPv4-only socket, and Start sets no option of its own: on "
        + "Linux and macOS the socket ends with SO_REUSEADDR on (from Bind) and SO_REUSEPORT off, and reports "
        + "ExclusiveAddressUse = true.")]
public sealed class Tcplistener_any_is_ipv4(ITestOutputHelper output) : ClaimTest(output)
{
    private const string Unix = "InterNetwork, SO_REUSEADDR on, SO_REUSEPORT off, ExclusiveAddressUse=True";

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, Unix,
        DotNetTcpListener + ": the constructor creates Socket(localaddr.AddressFamily, Stream, Tcp) and Start() only "
            + "binds and listens; " + DotNetPal + ", SystemNative_Bind adds SO_REUSEADDR")]
    [Expect(Os.Windows,
        "InterNetwork, SO_REUSEADDR off, SO_REUSEPORT none, ExclusiveAddressUse=False"
            + " | InterNetwork, SO_REUSEADDR off, SO_REUSEPORT none, ExclusiveAddressUse=True",
        "Sources disagree on the ExclusiveAddressUse default on Windows (the API docs against " + MicrosoftReuseTables
            + "); " + DotNetTcpListener + " sets nothing, and Windows .NET adds nothing at Bind")]
    [Expect(Os.MacOS, Unix, DotNetTcpListener + " and " + DotNetPal + ", SystemNative_Bind: the same code on every Unix")]
    public void Managed()
    {
        using var listener = new TcpListener(IPAddress.Any, 0);
        listener.Start();
        var server = listener.Server;
        ObserveValue($"{server.AddressFamily}, SO_REUSEADDR {RawOption.Read(server, NativeOption.ReuseAddress)}, "
            + $"SO_REUSEPORT {RawOption.Read(server, NativeOption.ReusePort)}, ExclusiveAddressUse={listener.ExclusiveAddressUse}");
    }
}

[Claim("tcplistener-create-is-dual-mode", "dotnet",
    "TcpListener.Create(port) listens on [::] in dual mode, so it holds the IPv4 port too: an IPv4 TcpListener on "
        + "0.0.0.0 and the same port cannot start beside it.")]
public sealed class Tcplistener_create_is_dual_mode(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "bind:AddressAlreadyInUse",
        DotNetTcpListener + ", Create(): IPv6Any with Server.DualMode = true; " + Ipv6Man + ": a socket with "
            + "IPV6_V6ONLY off also takes the IPv4 port, and " + LinuxInetConnectionSock + " refuses 0.0.0.0 beside a "
            + "dual-stack listener")]
    [Expect(Os.Windows, "bind:AddressAlreadyInUse",
        MicrosoftDualStack + ": a dual-stack wildcard reserves the port on both the IPv4 and IPv6 stacks, so a later "
            + "IPv4 bind fails")]
    [Expect(Os.MacOS, "bind:AddressAlreadyInUse | ok",
        "Sources disagree: " + XnuInPcb + ", in_pcbbind() refuses an IPv4 wildcard over a dual-stack [::] (golang/go "
            + "listen_test.go: fails on darwin), but .NET's implicit SO_REUSEADDR on the IPv4 socket may let the BSD "
            + "exact lookup pass it")]
    [Needs(Capability.Ipv6, "this machine has no IPv6, so TcpListener.Create falls back to IPv4")]
    public void Managed()
    {
        using var dual = TcpListener.Create(0);
        dual.Start();

        using var ipv4 = new TcpListener(IPAddress.Any, ((IPEndPoint)dual.LocalEndpoint).Port);
        Observe(Listeners.Start(ipv4), $"the first listener is {dual.LocalEndpoint} with DualMode={dual.Server.DualMode}");
    }
}

[Claim("udpclient-binds-in-constructor", "dotnet",
    "new UdpClient(port) binds inside its constructor, so options that must precede bind (ReuseAddress, "
        + "ExclusiveAddressUse) come too late; new UdpClient() leaves the socket unbound for them.")]
public sealed class Udpclient_binds_in_constructor(ITestOutputHelper output) : ClaimTest(output)
{
    private const string Everywhere =
        "new UdpClient(0): bound; new UdpClient(): unbound; ExclusiveAddressUse after new UdpClient(0): "
            + "InvalidOperationException";

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, Everywhere,
        DotNetUdpClient + ": UdpClient(int port) and UdpClient(IPEndPoint) create the socket and call Client.Bind; "
            + "UdpClient() only creates it; " + DotNetSocket + ", ExclusiveAddressUse setter refuses a bound socket")]
    [Expect(Os.Windows, Everywhere, DotNetUdpClient + " and " + DotNetSocket + ": managed code, the same on every OS")]
    [Expect(Os.MacOS, Everywhere, DotNetUdpClient + " and " + DotNetSocket + ": managed code, the same on every OS")]
    public void Managed()
    {
        using var withPort = new UdpClient(0);
        using var withoutPort = new UdpClient();

        string late;
        try
        {
            withPort.ExclusiveAddressUse = false;
            late = "no exception";
        }
        catch (InvalidOperationException e)
        {
            late = e.GetType().Name;
        }

        ObserveValue($"new UdpClient(0): {(withPort.Client.IsBound ? "bound" : "unbound")}; "
            + $"new UdpClient(): {(withoutPort.Client.IsBound ? "bound" : "unbound")}; ExclusiveAddressUse after new UdpClient(0): {late}");
    }
}

[Claim("dotnet-ipv6-sockets-start-v6only", "dotnet",
    "A new AF_INET6 socket starts with IPV6_V6ONLY as the OS defaults it (off on Linux and macOS, on on Windows), but "
        + ".NET turns it on for every AF_INET6 socket it creates, so a .NET IPv6 socket is IPv6-only on every OS until "
        + "DualMode is set.")]
public sealed class Dotnet_ipv6_sockets_start_v6only(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "IPV6_V6ONLY as net.ipv6.bindv6only",
        Ipv6Man + ", IPV6_V6ONLY: the default comes from /proc/sys/net/ipv6/bindv6only, which is 0 unless changed ("
            + IpSysctl + ")")]
    [Expect(Os.Windows, "IPV6_V6ONLY on",
        MicrosoftDualStack + ": \"By default, an IPv6 socket created on Windows Vista and later only operates over the "
            + "IPv6 protocol\"")]
    [Expect(Os.MacOS, "IPV6_V6ONLY off", XnuIn6Proto + ": ip6_v6only = 0, the default of net.inet6.ip6.v6only")]
    public void Native()
    {
        var opened = NativeSocket.TryOpen(Transport.Tcp, AddressFamily.InterNetworkV6, out var socket);
        Require(opened.Succeeded, "this machine cannot create IPv6 sockets");

        using (socket)
        {
            // On Linux the OS default is a per-namespace sysctl: what holds on every Linux is that the socket follows it.
            var v6only = socket!.Get(NativeOption.V6Only);
            var sysctl = RunEnvironment.ReadSysctl("net.ipv6.bindv6only");
            ObserveValue(sysctl is not null && v6only?.ToString() == sysctl
                ? "IPV6_V6ONLY as net.ipv6.bindv6only"
                : $"IPV6_V6ONLY {RawOption.Describe(v6only)}");
        }
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "IPV6_V6ONLY on, DualMode=False",
        DotNetSafeHandleUnix + ", CreateSocket: \"enable IPV6_V6ONLY by default for normal AF_INET6 sockets\"")]
    [Expect(Os.Windows, "IPV6_V6ONLY on, DualMode=False",
        MicrosoftDualStack + ": Windows already defaults to IPv6-only, so .NET has nothing to change")]
    [Expect(Os.MacOS, "IPV6_V6ONLY on, DualMode=False", DotNetSafeHandleUnix + ", CreateSocket sets IPV6_V6ONLY=1 on every Unix")]
    [Needs(Capability.Ipv6)]
    public void Managed()
    {
        using var socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
        ObserveValue($"IPV6_V6ONLY {RawOption.Read(socket, NativeOption.V6Only)}, DualMode={socket.DualMode}");
    }
}

[Claim("kestrel-second-server-same-port", "dotnet",
    "Two Kestrel servers cannot listen on one port: the second fails to start with an IOException (\"address already "
        + "in use\") whose inner exceptions end in the SocketException AddressAlreadyInUse from Bind.")]
public sealed class Kestrel_second_server_same_port(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "bind:AddressAlreadyInUse",
        KestrelTransportOptions + ", CreateDefaultBoundListenSocket binds a plain TCP socket (.NET adds SO_REUSEADDR), "
            + LinuxInetConnectionSock + " refuses it beside a listener; " + KestrelSocketListener + ", Bind() wraps "
            + "the SocketException in AddressInUseException and " + KestrelAddressBinder + ", BindEndpointAsync in "
            + "IOException")]
    [Expect(Os.Windows, "bind:AddressAlreadyInUse",
        KestrelTransportOptions + " sets no option on Windows; " + MicrosoftReuseTables + ", table 2: Default/Specific "
            + "after Default/Specific gives WSAEADDRINUSE")]
    [Expect(Os.MacOS, "bind:AddressAlreadyInUse",
        XnuInPcb + ", in_pcbbind(): an exact duplicate without SO_REUSEPORT on both is EADDRINUSE; "
            + KestrelAddressBinder + " wraps it the same way")]
    public async Task Managed()
    {
        await using var first = KestrelServers.OnLoopback(0);
        await first.StartAsync();
        await using var second = KestrelServers.OnLoopback(KestrelServers.Port(first));
        var failure = await Record.ExceptionAsync(() => second.StartAsync());
        await first.StopAsync();

        // Kestrel's CreateDefaultBoundListenSocket creates the socket and binds it; when Bind throws, nothing disposes the
        // socket, and only its finalizer closes it (found by the descriptor ledger). Run that finalizer now, so the
        // refused socket does not outlive this test.
        GC.Collect();
        GC.WaitForPendingFinalizers();

        if (failure is null)
        {
            Observe(Outcome.Ok);
            return;
        }

        var exceptions = KestrelServers.Chain(failure).ToList();
        var chain = string.Join(" > ", exceptions.Select(e => e.GetType().Name));
        var socketError = exceptions.OfType<SocketException>().FirstOrDefault()
            ?? throw new InvalidOperationException($"The second server failed without a SocketException: {chain}", failure);
        Observe(Outcome.From(Step.Bind, socketError), $"the second StartAsync threw {chain}");
    }
}

[Claim("refused-bind-in-a-constructor-leaves-the-socket-to-the-finalizer", "dotnet",
    "When the bind inside new UdpClient(endPoint), or inside Kestrel's listen-socket factory, is refused, the socket "
        + "they created is never disposed: it keeps its descriptor until the garbage collector finalizes it. Create "
        + "the socket first and bind it after, and it can be disposed.")]
[Collection(AloneCollection.Name)]
public sealed class Refused_bind_in_a_constructor_leaves_the_socket_to_the_finalizer(ITestOutputHelper output) : ClaimTest(output)
{
    private const string Everywhere =
        "new UdpClient(taken): 1 socket left open, a collection closes it; Kestrel StartAsync on a taken port: 1 "
            + "socket left open, a collection closes it";
    private const string ManagedEverywhere =
        ": managed code, the same on every OS; the descriptor is closed by SafeSocketHandle's finalizer";

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, Everywhere,
        DotNetUdpClient + ", UdpClient(IPEndPoint): CreateClientSocket() then _clientSocket.Bind(localEP), with "
            + "nothing to dispose the socket when Bind throws; " + KestrelTransportOptions
            + ", CreateDefaultBoundListenSocket: new Socket(...) then listenSocket.Bind(endpoint), likewise")]
    [Expect(Os.Windows, Everywhere, DotNetUdpClient + " and " + KestrelTransportOptions + ManagedEverywhere)]
    [Expect(Os.MacOS, Everywhere, DotNetUdpClient + " and " + KestrelTransportOptions + ManagedEverywhere)]
    [Needs(Capability.ProcSelfFd, "the claim counts the process's sockets in /proc/self/fd, which only Linux has")]
    public async Task Managed()
    {
        using var holder = new UdpClient(AddressFamily.InterNetwork);
        holder.Client.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var taken = (IPEndPoint)holder.Client.LocalEndPoint!;
        var udp = await LeftOpen(() =>
        {
            using var never = new UdpClient(taken); // throws: the caller never gets an object to dispose
            return Task.CompletedTask;
        });

        await using var first = KestrelServers.OnLoopback(0);
        await first.StartAsync();
        await using var second = KestrelServers.OnLoopback(KestrelServers.Port(first));
        var kestrel = await LeftOpen(() => second.StartAsync());
        await first.StopAsync();

        ObserveValue($"new UdpClient(taken): {udp}; Kestrel StartAsync on a taken port: {kestrel}");
    }

    /// <summary>
    /// Runs an attempt that must be refused, then says how many sockets it left open and whether a collection closes them.
    /// </summary>
    private static async Task<string> LeftOpen(Func<Task> refused)
    {
        // A collection between the refusal and the count would close the dropped socket before it is seen, and any
        // allocation, here or on another thread, may start one: none may run until the count is taken.
        var before = Sockets();
        GC.TryStartNoGCRegion(NoCollectionBudget).Should()
            .BeTrue("the runtime can promise no collection for {0} bytes", NoCollectionBudget);
        Exception? failure;
        List<(int Fd, string Target)> left;
        bool uncollected;
        try
        {
            failure = await Record.ExceptionAsync(refused);
            left = Sockets().Except(before).ToList();
        }
        finally
        {
            uncollected = GCSettings.LatencyMode == GCLatencyMode.NoGCRegion;
            if (uncollected)
            {
                GC.EndNoGCRegion();
            }
        }

        uncollected.Should().BeTrue(
            "no collection may run between the refusal and the count (the attempt allocated more than {0} bytes)", NoCollectionBudget);

        failure.Should().NotBeNull("the port is taken, so the bind is refused");
        KestrelServers.Chain(failure).OfType<SocketException>().Should().NotBeEmpty("the refusal comes from Bind");
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var afterCollection = Sockets();
        var stillOpen = left.Count(afterCollection.Contains);
        return left.Count == 0 ? "no socket left open"
            : $"{left.Count} socket{(left.Count == 1 ? "" : "s")} left open, "
                + (stillOpen > 0 ? $"{stillOpen} still open after a collection"
                    : left.Count == 1 ? "a collection closes it" : "a collection closes them");
    }

    private const long NoCollectionBudget = 64L << 20;

    /// <summary>This process's sockets: descriptor number and inode, from /proc/self/fd.</summary>
    private static HashSet<(int Fd, string Target)> Sockets() =>
        [.. DescriptorLedger.List().Where(d => d.Target.StartsWith("socket:", StringComparison.Ordinal))];
}
