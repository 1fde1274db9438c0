using System.Net;
using System.Net.Sockets;
using BindingBehaviour.Native;
using BindingBehaviour.Results;
using BindingBehaviour.Tests.Infrastructure;
using Xunit.Abstractions;
using static BindingBehaviour.Sources;

namespace BindingBehaviour.Tests.Claims;

// Topic 4: when does an IPv6 socket also take the IPv4 port?

[Claim("dual-stack-any-then-ipv4-any", "ipv4-ipv6-dual-stack",
    "A dual-stack TCP listener on [::]:P (IPV6_V6ONLY off) also holds 0.0.0.0:P on Linux and macOS: an IPv4 server on "
        + "0.0.0.0:P is refused there. Windows lets the IPv4 server in beside it, as Wine's conformance test asserts "
        + "on real Windows.")]
public sealed class Dual_stack_any_then_ipv4_any(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "bind:AddressAlreadyInUse",
        LinuxInetConnectionSock + ", inet_bind_conflict() via inet_rcv_saddr_equal(): a [::] socket without "
            + "IPV6_V6ONLY matches every IPv4 address; " + LinuxBindWildcard + ", v6_any_v4_any: EADDRINUSE")]
    [Expect(Os.Windows, "ok",
        WineReuseaddrTest + ", tests_exclusive[14] (lines 2304-2308): a default AF_INET 0.0.0.0 binds beside a default "
            + "dual-stack [::], an assertion that holds on Windows; it outweighs " + MicrosoftDualStack + " (the [::] "
            + "reserves the IPv4 port too) and table 2 of " + MicrosoftReuseTables + " (two default wildcards: "
            + "WSAEADDRINUSE). Wine's [::] only binds; that it listens here is not attested, and Wine's "
            + "wildcard-and-loopback test shows no conflict added at listen")]
    [Expect(Os.MacOS, "bind:AddressAlreadyInUse",
        XnuInPcb + ", in_pcbbind(): the lookup for 0.0.0.0 finds the dual-stack [::] socket (INP_IPV4 set by "
            + "tcp6_usr_bind in " + XnuTcpUsrreq + ") and refuses an AF_INET newcomer; " + GoListenTest
            + ": darwin fails")]
    [Needs(Capability.Ipv6Loopback)]
    public void Native()
    {
        using var dual = NativeSocket.Open(Transport.Tcp, AddressFamily.InterNetworkV6);
        dual.Set(NativeOption.V6Only, 0).OrThrow("Clearing IPV6_V6ONLY");
        dual.Bind(IPAddress.IPv6Any, 0).OrThrow("The [::] bind");
        dual.Listen().OrThrow("The [::] listen");

        using var ipv4 = NativeSocket.Open(Transport.Tcp, Any);
        Observe(Outcome.Sequence(() => ipv4.Bind(Any, dual.LocalPort), () => ipv4.Listen()));
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "bind:AddressAlreadyInUse",
        "DualMode = true clears IPV6_V6ONLY (" + DotNetSocket + "); " + LinuxInetConnectionSock
            + ", inet_bind_conflict(): the dual-stack listener overlaps 0.0.0.0")]
    [Expect(Os.Windows, "ok",
        WineReuseaddrTest + ", tests_exclusive[14]: a default 0.0.0.0 binds beside a default dual-stack [::] on "
            + "Windows, against " + MicrosoftDualStack + "; .NET on Windows sets no option at Bind or Start")]
    [Expect(Os.MacOS, "bind:AddressAlreadyInUse",
        XnuInPcb + ", in_pcbbind(): the exact lookup (SO_REUSEADDR from " + DotNetPal + ") finds the dual-stack [::] "
            + "socket, which has no SO_REUSEPORT, and the newcomer is AF_INET")]
    [Needs(Capability.Ipv6Loopback)]
    public void Managed()
    {
        using var dual = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp) { DualMode = true };
        dual.Bind(new IPEndPoint(IPAddress.IPv6Any, 0));
        dual.Listen();

        using var ipv4 = new TcpListener(IPAddress.Any, ((IPEndPoint)dual.LocalEndPoint!).Port);
        Observe(ManagedCall.Try(Step.Bind, ipv4.Start));
    }
}

[Claim("ipv4-any-then-dual-stack-any", "ipv4-ipv6-dual-stack",
    "The other order: with an IPv4 listener on 0.0.0.0:P, a dual-stack [::]:P is refused on Linux and Windows. On "
        + "macOS the sources disagree.")]
public sealed class Ipv4_any_then_dual_stack_any(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "bind:AddressAlreadyInUse",
        LinuxInetConnectionSock + ", inet_bind_conflict(): a dual-stack [::] overlaps 0.0.0.0; " + LinuxBindWildcard
            + ", v4_any_v6_any: EADDRINUSE")]
    [Expect(Os.Windows, "ok | bind:AddressAlreadyInUse",
        "Sources disagree: " + MicrosoftDualStack + " says the checks for a dual-stack wildcard bind \"must succeed on "
            + "both\" stacks, and 0.0.0.0:P is taken (refused); " + WineReuseaddrTest + ", tests_exclusive[10], [11] "
            + "and [14], asserted on Windows, show an AF_INET 0.0.0.0 acting as the more specific bind beside a "
            + "dual-stack [::], which makes this order succeed too (ok), but no run tests this order")]
    [Expect(Os.MacOS, "ok | bind:AddressAlreadyInUse",
        "Sources disagree: " + XnuIn6Pcb + ", in6_pcbbind() skips an existing AF_INET socket on INADDR_ANY when the "
            + "newcomer is AF_INET6 (ok), while " + GoListenTest + " (darwin 11.3) says the second listen fails")]
    [Needs(Capability.Ipv6Loopback)]
    public void Native()
    {
        using var ipv4 = NativeSocket.Open(Transport.Tcp, Any);
        ipv4.Bind(Any, 0).OrThrow("The 0.0.0.0 bind");
        ipv4.Listen().OrThrow("The 0.0.0.0 listen");

        using var dual = NativeSocket.Open(Transport.Tcp, AddressFamily.InterNetworkV6);
        dual.Set(NativeOption.V6Only, 0).OrThrow("Clearing IPV6_V6ONLY");
        Observe(Outcome.Sequence(() => dual.Bind(IPAddress.IPv6Any, ipv4.LocalPort), () => dual.Listen()));
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "bind:AddressAlreadyInUse",
        LinuxInetConnectionSock + ", inet_bind_conflict(): the IPv4 socket is listening, so the implicit SO_REUSEADDR "
            + "of " + DotNetPal + " does not help")]
    [Expect(Os.Windows, "ok | bind:AddressAlreadyInUse",
        "Sources disagree: " + MicrosoftDualStack + " (a dual-stack wildcard must find the port free in both stacks: "
            + "refused) against " + WineReuseaddrTest + ", tests_exclusive[14], where the dual-stack [::] yields to "
            + "0.0.0.0 in the other order (ok)")]
    [Expect(Os.MacOS, "ok | bind:AddressAlreadyInUse",
        "Sources disagree: " + XnuIn6Pcb + ", in6_pcbbind() lets an AF_INET6 wildcard in beside an AF_INET wildcard "
            + "(ok); " + GoListenTest + " says darwin refuses")]
    [Needs(Capability.Ipv6Loopback)]
    public void Managed()
    {
        using var ipv4 = new TcpListener(IPAddress.Any, 0);
        ipv4.Start();

        using var dual = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp) { DualMode = true };
        Observe(ManagedCall.Steps(
            (Step.Bind, () => dual.Bind(new IPEndPoint(IPAddress.IPv6Any, ((IPEndPoint)ipv4.LocalEndpoint).Port))),
            (Step.Listen, () => dual.Listen())));
    }
}

[Claim("v6only-any-beside-ipv4-any", "ipv4-ipv6-dual-stack",
    "With IPV6_V6ONLY on, [::]:P holds only IPv6, so an IPv4 listener on 0.0.0.0:P fits beside it, in either order, on every OS.")]
public sealed class V6only_any_beside_ipv4_any(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "ok",
        Ipv6Man + ", IPV6_V6ONLY: with it set, \"an IPv4 and an IPv6 application can bind to a single port at the same "
            + "time\"; " + LinuxBindWildcard + ", v4_any_v6_any_only and v6_any_only_v4_any: 0")]
    [Expect(Os.Windows, "ok", MicrosoftDualStack + ": an IPV6_V6ONLY socket operates over IPv6 only, so it does not reserve the IPv4 port")]
    [Expect(Os.MacOS, "ok",
        XnuIn6Pcb + ", in6_pcbbind() checks the IPv4 side only when IN6P_IPV6_V6ONLY is clear, and " + XnuInPcb
            + ", in_pcbbind() looks only at sockets with INP_IPV4")]
    [Needs(Capability.Ipv6Loopback)]
    public void Native()
    {
        Outcome Ipv6First()
        {
            using var v6only = NativeSocket.Open(Transport.Tcp, AddressFamily.InterNetworkV6);
            v6only.Set(NativeOption.V6Only, 1).OrThrow("Setting IPV6_V6ONLY");
            v6only.Bind(IPAddress.IPv6Any, 0).OrThrow("The [::] bind");
            v6only.Listen().OrThrow("The [::] listen");
            using var ipv4 = NativeSocket.Open(Transport.Tcp, Any);
            return Outcome.Sequence(() => ipv4.Bind(Any, v6only.LocalPort), () => ipv4.Listen());
        }

        Outcome Ipv4First()
        {
            using var ipv4 = NativeSocket.Open(Transport.Tcp, Any);
            ipv4.Bind(Any, 0).OrThrow("The 0.0.0.0 bind");
            ipv4.Listen().OrThrow("The 0.0.0.0 listen");
            using var v6only = NativeSocket.Open(Transport.Tcp, AddressFamily.InterNetworkV6);
            v6only.Set(NativeOption.V6Only, 1).OrThrow("Setting IPV6_V6ONLY");
            return Outcome.Sequence(() => v6only.Bind(IPAddress.IPv6Any, ipv4.LocalPort), () => v6only.Listen());
        }

        // The other family may hold the port already (another process): retry with a fresh one.
        Observe(Outcome.Sequence(() => Ports.RetryWhileTaken(Ipv6First), () => Ports.RetryWhileTaken(Ipv4First)));
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "ok",
        DotNetSafeSocketHandleUnix + ": .NET sets IPV6_V6ONLY on every new AF_INET6 socket, so TcpListener(IPv6Any) is "
            + "IPv6-only; " + Ipv6Man)]
    [Expect(Os.Windows, "ok", MicrosoftDualStack + ": IPv6 sockets are IPv6-only by default, and .NET leaves it so")]
    [Expect(Os.MacOS, "ok", DotNetSafeSocketHandleUnix + " sets IPV6_V6ONLY; " + XnuIn6Pcb + ", in6_pcbbind() then ignores the IPv4 side")]
    [Needs(Capability.Ipv6Loopback)]
    public void Managed()
    {
        Outcome Ipv6First()
        {
            using var ipv6 = new TcpListener(IPAddress.IPv6Any, 0);
            ipv6.Start();
            using var ipv4 = new TcpListener(IPAddress.Any, ((IPEndPoint)ipv6.LocalEndpoint).Port);
            return ManagedCall.Try(Step.Bind, ipv4.Start);
        }

        Outcome Ipv4First()
        {
            using var ipv4 = new TcpListener(IPAddress.Any, 0);
            ipv4.Start();
            using var ipv6 = new TcpListener(IPAddress.IPv6Any, ((IPEndPoint)ipv4.LocalEndpoint).Port);
            return ManagedCall.Try(Step.Bind, ipv6.Start);
        }

        Observe(Outcome.Sequence(() => Ports.RetryWhileTaken(Ipv6First), () => Ports.RetryWhileTaken(Ipv4First)));
    }
}

[Claim("ipv6-loopback-beside-ipv4-loopback", "ipv4-ipv6-dual-stack",
    "[::1] and 127.0.0.1 are different addresses: TCP listeners and UDP sockets on both share port P on every OS.")]
public sealed class Ipv6_loopback_beside_ipv4_loopback(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "ok",
        LinuxBindWildcard + ", v6_local_v4_local and v4_local_v6_local: 0; ::1 is not a v4-mapped address, so "
            + "inet_rcv_saddr_equal() never matches it with IPv4")]
    [Expect(Os.Windows, "ok",
        GoListenTest + ": 127.0.0.1 and [::1] listen together on every OS tested; " + MicrosoftReuseTables
            + ": different explicit addresses do not conflict")]
    [Expect(Os.MacOS, "ok", XnuIn6Pcb + ", in6_pcbbind() looks up ::1 among IPv6 sockets only; " + GoListenTest + ": darwin ok")]
    [Needs(Capability.Ipv6Loopback)]
    public void Native()
    {
        Outcome Tcp()
        {
            using var ipv6 = NativeSocket.Open(Transport.Tcp, IPAddress.IPv6Loopback);
            ipv6.Bind(IPAddress.IPv6Loopback, 0).OrThrow("The [::1] bind");
            ipv6.Listen().OrThrow("The [::1] listen");
            using var ipv4 = NativeSocket.Open(Transport.Tcp, Loopback);
            return Outcome.Sequence(() => ipv4.Bind(Loopback, ipv6.LocalPort), () => ipv4.Listen());
        }

        Outcome Udp()
        {
            using var ipv4 = NativeSocket.Open(Transport.Udp, Loopback);
            ipv4.Bind(Loopback, 0).OrThrow("The 127.0.0.1 bind");
            using var ipv6 = NativeSocket.Open(Transport.Udp, IPAddress.IPv6Loopback);
            return ipv6.Bind(IPAddress.IPv6Loopback, ipv4.LocalPort);
        }

        Observe(Outcome.Sequence(() => Ports.RetryWhileTaken(Tcp), () => Ports.RetryWhileTaken(Udp)));
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "ok", LinuxBindWildcard + ", v6_local_v4_local: 0; the options .NET adds change nothing between different addresses")]
    [Expect(Os.Windows, "ok", GoListenTest + ": 127.0.0.1 and [::1] listen together")]
    [Expect(Os.MacOS, "ok", XnuIn6Pcb + ", in6_pcbbind(); " + GoListenTest + ": darwin ok")]
    [Needs(Capability.Ipv6Loopback)]
    public void Managed()
    {
        Outcome Tcp()
        {
            using var ipv6 = new TcpListener(IPAddress.IPv6Loopback, 0);
            ipv6.Start();
            using var ipv4 = new TcpListener(IPAddress.Loopback, ((IPEndPoint)ipv6.LocalEndpoint).Port);
            return ManagedCall.Try(Step.Bind, ipv4.Start);
        }

        Outcome Udp()
        {
            using var ipv4 = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            var ipv6EndPoint = new IPEndPoint(IPAddress.IPv6Loopback, ((IPEndPoint)ipv4.Client.LocalEndPoint!).Port);
            using var ipv6 = new UdpClient(ipv6EndPoint.AddressFamily);
            return ManagedCall.Try(Step.Bind, () => ipv6.Client.Bind(ipv6EndPoint));
        }

        Observe(Outcome.Sequence(() => Ports.RetryWhileTaken(Tcp), () => Ports.RetryWhileTaken(Udp)));
    }
}

[Claim("v4-mapped-loopback-is-ipv4-loopback", "ipv4-ipv6-dual-stack",
    "A v4-mapped address is the IPv4 address: a dual-stack listener on [::ffff:127.0.0.1]:P keeps an IPv4 listener off 127.0.0.1:P.")]
public sealed class V4_mapped_loopback_is_ipv4_loopback(ITestOutputHelper output) : ClaimTest(output)
{
    private static readonly IPAddress MappedLoopback = IPAddress.Parse("::ffff:127.0.0.1");

    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "bind:AddressAlreadyInUse",
        LinuxBindWildcard + ", v6_v4mapped_local_v4_local: EADDRINUSE; " + LinuxAfInet6 + ", __inet6_bind() treats a "
            + "mapped address as the IPv4 address")]
    [Expect(Os.Windows, "bind:AddressAlreadyInUse",
        WineReuseaddrTest + ", tests_exclusive[16] and [17] (lines 2314-2323): [::ffff:127.0.0.1] on a dual-stack "
            + "socket and 127.0.0.1 refuse each other with WSAEADDRINUSE on Windows, in both orders (bound, not "
            + "listening); as " + MicrosoftDualStack + " implies")]
    [Expect(Os.MacOS, "bind:AddressAlreadyInUse",
        XnuTcpUsrreq + ", tcp6_usr_bind(): a v4-mapped address on a dual-stack socket is bound by in_pcbbind() as "
            + "127.0.0.1, which " + XnuInPcb + " then finds")]
    [Needs(Capability.Ipv6Loopback)]
    public void Native()
    {
        using var mapped = NativeSocket.Open(Transport.Tcp, AddressFamily.InterNetworkV6);
        mapped.Set(NativeOption.V6Only, 0).OrThrow("Clearing IPV6_V6ONLY");
        mapped.Bind(MappedLoopback, 0).OrThrow("The [::ffff:127.0.0.1] bind");
        mapped.Listen().OrThrow("The [::ffff:127.0.0.1] listen");

        using var ipv4 = NativeSocket.Open(Transport.Tcp, Loopback);
        Observe(Outcome.Sequence(() => ipv4.Bind(Loopback, mapped.LocalPort), () => ipv4.Listen()));
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "bind:AddressAlreadyInUse",
        LinuxAfInet6 + ", __inet6_bind(): the mapped address is 127.0.0.1; the listener's state voids the implicit "
            + "SO_REUSEADDR of " + DotNetPal)]
    [Expect(Os.Windows, "bind:AddressAlreadyInUse",
        WineReuseaddrTest + ", tests_exclusive[16]: [::ffff:127.0.0.1] then 127.0.0.1 gives WSAEADDRINUSE on Windows; "
            + ".NET on Windows adds no option")]
    [Expect(Os.MacOS, "bind:AddressAlreadyInUse",
        XnuTcpUsrreq + ", tcp6_usr_bind() binds 127.0.0.1; " + XnuInPcb + ", in_pcbbind() finds it and SO_REUSEADDR "
            + "allows no exact duplicate")]
    [Needs(Capability.Ipv6Loopback)]
    public void Managed()
    {
        using var mapped = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp) { DualMode = true };
        mapped.Bind(new IPEndPoint(IPAddress.Loopback.MapToIPv6(), 0));
        mapped.Listen();

        using var ipv4 = new TcpListener(IPAddress.Loopback, ((IPEndPoint)mapped.LocalEndPoint!).Port);
        Observe(ManagedCall.Try(Step.Bind, ipv4.Start));
    }
}

[Claim("v4-mapped-any-is-ipv4-any", "ipv4-ipv6-dual-stack",
    "[::ffff:0.0.0.0]:P is the IPv4 wildcard: it keeps an IPv4 listener off 0.0.0.0:P. A .NET dual-mode socket bound "
        + "to IPAddress.Any is bound exactly there.")]
public sealed class V4_mapped_any_is_ipv4_any(ITestOutputHelper output) : ClaimTest(output)
{
    private static readonly IPAddress MappedAny = IPAddress.Parse("::ffff:0.0.0.0");

    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "bind:AddressAlreadyInUse", LinuxBindWildcard + ", v6_v4mapped_any_v4_any: EADDRINUSE")]
    [Expect(Os.Windows, "bind:AddressAlreadyInUse",
        WineReuseaddrTest + ", tests_exclusive[15] (lines 2309-2313): a dual-stack socket on [::ffff:0.0.0.0] keeps a "
            + "default 0.0.0.0 out with WSAEADDRINUSE on Windows (bound, not listening), unlike a dual-stack [::] (row "
            + "14)")]
    [Expect(Os.MacOS, "bind:AddressAlreadyInUse",
        XnuTcpUsrreq + ", tcp6_usr_bind(): a v4-mapped address on a dual-stack socket goes to in_pcbbind() as 0.0.0.0, "
            + "the IPv4 wildcard")]
    [Needs(Capability.Ipv6Loopback)]
    public void Native()
    {
        using var mapped = NativeSocket.Open(Transport.Tcp, AddressFamily.InterNetworkV6);
        mapped.Set(NativeOption.V6Only, 0).OrThrow("Clearing IPV6_V6ONLY");

        // Where ::ffff:0.0.0.0 itself is refused (not known for Windows), that refusal is the observation.
        using var ipv4 = NativeSocket.Open(Transport.Tcp, Any);
        Observe(Outcome.Sequence(
            () => mapped.Bind(MappedAny, 0),
            () => mapped.Listen(),
            () => ipv4.Bind(Any, mapped.LocalPort),
            () => ipv4.Listen()));
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "bind:AddressAlreadyInUse",
        DotNetSocket + ": a dual-mode socket maps an IPv4 end point with MapToIPv6(), so Bind(IPAddress.Any) binds "
            + "[::ffff:0.0.0.0]; " + LinuxBindWildcard + ", v6_v4mapped_any_v4_any")]
    [Expect(Os.Windows, "bind:AddressAlreadyInUse",
        DotNetSocket + " maps Any to ::ffff:0.0.0.0 on Windows too, and " + WineReuseaddrTest
            + ", tests_exclusive[15], shows that address keeping 0.0.0.0 out with WSAEADDRINUSE on Windows")]
    [Expect(Os.MacOS, "bind:AddressAlreadyInUse",
        DotNetSocket + " maps Any to ::ffff:0.0.0.0; " + XnuTcpUsrreq + ", tcp6_usr_bind() binds it as IPv4 0.0.0.0")]
    [Needs(Capability.Ipv6Loopback)]
    public void Managed()
    {
        using var dual = new Socket(SocketType.Stream, ProtocolType.Tcp);
        dual.Bind(new IPEndPoint(IPAddress.Any, 0));
        dual.Listen();

        using var ipv4 = new TcpListener(IPAddress.Any, ((IPEndPoint)dual.LocalEndPoint!).Port);
        Observe(ManagedCall.Try(Step.Bind, ipv4.Start), $"the dual-mode socket is bound to {((IPEndPoint)dual.LocalEndPoint!).Address}");
    }
}

[Claim("v4-mapped-any-leaves-ipv6-free", "ipv4-ipv6-dual-stack",
    "[::ffff:0.0.0.0]:P holds no IPv6 address: an IPv6-only listener on [::]:P fits beside it. So a .NET dual-mode "
        + "socket bound to IPAddress.Any serves IPv4 only.")]
public sealed class V4_mapped_any_leaves_ipv6_free(ITestOutputHelper output) : ClaimTest(output)
{
    private static readonly IPAddress MappedAny = IPAddress.Parse("::ffff:0.0.0.0");

    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "ok", LinuxBindWildcard + ", v6_v4mapped_any_v6_any (IPV6_V6ONLY on the second): 0")]
    [Expect(Os.Windows, "ok | bind:AddressAlreadyInUse", "Uncertain: no Windows source says which stack a ::ffff:0.0.0.0 binding reserves")]
    [Expect(Os.MacOS, "ok",
        XnuTcpUsrreq + ", tcp6_usr_bind() clears INP_IPV6 for a v4-mapped bind, and " + XnuIn6Pcb + ", in6_pcbbind() "
            + "of a v6-only [::] looks only at IPv6 sockets")]
    [Needs(Capability.Ipv6Loopback)]
    public void Native()
    {
        Outcome Scenario()
        {
            using var mapped = NativeSocket.Open(Transport.Tcp, AddressFamily.InterNetworkV6);
            mapped.Set(NativeOption.V6Only, 0).OrThrow("Clearing IPV6_V6ONLY");
            using var v6only = NativeSocket.Open(Transport.Tcp, AddressFamily.InterNetworkV6);
            v6only.Set(NativeOption.V6Only, 1).OrThrow("Setting IPV6_V6ONLY");
            return Outcome.Sequence(
                () => mapped.Bind(MappedAny, 0),
                () => mapped.Listen(),
                () => v6only.Bind(IPAddress.IPv6Any, mapped.LocalPort),
                () => v6only.Listen());
        }

        Observe(Ports.RetryWhileTaken(Scenario));
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "ok",
        DotNetSocket + " binds IPAddress.Any on a dual-mode socket as ::ffff:0.0.0.0; a TcpListener(IPv6Any) is "
            + "IPv6-only (" + DotNetSafeSocketHandleUnix + "); " + LinuxBindWildcard + ", v6_v4mapped_any_v6_any: 0")]
    [Expect(Os.Windows, "ok | bind:AddressAlreadyInUse",
        "Uncertain: " + DotNetSocket + " maps Any to ::ffff:0.0.0.0; what Winsock reserves for it is not documented")]
    [Expect(Os.MacOS, "ok",
        XnuTcpUsrreq + ", tcp6_usr_bind() binds ::ffff:0.0.0.0 as IPv4 only; " + XnuIn6Pcb + ", in6_pcbbind() of the "
            + "IPv6-only [::] ignores IPv4 sockets")]
    [Needs(Capability.Ipv6Loopback)]
    public void Managed()
    {
        var bound = "";
        Outcome Scenario()
        {
            using var dual = new Socket(SocketType.Stream, ProtocolType.Tcp);
            dual.Bind(new IPEndPoint(IPAddress.Any, 0));
            dual.Listen();
            var endPoint = (IPEndPoint)dual.LocalEndPoint!;
            bound = endPoint.Address.ToString();
            using var ipv6 = new TcpListener(IPAddress.IPv6Any, endPoint.Port);
            return ManagedCall.Try(Step.Bind, ipv6.Start);
        }

        Observe(Ports.RetryWhileTaken(Scenario), $"the dual-mode socket is bound to {bound}");
    }
}

[Claim("v4-mapped-on-v6only-socket", "ipv4-ipv6-dual-stack",
    "An IPv6-only socket cannot bind a v4-mapped address such as [::ffff:127.0.0.1]: Linux calls it an invalid "
        + "argument, macOS an address it does not have.")]
public sealed class V4_mapped_on_v6only_socket(ITestOutputHelper output) : ClaimTest(output)
{
    private static readonly IPAddress MappedLoopback = IPAddress.Parse("::ffff:127.0.0.1");

    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "bind:InvalidArgument",
        LinuxAfInet6 + ", __inet6_bind(): \"Binding to v4-mapped address on a v6-only socket makes no sense\" → "
            + "-EINVAL")]
    [Expect(Os.Windows, "bind:InvalidArgument | bind:AddressNotAvailable",
        "Sources disagree on the code: " + MicrosoftDualStack + " says any use of an IPv6-only socket with a v4-mapped "
            + "address fails, without naming the error")]
    [Expect(Os.MacOS, "bind:AddressNotAvailable",
        XnuTcpUsrreq + ", tcp6_usr_bind() maps only when IN6P_IPV6_V6ONLY is clear; otherwise " + XnuIn6Pcb
            + ", in6_pcbbind() finds no interface with ::ffff:127.0.0.1 (ifa_ifwithaddr) → EADDRNOTAVAIL")]
    [Needs(Capability.Ipv6Loopback)]
    public void Native()
    {
        using var v6only = NativeSocket.Open(Transport.Tcp, AddressFamily.InterNetworkV6);
        v6only.Set(NativeOption.V6Only, 1).OrThrow("Setting IPV6_V6ONLY");
        Observe(v6only.Bind(MappedLoopback, 0));
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "bind:InvalidArgument",
        DotNetSafeSocketHandleUnix + " makes an AF_INET6 socket IPv6-only; " + LinuxAfInet6 + ", __inet6_bind() → "
            + "-EINVAL")]
    [Expect(Os.Windows, "bind:InvalidArgument | bind:AddressNotAvailable",
        "Sources disagree on the code: " + MicrosoftDualStack + " says the bind fails, without naming the error")]
    [Expect(Os.MacOS, "bind:AddressNotAvailable",
        DotNetSafeSocketHandleUnix + " sets IPV6_V6ONLY; " + XnuIn6Pcb + ", in6_pcbbind(): no interface has "
            + "::ffff:127.0.0.1")]
    [Needs(Capability.Ipv6Loopback)]
    public void Managed()
    {
        using var ipv6 = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
        Observe(ManagedCall.Try(Step.Bind, () => ipv6.Bind(new IPEndPoint(MappedLoopback, 0))),
            $"DualMode = {ipv6.DualMode}");
    }
}

[Claim("ipv6-only-default", "ipv4-ipv6-dual-stack",
    "A new IPv6 socket's IPV6_V6ONLY depends on the OS: on by default on Windows, off on macOS, and on Linux whatever "
        + "net.ipv6.bindv6only says. In .NET an IPv6 socket is IPv6-only (DualMode false) on every OS.")]
public sealed class Ipv6_only_default(ITestOutputHelper output) : ClaimTest(output)
{
    /// <summary>The value this claim reports on Linux when the option follows the sysctl, whatever the sysctl is.</summary>
    private const string FollowsSysctl = "net.ipv6.bindv6only";

    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, FollowsSysctl,
        Ipv6Man + ", IPV6_V6ONLY: \"The default value for this flag is defined by the contents of the file "
            + "/proc/sys/net/ipv6/bindv6only\" (0 unless changed)")]
    [Expect(Os.Windows, "1",
        MicrosoftDualStack + ": \"By default, an IPv6 socket created on Windows Vista and later only operates over the "
            + "IPv6 protocol\"")]
    [Expect(Os.MacOS, "0", "XNU bsd/netinet6/in6_proto.c: ip6_v6only = 0 (sysctl net.inet6.ip6.v6only)")]
    [Needs(Capability.Ipv6Loopback)]
    public void Native()
    {
        using var ipv6 = NativeSocket.Open(Transport.Tcp, AddressFamily.InterNetworkV6);
        var v6only = ipv6.Get(NativeOption.V6Only)?.ToString() ?? "unreadable";

        // Linux takes the default from a per-namespace sysctl; what holds on every Linux is that the two agree.
        var sysctl = RunEnvironment.ReadSysctl(FollowsSysctl);
        ObserveValue(v6only == sysctl ? FollowsSysctl : v6only, $"IPV6_V6ONLY reads {v6only}; {FollowsSysctl} is {sysctl ?? "absent"}");
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "DualMode=False",
        DotNetSafeSocketHandleUnix + ": \"enable IPV6_V6ONLY by default for normal AF_INET6 sockets\", whatever the "
            + "sysctl says")]
    [Expect(Os.Windows, "DualMode=False", MicrosoftDualStack + ": Windows' own default is IPv6-only, and .NET does not change it")]
    [Expect(Os.MacOS, "DualMode=False", DotNetSafeSocketHandleUnix + " sets IPV6_V6ONLY on every AF_INET6 socket")]
    [Needs(Capability.Ipv6Loopback)]
    public void Managed()
    {
        using var ipv6 = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
        ObserveValue($"DualMode={ipv6.DualMode}");
    }
}

[Claim("dotnet-socket-without-family-is-dual-mode", "ipv4-ipv6-dual-stack",
    "In .NET, new Socket(SocketType, ProtocolType) without an address family makes a dual-mode IPv6 socket wherever the OS has IPv6.")]
public sealed class Dotnet_socket_without_family_is_dual_mode(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "InterNetworkV6 DualMode=True",
        DotNetSocket + ": Socket(SocketType, ProtocolType) uses InterNetworkV6 when OSSupportsIPv6, then sets DualMode "
            + "= true where the OS supports dual mode")]
    [Expect(Os.Windows, "InterNetworkV6 DualMode=True", DotNetSocket + ": the constructor is the same on every OS")]
    [Expect(Os.MacOS, "InterNetworkV6 DualMode=True", DotNetSocket + ": the constructor is the same on every OS")]
    [Needs(Capability.Ipv6, "This machine has no IPv6, so .NET makes an IPv4 socket.")]
    public void Managed()
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        ObserveValue($"{socket.AddressFamily} DualMode={socket.DualMode}");
    }
}
