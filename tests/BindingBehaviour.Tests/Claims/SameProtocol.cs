using System.Net;
using System.Net.Sockets;
using BindingBehaviour.Native;
using BindingBehaviour.Tests.Infrastructure;
using Xunit.Abstractions;
using static BindingBehaviour.Sources;

namespace BindingBehaviour.Tests.Claims;

// Topic 1: two sockets of one protocol on one address and port.

[Claim("udp-twice-same-address", "same-protocol",
    "Two UDP sockets cannot both bind 127.0.0.1:P: the second bind is refused as address already in use.")]
public sealed class Udp_twice_same_address(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "bind:AddressAlreadyInUse",
        LinuxUdp + ", udp_lib_lport_inuse(): the port is in use unless both sockets set SO_REUSEADDR or SO_REUSEPORT")]
    [Expect(Os.Windows, "bind:AddressAlreadyInUse",
        MicrosoftReuseTables + ", table 2: Default/Specific after Default/Specific gives WSAEADDRINUSE (10048)")]
    [Expect(Os.MacOS, "bind:AddressAlreadyInUse",
        XnuInPcb + ", in_pcbbind(): an exact match without SO_REUSEPORT on both sockets returns EADDRINUSE")]
    public void Native()
    {
        using var first = NativeSocket.Open(Transport.Udp, Loopback);
        first.Bind(Loopback, 0).OrThrow("The first bind");

        using var second = NativeSocket.Open(Transport.Udp, Loopback);
        Observe(second.Bind(first.LocalEndPoint));
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "bind:AddressAlreadyInUse",
        DotNetPal + ": SystemNative_Bind adds SO_REUSEADDR for TCP only, so UdpClient binds plainly and " + LinuxUdp
            + " refuses")]
    [Expect(Os.Windows, "bind:AddressAlreadyInUse", MicrosoftReuseTables + ", table 2; .NET on Windows sets no option at Bind")]
    [Expect(Os.MacOS, "bind:AddressAlreadyInUse",
        DotNetPal + ": no option for UDP at Bind; " + XnuInPcb + ", in_pcbbind() refuses an exact duplicate")]
    public void Managed()
    {
        using var first = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var taken = (IPEndPoint)first.Client.LocalEndPoint!;

        // Not new UdpClient(taken): when that bind fails, the constructor throws without closing the socket it made
        // (dotnet/runtime UDPClient.cs), leaving it to the finalizer; the descriptor check of .ci/run caught it.
        using var second = new UdpClient(taken.AddressFamily);
        Observe(ManagedCall.Try(Step.Bind, () => second.Client.Bind(taken)));
    }
}

[Claim("tcp-twice-same-address", "same-protocol",
    "Two TCP sockets cannot both bind 127.0.0.1:P. Natively the second bind is refused; in .NET on Linux the second "
        + "Bind succeeds and the second Listen is refused instead, because .NET sets SO_REUSEADDR before every TCP "
        + "bind.")]
public sealed class Tcp_twice_same_address(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "bind:AddressAlreadyInUse",
        LinuxInetConnectionSock + ", inet_bind_conflict(): without SO_REUSEADDR on both sockets any overlapping bind "
            + "conflicts")]
    [Expect(Os.Windows, "bind:AddressAlreadyInUse",
        MicrosoftReuseTables + ", table 2: Default/Specific after Default/Specific gives WSAEADDRINUSE (10048)")]
    [Expect(Os.MacOS, "bind:AddressAlreadyInUse",
        XnuInPcb + ", in_pcbbind(): an exact match without SO_REUSEPORT on both sockets returns EADDRINUSE")]
    public void Native()
    {
        using var first = NativeSocket.Open(Transport.Tcp, Loopback);
        first.Bind(Loopback, 0).OrThrow("The first bind");

        using var second = NativeSocket.Open(Transport.Tcp, Loopback);
        Observe(Outcome.Sequence(
            () => second.Bind(first.LocalEndPoint),
            () => first.Listen(),
            () => second.Listen()));
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "listen:AddressAlreadyInUse",
        DotNetPal + ", SystemNative_Bind: \"On Unix, we set SO_REUSEADDR\" before every TCP bind; "
            + LinuxInetConnectionSock + ", inet_bind_conflict() lets two SO_REUSEADDR sockets bind while neither "
            + "listens, and listen() checks again")]
    [Expect(Os.Windows, "bind:AddressAlreadyInUse",
        MicrosoftReuseTables + ", table 2; .NET on Windows sets no option at Bind (" + DotNetPal + " is Unix-only)")]
    [Expect(Os.MacOS, "bind:AddressAlreadyInUse | listen:AddressAlreadyInUse",
        "Sources disagree: " + XnuInPcb + ", in_pcbbind() refuses an exact duplicate unless both sockets set "
            + "SO_REUSEPORT (bind refused), while the implicit SO_REUSEADDR of " + DotNetPal + " is said to move the "
            + "conflict to Listen as on Linux")]
    public void Managed()
    {
        using var first = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        first.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        using var second = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        Observe(ManagedCall.Steps(
            (Step.Bind, () => second.Bind(first.LocalEndPoint!)),
            (Step.Listen, () => first.Listen()),
            (Step.Listen, () => second.Listen())));
    }
}

[Claim("tcp-twice-first-listening", "same-protocol",
    "Once a TCP socket listens on 127.0.0.1:P, a second TCP socket cannot even bind there, in .NET too: SO_REUSEADDR "
        + "never lets a bind overlap a listener.")]
public sealed class Tcp_twice_first_listening(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "bind:AddressAlreadyInUse",
        LinuxInetConnectionSock + ", inet_bind_conflict(): a socket in TCP_LISTEN conflicts whatever the options; "
            + "socket(7), SO_REUSEADDR: \"except when there is an active listening socket bound to the address\"")]
    [Expect(Os.Windows, "bind:AddressAlreadyInUse",
        MicrosoftReuseTables + ", table 2: Default/Specific after Default/Specific gives WSAEADDRINUSE (10048)")]
    [Expect(Os.MacOS, "bind:AddressAlreadyInUse",
        XnuInPcb + ", in_pcbbind(): an exact match without SO_REUSEPORT on both sockets returns EADDRINUSE")]
    public void Native()
    {
        using var listener = NativeSocket.Open(Transport.Tcp, Loopback);
        listener.Bind(Loopback, 0).OrThrow("The listener's bind");
        listener.Listen().OrThrow("The first listen");

        using var second = NativeSocket.Open(Transport.Tcp, Loopback);
        Observe(second.Bind(listener.LocalEndPoint));
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "bind:AddressAlreadyInUse",
        LinuxInetConnectionSock + ", inet_bind_conflict(): SO_REUSEADDR on both does not help once the other socket is "
            + "in TCP_LISTEN")]
    [Expect(Os.Windows, "bind:AddressAlreadyInUse",
        MicrosoftReuseTables + ", table 2: Default/Specific after Default/Specific gives WSAEADDRINUSE (10048)")]
    [Expect(Os.MacOS, "bind:AddressAlreadyInUse",
        XnuInPcb + ", in_pcbbind(): an exact match without SO_REUSEPORT on both sockets returns EADDRINUSE")]
    public void Managed()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();

        using var second = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        Observe(ManagedCall.Steps(
            (Step.Bind, () => second.Bind(listener.LocalEndpoint)),
            (Step.Listen, () => second.Listen())));
    }
}
