using System.Net;
using System.Net.Sockets;
using BindingBehaviour.Native;
using BindingBehaviour.Tests.Infrastructure;
using Xunit.Abstractions;
using static BindingBehaviour.Sources;

namespace BindingBehaviour.Tests.Claims;

// Topic 3: does the wildcard 0.0.0.0:P cover 127.0.0.1:P, and do two loopback addresses collide?

[Claim("udp-wildcard-then-loopback", "wildcard-vs-specific",
    "A UDP socket on 0.0.0.0:P keeps another from binding 127.0.0.1:P on Linux and macOS; Windows lets the specific "
        + "socket in beside the wildcard.")]
public sealed class Udp_wildcard_then_loopback(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "bind:AddressAlreadyInUse",
        LinuxUdp + ", udp_lib_lport_inuse(): a wildcard and a specific address of one family overlap unless both "
            + "sockets set SO_REUSEADDR")]
    [Expect(Os.Windows, "ok",
        MicrosoftReuseTables + ", table 2: a Default/Specific bind after a Default/Wildcard bind succeeds for the same "
            + "user")]
    [Expect(Os.MacOS, "bind:AddressAlreadyInUse",
        XnuInPcb + ", in_pcbbind(): without SO_REUSEADDR the lookup is a wildcard lookup, which finds the 0.0.0.0 "
            + "socket")]
    public void Native()
    {
        using var wildcard = NativeSocket.Open(Transport.Udp, Any);
        wildcard.Bind(Any, 0).OrThrow("The wildcard bind");

        using var specific = NativeSocket.Open(Transport.Udp, Loopback);
        Observe(specific.Bind(Loopback, wildcard.LocalPort));
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "bind:AddressAlreadyInUse",
        DotNetPal + " adds no option to a UDP bind, so " + LinuxUdp + ", udp_lib_lport_inuse() decides as natively")]
    [Expect(Os.Windows, "ok", MicrosoftReuseTables + ", table 2: Default/Wildcard then Default/Specific succeeds")]
    [Expect(Os.MacOS, "bind:AddressAlreadyInUse",
        DotNetPal + " adds no option to a UDP bind; " + XnuInPcb + ", in_pcbbind() finds the wildcard socket")]
    public void Managed()
    {
        using var wildcard = new UdpClient(new IPEndPoint(IPAddress.Any, 0));
        var port = ((IPEndPoint)wildcard.Client.LocalEndPoint!).Port;

        var specificEndPoint = new IPEndPoint(IPAddress.Loopback, port);
        using var specific = new UdpClient(specificEndPoint.AddressFamily);
        Observe(ManagedCall.Try(Step.Bind, () => specific.Client.Bind(specificEndPoint)));
    }
}

[Claim("udp-loopback-then-wildcard", "wildcard-vs-specific",
    "The other order conflicts too: a UDP socket on 127.0.0.1:P keeps another from binding 0.0.0.0:P on Linux and "
        + "macOS, while Windows allows it.")]
public sealed class Udp_loopback_then_wildcard(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "bind:AddressAlreadyInUse", LinuxUdp + ", udp_lib_lport_inuse(): the overlap is checked whichever socket came first")]
    [Expect(Os.Windows, "ok", MicrosoftReuseTables + ", table 2: a Default/Wildcard bind after a Default/Specific bind succeeds")]
    [Expect(Os.MacOS, "bind:AddressAlreadyInUse",
        XnuInPcb + ", in_pcbbind(): a wildcard bind without SO_REUSEADDR finds the specific socket on the port")]
    public void Native()
    {
        using var specific = NativeSocket.Open(Transport.Udp, Loopback);
        specific.Bind(Loopback, 0).OrThrow("The specific bind");

        using var wildcard = NativeSocket.Open(Transport.Udp, Any);
        Observe(wildcard.Bind(Any, specific.LocalPort));
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "bind:AddressAlreadyInUse", DotNetPal + " adds no option to a UDP bind; " + LinuxUdp + ", udp_lib_lport_inuse()")]
    [Expect(Os.Windows, "ok", MicrosoftReuseTables + ", table 2: Default/Specific then Default/Wildcard succeeds")]
    [Expect(Os.MacOS, "bind:AddressAlreadyInUse", DotNetPal + " adds no option to a UDP bind; " + XnuInPcb + ", in_pcbbind()")]
    public void Managed()
    {
        using var specific = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)specific.Client.LocalEndPoint!).Port;

        var wildcardEndPoint = new IPEndPoint(IPAddress.Any, port);
        using var wildcard = new UdpClient(wildcardEndPoint.AddressFamily);
        Observe(ManagedCall.Try(Step.Bind, () => wildcard.Client.Bind(wildcardEndPoint)));
    }
}

[Claim("tcp-wildcard-then-loopback", "wildcard-vs-specific",
    "A TCP server listening on 0.0.0.0:P keeps a second server off 127.0.0.1:P on Linux and, natively, on macOS; "
        + "Windows lets it in. Whether the SO_REUSEADDR that .NET adds lets it in on macOS is left to the macOS run.")]
public sealed class Tcp_wildcard_then_loopback(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "bind:AddressAlreadyInUse",
        LinuxInetConnectionSock + ", inet_bind_conflict(): 0.0.0.0 overlaps every IPv4 address; " + SocketMan
            + ", SO_REUSEADDR: a listener on INADDR_ANY blocks the port \"for any local address\"")]
    [Expect(Os.Windows, "ok",
        WineReuseaddrTest + " (lines 2455-2487): with 0.0.0.0 listening, 127.0.0.1 binds and listens and gets the "
            + "connection, on Windows; " + MicrosoftReuseTables + ", table 2: Default/Wildcard then Default/Specific "
            + "succeeds")]
    [Expect(Os.MacOS, "bind:AddressAlreadyInUse",
        XnuInPcb + ", in_pcbbind(): no SO_REUSEADDR means a wildcard lookup, which finds the listener on 0.0.0.0")]
    public void Native()
    {
        using var wildcard = NativeSocket.Open(Transport.Tcp, Any);
        wildcard.Bind(Any, 0).OrThrow("The wildcard bind");
        wildcard.Listen().OrThrow("The wildcard listen");

        using var specific = NativeSocket.Open(Transport.Tcp, Loopback);
        Observe(Outcome.Sequence(
            () => specific.Bind(Loopback, wildcard.LocalPort),
            () => specific.Listen()));
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "bind:AddressAlreadyInUse",
        DotNetPal + " sets SO_REUSEADDR on both, but " + LinuxInetConnectionSock + ", inet_bind_conflict() ignores it "
            + "once the other socket is in TCP_LISTEN")]
    [Expect(Os.Windows, "ok",
        MicrosoftReuseTables + ", table 2: Default/Wildcard then Default/Specific succeeds; .NET on Windows sets no "
            + "option at Bind")]
    [Expect(Os.MacOS, "ok | bind:AddressAlreadyInUse",
        "Uncertain, not run: " + DotNetPal + " sets SO_REUSEADDR before the bind, and " + XnuInPcb + ", in_pcbbind() "
            + "then does an exact lookup that does not find 0.0.0.0 and ignores the listen state (ok); macOS's Skywalk "
            + "port reservations (netns_reserve_in) are not documented (refused?)")]
    public void Managed()
    {
        using var wildcard = new TcpListener(IPAddress.Any, 0);
        wildcard.Start();
        var port = ((IPEndPoint)wildcard.LocalEndpoint).Port;

        using var specific = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        Observe(ManagedCall.Steps(
            (Step.Bind, () => specific.Bind(new IPEndPoint(IPAddress.Loopback, port))),
            (Step.Listen, () => specific.Listen())));
    }
}

[Claim("tcp-loopback-then-wildcard", "wildcard-vs-specific",
    "A TCP server listening on 127.0.0.1:P keeps a second server off 0.0.0.0:P on Linux and, natively, on macOS; "
        + "Windows lets the wildcard server in.")]
public sealed class Tcp_loopback_then_wildcard(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "bind:AddressAlreadyInUse",
        LinuxInetConnectionSock + ", inet_bind_conflict(): a wildcard overlaps the listener's specific address")]
    [Expect(Os.Windows, "ok",
        WineReuseaddrTest + " (lines 2489-2522): with 127.0.0.1 listening, 0.0.0.0 binds and listens, on Windows; "
            + MicrosoftReuseTables + ", table 2: Default/Specific then Default/Wildcard succeeds")]
    [Expect(Os.MacOS, "bind:AddressAlreadyInUse",
        XnuInPcb + ", in_pcbbind(): a wildcard bind without SO_REUSEADDR finds the specific listener")]
    public void Native()
    {
        using var specific = NativeSocket.Open(Transport.Tcp, Loopback);
        specific.Bind(Loopback, 0).OrThrow("The specific bind");
        specific.Listen().OrThrow("The specific listen");

        using var wildcard = NativeSocket.Open(Transport.Tcp, Any);
        Observe(Outcome.Sequence(
            () => wildcard.Bind(Any, specific.LocalPort),
            () => wildcard.Listen()));
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "bind:AddressAlreadyInUse",
        LinuxInetConnectionSock + ", inet_bind_conflict(): the implicit SO_REUSEADDR of " + DotNetPal
            + " does not help against a listener")]
    [Expect(Os.Windows, "ok", MicrosoftReuseTables + ", table 2: Default/Specific then Default/Wildcard succeeds")]
    [Expect(Os.MacOS, "ok | bind:AddressAlreadyInUse",
        "Uncertain, not run: with the implicit SO_REUSEADDR of " + DotNetPal + ", " + XnuInPcb + ", in_pcbbind() looks "
            + "up 0.0.0.0 exactly and does not find 127.0.0.1 (ok); Skywalk's netns_reserve_in may still refuse")]
    public void Managed()
    {
        using var specific = new TcpListener(IPAddress.Loopback, 0);
        specific.Start();
        var port = ((IPEndPoint)specific.LocalEndpoint).Port;

        using var wildcard = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        Observe(ManagedCall.Steps(
            (Step.Bind, () => wildcard.Bind(new IPEndPoint(IPAddress.Any, port))),
            (Step.Listen, () => wildcard.Listen())));
    }
}

[Claim("two-loopback-addresses", "wildcard-vs-specific",
    "127.0.0.1 and 127.0.0.2 are different addresses: a TCP listener and a UDP socket on each share port P without any "
        + "option. macOS has no 127.0.0.2 unless it is added to lo0.")]
public sealed class Two_loopback_addresses(ITestOutputHelper output) : ClaimTest(output)
{
    private static readonly IPAddress SecondLoopback = Capabilities.SecondLoopback;

    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "ok",
        "lo holds 127.0.0.1/8, so the local routing table has \"local 127.0.0.0/8\" and " + LinuxAfInet
            + ", inet_bind() accepts every RTN_LOCAL address; two different addresses never overlap")]
    [Expect(Os.Windows, "ok",
        "Castwright issue #1346: binding 127.0.0.2 passes on windows-latest (no Microsoft page states it); "
            + MicrosoftReuseTables + ": sockets on different explicit addresses do not conflict")]
    [Expect(Os.MacOS, "ok",
        "Runs only where lo0 has the alias 127.0.0.2 (otherwise " + XnuInPcb + ", in_pcbbind() gives EADDRNOTAVAIL and "
            + "the claim skips); different addresses do not overlap in in_pcbbind()")]
    [Needs(Capability.SecondLoopback)]
    public void Native()
    {
        Outcome Tcp()
        {
            using var first = NativeSocket.Open(Transport.Tcp, Loopback);
            first.Bind(Loopback, 0).OrThrow("The 127.0.0.1 bind");
            first.Listen().OrThrow("The 127.0.0.1 listen");
            using var second = NativeSocket.Open(Transport.Tcp, SecondLoopback);
            return Outcome.Sequence(() => second.Bind(SecondLoopback, first.LocalPort), () => second.Listen());
        }

        Outcome Udp()
        {
            using var first = NativeSocket.Open(Transport.Udp, Loopback);
            first.Bind(Loopback, 0).OrThrow("The 127.0.0.1 bind");
            using var second = NativeSocket.Open(Transport.Udp, SecondLoopback);
            return second.Bind(SecondLoopback, first.LocalPort);
        }

        // Another process may hold 127.0.0.2 on the port 127.0.0.1 got: retry with a fresh port.
        Observe(Outcome.Sequence(() => Ports.RetryWhileTaken(Tcp), () => Ports.RetryWhileTaken(Udp)));
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "ok",
        LinuxAfInet + ", inet_bind(): 127.0.0.2 is local; the implicit SO_REUSEADDR of " + DotNetPal + " plays no part "
            + "between different addresses")]
    [Expect(Os.Windows, "ok",
        "Castwright issue #1346 (windows-latest binds 127.0.0.2); " + MicrosoftReuseTables + ": different explicit "
            + "addresses do not conflict")]
    [Expect(Os.MacOS, "ok",
        "Runs only where lo0 has the alias 127.0.0.2; different addresses do not overlap in " + XnuInPcb
            + ", in_pcbbind()")]
    [Needs(Capability.SecondLoopback)]
    public void Managed()
    {
        Outcome Tcp()
        {
            using var first = new TcpListener(IPAddress.Loopback, 0);
            first.Start();
            using var second = new TcpListener(SecondLoopback, ((IPEndPoint)first.LocalEndpoint).Port);
            return ManagedCall.Try(Step.Bind, second.Start);
        }

        Outcome Udp()
        {
            using var first = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            var secondEndPoint = new IPEndPoint(SecondLoopback, ((IPEndPoint)first.Client.LocalEndPoint!).Port);
            using var second = new UdpClient(secondEndPoint.AddressFamily);
            return ManagedCall.Try(Step.Bind, () => second.Client.Bind(secondEndPoint));
        }

        Observe(Outcome.Sequence(() => Ports.RetryWhileTaken(Tcp), () => Ports.RetryWhileTaken(Udp)));
    }
}

[Claim("two-wildcards", "wildcard-vs-specific",
    "Two TCP servers cannot both listen on 0.0.0.0:P, on any OS and in .NET too: the second one's bind is refused.")]
public sealed class Two_wildcards(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "bind:AddressAlreadyInUse",
        LinuxInetConnectionSock + ", inet_bind_conflict(): two wildcards of one family always overlap")]
    [Expect(Os.Windows, "bind:AddressAlreadyInUse",
        MicrosoftReuseTables + ", table 2: Default/Wildcard after Default/Wildcard gives WSAEADDRINUSE (10048)")]
    [Expect(Os.MacOS, "bind:AddressAlreadyInUse",
        XnuInPcb + ", in_pcbbind(): the lookup finds the other 0.0.0.0 socket and neither has SO_REUSEPORT")]
    public void Native()
    {
        using var first = NativeSocket.Open(Transport.Tcp, Any);
        first.Bind(Any, 0).OrThrow("The first bind");
        first.Listen().OrThrow("The first listen");

        using var second = NativeSocket.Open(Transport.Tcp, Any);
        Observe(Outcome.Sequence(() => second.Bind(Any, first.LocalPort), () => second.Listen()));
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "bind:AddressAlreadyInUse",
        LinuxInetConnectionSock + ", inet_bind_conflict(): the implicit SO_REUSEADDR of " + DotNetPal
            + " does not help against a listener")]
    [Expect(Os.Windows, "bind:AddressAlreadyInUse",
        MicrosoftReuseTables + ", table 2: Default/Wildcard after Default/Wildcard gives WSAEADDRINUSE")]
    [Expect(Os.MacOS, "bind:AddressAlreadyInUse",
        XnuInPcb + ", in_pcbbind(): SO_REUSEADDR (set by " + DotNetPal + ") allows no exact duplicate without "
            + "SO_REUSEPORT on both")]
    public void Managed()
    {
        using var first = new TcpListener(IPAddress.Any, 0);
        first.Start();

        using var second = new TcpListener(IPAddress.Any, ((IPEndPoint)first.LocalEndpoint).Port);
        Observe(ManagedCall.Try(Step.Bind, second.Start));
    }
}
