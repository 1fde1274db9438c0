using System.Net;
using System.Net.Sockets;
using BindingBehaviour.Native;
using BindingBehaviour.Tests.Infrastructure;
using Xunit.Abstractions;
using static BindingBehaviour.Sources;

namespace BindingBehaviour.Tests.Claims;

// Topic 14: may a socket bind an address this machine does not have? The addresses are from the documentation
// ranges (RFC 5737 198.51.100.0/24, RFC 3849 2001:db8::/32), and nothing is ever sent to them.

[Claim("non-local-ipv4-address", "addresses-not-yours",
    "A socket cannot bind an IPv4 address this machine does not have, such as 198.51.100.7: the bind is refused as address not available.")]
public sealed class Non_local_ipv4_address(ITestOutputHelper output) : ClaimTest(output)
{
    private static readonly IPAddress NotOurs = IPAddress.Parse("198.51.100.7");

    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "bind:AddressNotAvailable",
        IpMan + ", ERRORS: EADDRNOTAVAIL when the requested address is not local; " + LinuxAfInet + ", __inet_bind(): "
            + "inet_addr_valid_or_nonlocal() is false for an address of no local route")]
    [Expect(Os.Windows, "bind:AddressNotAvailable",
        MicrosoftBind + ", WSAEADDRNOTAVAIL: \"The requested address is not valid in its context\", for an address "
            + "that is not a valid local IP address on this computer")]
    [Expect(Os.MacOS, "bind:AddressNotAvailable",
        XnuInPcb + ", in_pcbbind(): ifa_ifwithaddr() finds no interface with the address → EADDRNOTAVAIL")]
    public void Native()
    {
        using var socket = NativeSocket.Open(Transport.Tcp, NotOurs);
        Observe(socket.Bind(NotOurs, 0));
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "bind:AddressNotAvailable", LinuxAfInet + ", __inet_bind(); the SO_REUSEADDR .NET adds does not matter")]
    [Expect(Os.Windows, "bind:AddressNotAvailable", MicrosoftBind + ", WSAEADDRNOTAVAIL")]
    [Expect(Os.MacOS, "bind:AddressNotAvailable", XnuInPcb + ", in_pcbbind(): ifa_ifwithaddr() → EADDRNOTAVAIL")]
    public void Managed()
    {
        using var listener = new TcpListener(NotOurs, 0);
        Observe(ManagedCall.Try(Step.Bind, listener.Start));
    }
}

[Claim("non-local-ipv6-address", "addresses-not-yours",
    "The same holds for IPv6: binding 2001:db8::7, an address this machine does not have, is refused as address not available.")]
public sealed class Non_local_ipv6_address(ITestOutputHelper output) : ClaimTest(output)
{
    private static readonly IPAddress NotOurs = IPAddress.Parse("2001:db8::7");

    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "bind:AddressNotAvailable",
        LinuxAfInet6 + ", __inet6_bind(): ipv6_chk_addr() finds no local address and nonlocal binding is off → "
            + "-EADDRNOTAVAIL")]
    [Expect(Os.Windows, "bind:AddressNotAvailable", MicrosoftBind + ", WSAEADDRNOTAVAIL: not a valid local address")]
    [Expect(Os.MacOS, "bind:AddressNotAvailable", XnuIn6Pcb + ", in6_pcbbind(): ifa_ifwithaddr() returns NULL → EADDRNOTAVAIL")]
    [Needs(Capability.Ipv6Loopback)]
    public void Native()
    {
        using var socket = NativeSocket.Open(Transport.Udp, NotOurs);
        Observe(socket.Bind(NotOurs, 0));
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "bind:AddressNotAvailable", LinuxAfInet6 + ", __inet6_bind()")]
    [Expect(Os.Windows, "bind:AddressNotAvailable", MicrosoftBind + ", WSAEADDRNOTAVAIL")]
    [Expect(Os.MacOS, "bind:AddressNotAvailable", XnuIn6Pcb + ", in6_pcbbind()")]
    [Needs(Capability.Ipv6Loopback)]
    public void Managed()
    {
        var clientEndPoint = new IPEndPoint(NotOurs, 0);
        using var client = new UdpClient(clientEndPoint.AddressFamily);
        Observe(ManagedCall.Try(Step.Bind, () => client.Client.Bind(clientEndPoint)));
    }
}

// The two FREEBIND claims bind a non-local address successfully, so they do it inside a network namespace the suite
// creates (LinuxSandbox, topic linux-environments): nothing binds a non-loopback address in this process's namespace.

[Claim("ip-freebind", "addresses-not-yours",
    "On Linux, IP_FREEBIND on one socket lets it bind and even listen on an IPv4 address the machine does not have "
        + "(198.51.100.7); Windows and macOS have no such option.")]
public sealed class Ip_freebind(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "ok",
        IpMan + ", IP_FREEBIND: \"allows binding to an IP address that is nonlocal or does not (yet) exist\"; "
            + LinuxAfInet + ", __inet_bind(): inet_can_nonlocal_bind()")]
    [Expect(Os.Windows, "n/a", "IP_FREEBIND is a Linux option (" + IpMan + "); Winsock's ws2ipdef.h has no counterpart")]
    [Expect(Os.MacOS, "n/a",
        "IP_FREEBIND is a Linux option (" + IpMan + "); XNU bsd/netinet/in.h has none (FreeBSD's IP_BINDANY is not in "
            + "macOS)")]
    [Needs(Capability.FreeBind)]
    [Sandbox(NetworkNamespace.New)]
    public void Native()
    {
        // The probe's +freebind: setsockopt(SOL_IP, IP_FREEBIND, 1) before bind.
        var run = Sandbox().Probe("tcp 198.51.100.7:0 +freebind listen");
        Observe(run[1].Outcome, run.Detail);
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "ok", ".NET has no name for IP_FREEBIND, but SetRawSocketOption(0, 15, 1) reaches it; " + IpMan + ", IP_FREEBIND")]
    [Expect(Os.Windows, "n/a", "IP_FREEBIND is a Linux option (" + IpMan + "); Winsock has no counterpart")]
    [Expect(Os.MacOS, "n/a", "IP_FREEBIND is a Linux option (" + IpMan + "); macOS has no counterpart")]
    [Needs(Capability.FreeBind)]
    [Sandbox(NetworkNamespace.New)]
    public void Managed()
    {
        // The probe's managed +freebind: socket.SetRawSocketOption(0, 15, BitConverter.GetBytes(1)), then Bind and Listen.
        var run = Sandbox().Probe("--layer managed tcp 198.51.100.7:0 +freebind listen");
        Observe(run[1].Outcome, run.Detail);
    }
}

[Claim("ipv6-freebind", "addresses-not-yours",
    "On Linux, IPV6_FREEBIND does the same for IPv6: a UDP socket with it binds 2001:db8::7, which this machine does not have.")]
public sealed class Ipv6_freebind(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "ok",
        "include/uapi/linux/in6.h: IPV6_FREEBIND is 78; " + LinuxAfInet6 + ", __inet6_bind(): ipv6_can_nonlocal_bind() "
            + "skips the local-address check")]
    [Expect(Os.Windows, "n/a", "IPV6_FREEBIND is a Linux option (include/uapi/linux/in6.h); Winsock has no counterpart")]
    [Expect(Os.MacOS, "n/a", "IPV6_FREEBIND is a Linux option (include/uapi/linux/in6.h); XNU bsd/netinet6/in6.h has none")]
    [Needs(Capability.V6FreeBind)]
    [Needs(Capability.Ipv6Loopback)]
    [Sandbox(NetworkNamespace.New)]
    public void Native()
    {
        // The probe's +freebind on an IPv6 socket: setsockopt(IPPROTO_IPV6, IPV6_FREEBIND, 1) before bind.
        var run = Sandbox().Probe("udp [2001:db8::7]:0 +freebind");
        Observe(run[1].Outcome, run.Detail);
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "ok",
        ".NET has no name for IPV6_FREEBIND, but SetRawSocketOption(41, 78, 1) reaches it; " + LinuxAfInet6
            + ", __inet6_bind()")]
    [Expect(Os.Windows, "n/a", "IPV6_FREEBIND is a Linux option; Winsock has no counterpart")]
    [Expect(Os.MacOS, "n/a", "IPV6_FREEBIND is a Linux option; macOS has no counterpart")]
    [Needs(Capability.V6FreeBind)]
    [Needs(Capability.Ipv6Loopback)]
    [Sandbox(NetworkNamespace.New)]
    public void Managed()
    {
        // The probe's managed +freebind: socket.SetRawSocketOption(41, 78, BitConverter.GetBytes(1)), then Bind.
        var run = Sandbox().Probe("--layer managed udp [2001:db8::7]:0 +freebind");
        Observe(run[1].Outcome, run.Detail);
    }
}

[Claim("loopback-broadcast-address", "addresses-not-yours",
    "Linux lets a UDP socket bind 127.255.255.255, the broadcast address of the loopback network, as if it were its "
        + "own; macOS does not, and Windows is unsettled.")]
public sealed class Loopback_broadcast_address(ITestOutputHelper output) : ClaimTest(output)
{
    private static readonly IPAddress LoopbackBroadcast = IPAddress.Parse("127.255.255.255");

    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "ok",
        LinuxAfInet + ", inet_addr_valid_or_nonlocal(): RTN_BROADCAST addresses may be bound, and lo's 127.0.0.1/8 "
            + "puts \"broadcast 127.255.255.255\" in the local table; libuv test-tcp-bind-error.c: \"It seems that "
            + "Linux is broken here - bind succeeds\"")]
    [Expect(Os.Windows, "ok | bind:AddressNotAvailable | bind:AccessDenied",
        "Sources disagree: " + MicrosoftBind + " gives WSAEACCES for a datagram bind to a broadcast address without "
            + "SO_BROADCAST and WSAEADDRNOTAVAIL for a non-local one; no source says how Windows treats "
            + "127.255.255.255")]
    [Expect(Os.MacOS, "bind:AddressNotAvailable",
        "Derived, not run: " + XnuInPcb + ", in_pcbbind() needs ifa_ifwithaddr() to find the address, which matches a "
            + "broadcast address only on an IFF_BROADCAST interface, and lo0 is not one")]
    public void Native()
    {
        using var socket = NativeSocket.Open(Transport.Udp, LoopbackBroadcast);
        Observe(socket.Bind(LoopbackBroadcast, 0));
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "ok", LinuxAfInet + ", inet_addr_valid_or_nonlocal() accepts RTN_BROADCAST")]
    [Expect(Os.Windows, "ok | bind:AddressNotAvailable | bind:AccessDenied",
        "Sources disagree: " + MicrosoftBind + " (WSAEACCES for broadcast without SO_BROADCAST, WSAEADDRNOTAVAIL for "
            + "non-local)")]
    [Expect(Os.MacOS, "bind:AddressNotAvailable", "Derived, not run: " + XnuInPcb + ", in_pcbbind(): lo0 is no broadcast interface")]
    public void Managed()
    {
        var clientEndPoint = new IPEndPoint(LoopbackBroadcast, 0);
        using var client = new UdpClient(clientEndPoint.AddressFamily);
        Observe(ManagedCall.Try(Step.Bind, () => client.Client.Bind(clientEndPoint)));
    }
}
