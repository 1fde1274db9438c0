using System.Net;
using System.Net.Sockets;
using BindingBehaviour.Native;
using BindingBehaviour.Tests.Infrastructure;
using Xunit.Abstractions;
using static BindingBehaviour.Sources;

namespace BindingBehaviour.Tests.Claims;

// Topic 15: the same sockets, in another network namespace, with other sysctls, or as another user. Each claim runs the
// probe (tools/BindingBehaviour.Probe) in a child process in the environment it names (LinuxSandbox): sysctls are set
// only inside network namespaces the suite creates, and the observation's detail says where and as whom it ran. Inside
// such a namespace nothing else lives, so fixed ports there are safe; in this process's namespace ports start at 0.

[Claim("network-namespace-own-port-space", "linux-environments",
    "Every Linux network namespace is a port space of its own: while a TCP listener holds 127.0.0.1:P here, a process "
        + "in a new network namespace binds and listens on 127.0.0.1:P, and a second socket here is refused.")]
public sealed class Network_namespace_own_port_space(ITestOutputHelper output) : ClaimTest(output)
{
    private const string Separate = "new namespace: ok; this namespace: bind:AddressAlreadyInUse";

    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, Separate,
        NetworkNamespacesMan + ": each namespace has its own \"port numbers (sockets)\"; " + LinuxInetHashtables
            + ", inet_bind_bucket_match() compares net_eq() before the port, so another namespace's socket is never a "
            + "conflict")]
    [Expect(Os.Windows, "n/a", NoNamespacesOnWindows)]
    [Expect(Os.MacOS, "n/a", NoNamespacesOnMacOS)]
    [Sandbox(NetworkNamespace.New)]
    public void Native()
    {
        using var here = NativeSocket.Open(Transport.Tcp, Loopback);
        here.Bind(Loopback, 0).OrThrow("The listener's bind here");
        here.Listen().OrThrow("The listener's listen here");

        var there = Sandbox().Probe($"tcp 127.0.0.1:{here.LocalPort} listen");
        using var second = NativeSocket.Open(Transport.Tcp, Loopback);
        var againHere = second.Bind(Loopback, here.LocalPort);

        ObserveValue($"new namespace: {there[1].Outcome.Code}; this namespace: {againHere.Code}", there.Detail);
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, Separate,
        NetworkNamespacesMan + "; " + LinuxInetHashtables + ", inet_bind_bucket_match(): net_eq(); here the "
            + "SO_REUSEADDR .NET adds does not help beside a listener (" + LinuxInetConnectionSock
            + ", inet_bind_conflict())")]
    [Expect(Os.Windows, "n/a", NoNamespacesOnWindows)]
    [Expect(Os.MacOS, "n/a", NoNamespacesOnMacOS)]
    [Sandbox(NetworkNamespace.New)]
    public void Managed()
    {
        var here = new TcpListener(IPAddress.Loopback, 0);
        here.Start();
        try
        {
            var port = ((IPEndPoint)here.LocalEndpoint).Port;
            var there = Sandbox().Probe($"--layer managed tcp 127.0.0.1:{port} listen");
            var second = new TcpListener(IPAddress.Loopback, port);
            var againHere = ManagedCall.Try(Step.Bind, second.Start);
            second.Stop();

            ObserveValue($"new namespace: {there[1].Outcome.Code}; this namespace: {againHere.Code}", there.Detail);
        }
        finally
        {
            here.Stop();
        }
    }
}

[Claim("bindv6only-1-ipv6-wildcard-leaves-ipv4-free", "linux-environments",
    "With net.ipv6.bindv6only=1 in its network namespace, an IPv6 socket that leaves IPV6_V6ONLY at the default "
        + "listens on [::]:P for IPv6 only, so an IPv4 listener on 0.0.0.0:P binds beside it. .NET's IPv6 sockets are "
        + "IPv6-only whatever the sysctl says.")]
public sealed class Bindv6only_1_ipv6_wildcard_leaves_ipv4_free(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "ok",
        Ipv6Man + ", IPV6_V6ONLY: the default comes from /proc/sys/net/ipv6/bindv6only; " + IpSysctl + ", bindv6only "
            + "(per network namespace); Linux net/ipv6/af_inet6.c, inet6_create() copies net->ipv6.sysctl.bindv6only "
            + "into the socket")]
    [Expect(Os.Windows, "n/a",
        NoNamespacesOnWindows + "; Windows has no such setting at all: an IPv6 socket is IPv6-only by default ("
            + MicrosoftDualStack + ")")]
    [Expect(Os.MacOS, "n/a",
        NoNamespacesOnMacOS + "; its counterpart, net.inet6.ip6.v6only (XNU bsd/netinet6/in6_proto.c, ip6_v6only), is "
            + "machine-wide")]
    [Needs(Capability.Ipv6Loopback)]
    [Sandbox(NetworkNamespace.New, Sysctl = "net.ipv6.bindv6only=1")]
    public void Native()
    {
        var run = Sandbox().Probe("tcp [::]:0 +v6default listen, tcp 0.0.0.0:same listen");
        run[1].Outcome.OrThrow("The [::] listener");
        Observe(run[2].Outcome, run.Detail);
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "ok",
        Sources.DotNetSafeSocketHandleUnix + " sets IPV6_V6ONLY=1 on every new IPv6 socket, so without DualMode the "
            + "sysctl does not matter")]
    [Expect(Os.Windows, "n/a", NoNamespacesOnWindows)]
    [Expect(Os.MacOS, "n/a", NoNamespacesOnMacOS)]
    [Needs(Capability.Ipv6Loopback)]
    [Sandbox(NetworkNamespace.New, Sysctl = "net.ipv6.bindv6only=1")]
    public void Managed()
    {
        var run = Sandbox().Probe("--layer managed tcp [::]:0 listen, tcp 0.0.0.0:same listen");
        run[1].Outcome.OrThrow("The [::] listener");
        Observe(run[2].Outcome, run.Detail);
    }
}

[Claim("bindv6only-0-ipv6-wildcard-takes-ipv4", "linux-environments",
    "With net.ipv6.bindv6only=0 (Linux's default) the same default IPv6 socket is dual-stack: [::]:P also holds "
        + "0.0.0.0:P, and the IPv4 listener is refused. A .NET socket on [::]:P stays IPv6-only, so beside it the IPv4 "
        + "listener binds.")]
public sealed class Bindv6only_0_ipv6_wildcard_takes_ipv4(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "bind:AddressAlreadyInUse",
        IpSysctl + ", bindv6only: \"Default: FALSE\"; " + LinuxInetConnectionSock + ", inet_bind_conflict() via "
            + "inet_rcv_saddr_equal(): a [::] socket without IPV6_V6ONLY matches 0.0.0.0")]
    [Expect(Os.Windows, "n/a", NoNamespacesOnWindows + "; Windows has no such setting (" + MicrosoftDualStack + ")")]
    [Expect(Os.MacOS, "n/a", NoNamespacesOnMacOS + "; its counterpart net.inet6.ip6.v6only is machine-wide")]
    [Needs(Capability.Ipv6Loopback)]
    [Sandbox(NetworkNamespace.New, Sysctl = "net.ipv6.bindv6only=0")]
    public void Native()
    {
        var run = Sandbox().Probe("tcp [::]:0 +v6default listen, tcp 0.0.0.0:same listen");
        run[1].Outcome.OrThrow("The [::] listener");
        Observe(run[2].Outcome, run.Detail);
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "ok",
        Sources.DotNetSafeSocketHandleUnix + " sets IPV6_V6ONLY=1 whatever bindv6only says; only DualMode = true "
            + "clears it")]
    [Expect(Os.Windows, "n/a", NoNamespacesOnWindows)]
    [Expect(Os.MacOS, "n/a", NoNamespacesOnMacOS)]
    [Needs(Capability.Ipv6Loopback)]
    [Sandbox(NetworkNamespace.New, Sysctl = "net.ipv6.bindv6only=0")]
    public void Managed()
    {
        var run = Sandbox().Probe("--layer managed tcp [::]:0 listen, tcp 0.0.0.0:same listen");
        run[1].Outcome.OrThrow("The [::] listener");
        Observe(run[2].Outcome, run.Detail);
    }
}

[Claim("unprivileged-port-start-per-namespace", "linux-environments",
    "net.ipv4.ip_unprivileged_port_start, set in a network namespace, moves the line between privileged and "
        + "unprivileged ports there: with 600, a process as uid 65534 is refused 127.0.0.1:599 and binds "
        + "127.0.0.1:600.")]
public sealed class Unprivileged_port_start_per_namespace(ITestOutputHelper output) : ClaimTest(output)
{
    private const string Line = "599: bind:AccessDenied; 600: ok";

    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, Line,
        IpSysctl + ", ip_unprivileged_port_start: \"This is a per-namespace sysctl. It defines the first unprivileged "
            + "port in the network namespace\"; " + LinuxAfInet + ", inet_port_requires_bind_service()")]
    [Expect(Os.Windows, "n/a", NoPrivilegedPortsOnWindows)]
    [Expect(Os.MacOS, "n/a",
        NoNamespacesOnMacOS + "; " + XnuInPcb + ", in_pcbbind() compares with the constant IPPORT_RESERVED, no sysctl")]
    [Sandbox(NetworkNamespace.New, Sysctl = "net.ipv4.ip_unprivileged_port_start=600", AsNobody = true)]
    public void Native()
    {
        var run = Sandbox().Probe("tcp 127.0.0.1:599, tcp 127.0.0.1:600");
        ObserveValue($"599: {run[1].Outcome.Code}; 600: {run[2].Outcome.Code}", run.Detail);
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, Line, IpSysctl + ", ip_unprivileged_port_start; .NET adds no check of its own")]
    [Expect(Os.Windows, "n/a", NoPrivilegedPortsOnWindows)]
    [Expect(Os.MacOS, "n/a", NoNamespacesOnMacOS)]
    [Sandbox(NetworkNamespace.New, Sysctl = "net.ipv4.ip_unprivileged_port_start=600", AsNobody = true)]
    public void Managed()
    {
        var run = Sandbox().Probe("--layer managed tcp 127.0.0.1:599, tcp 127.0.0.1:600");
        ObserveValue($"599: {run[1].Outcome.Code}; 600: {run[2].Outcome.Code}", run.Detail);
    }
}

[Claim("user-namespace-root-binds-below-1024", "linux-environments",
    "Root of a new user namespace owns the network namespace created with it, so a process without privileges outside "
        + "binds 127.0.0.1:80 there (where unprivileged user namespaces are allowed).")]
public sealed class User_namespace_root_binds_below_1024(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "ok",
        IpMan + ": CAP_NET_BIND_SERVICE \"in the user namespace governing its network namespace\"; " + UserNamespacesMan
            + ": the creator of a user namespace has every capability in it; " + LinuxAfInet + ", __inet_bind() asks "
            + "ns_capable(net->user_ns, CAP_NET_BIND_SERVICE)")]
    [Expect(Os.Windows, "n/a", NoUserNamespaces + "; " + NoPrivilegedPortsOnWindows)]
    [Expect(Os.MacOS, "n/a", NoUserNamespaces)]
    [Sandbox(NetworkNamespace.NewInUserNamespace)]
    public void Native()
    {
        var run = Sandbox().Probe("tcp 127.0.0.1:80 listen");
        Observe(run[1].Outcome, run.Detail);
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "ok", IpMan + ": CAP_NET_BIND_SERVICE in the user namespace that owns the network namespace; .NET adds no check")]
    [Expect(Os.Windows, "n/a", NoUserNamespaces)]
    [Expect(Os.MacOS, "n/a", NoUserNamespaces)]
    [Sandbox(NetworkNamespace.NewInUserNamespace)]
    public void Managed()
    {
        var run = Sandbox().Probe("--layer managed tcp 127.0.0.1:80 listen");
        Observe(run[1].Outcome, run.Detail);
    }
}

[Claim("local-port-range-of-one-port-runs-out", "linux-environments",
    "With net.ipv4.ip_local_port_range narrowed to one port in its network namespace, port 0 runs out: the first bind "
        + "to 127.0.0.1:0 gets that port and the second is refused as address in use, with or without .NET's "
        + "SO_REUSEADDR.")]
public sealed class Local_port_range_of_one_port_runs_out(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "bind:AddressAlreadyInUse",
        IpSysctl + ", ip_local_port_range (per network namespace); " + LinuxInetConnectionSock
            + ", inet_csk_find_open_port() finds no free port and inet_csk_get_port() returns -EADDRINUSE")]
    [Expect(Os.Windows, "n/a", NoNamespacesOnWindows + " (the dynamic port range, netsh int ipv4 set dynamicport, is machine-wide)")]
    [Expect(Os.MacOS, "n/a", NoNamespacesOnMacOS + " (net.inet.ip.portrange.first and last)")]
    [Sandbox(NetworkNamespace.New, Sysctl = "net.ipv4.ip_local_port_range=40000 40000")]
    public void Native()
    {
        var run = Sandbox().Probe("tcp 127.0.0.1:0, tcp 127.0.0.1:0");
        run[1].Outcome.OrThrow("The first bind to port 0");
        Observe(run[2].Outcome, run.Detail);
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "bind:AddressAlreadyInUse",
        IpSysctl + ", ip_autobind_reuse: \"By default, bind() does not select the ports automatically even if the new "
            + "socket and all sockets bound to the port have SO_REUSEADDR\"; " + LinuxInetConnectionSock
            + ", inet_csk_find_open_port()")]
    [Expect(Os.Windows, "n/a", NoNamespacesOnWindows)]
    [Expect(Os.MacOS, "n/a", NoNamespacesOnMacOS)]
    [Sandbox(NetworkNamespace.New, Sysctl = "net.ipv4.ip_local_port_range=40000 40000")]
    public void Managed()
    {
        var run = Sandbox().Probe("--layer managed tcp 127.0.0.1:0, tcp 127.0.0.1:0");
        run[1].Outcome.OrThrow("The first bind to port 0");
        Observe(run[2].Outcome, run.Detail);
    }
}

[Claim("connects-share-the-one-ephemeral-port", "linux-environments",
    "With the ephemeral range narrowed to one port, connect still finds a local port: two connections to two different "
        + "listeners both leave from that one port, since only the whole 4-tuple must be unique. A third connection to "
        + "the first listener again has no port left and is refused as address not available.")]
public sealed class Connects_share_the_one_ephemeral_port(ITestOutputHelper output) : ClaimTest(output)
{
    private const string Shared =
        "connect 1: ok from 127.0.0.1:40000; connect 2: ok from 127.0.0.1:40000; connect 1 again: "
            + "connect:AddressNotAvailable";

    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, Shared,
        LinuxInetHashtables + ", __inet_hash_connect() reuses a port whose connections differ in the 4-tuple "
            + "(__inet_check_established()) and returns -EADDRNOTAVAIL when none is left; " + ConnectMan
            + ", EADDRNOTAVAIL; " + LinuxTcpPortShare + " narrows the range to the single port 40000 the same way")]
    [Expect(Os.Windows, "n/a", NoNamespacesOnWindows)]
    [Expect(Os.MacOS, "n/a", NoNamespacesOnMacOS)]
    [Sandbox(NetworkNamespace.New, Sysctl = "net.ipv4.ip_local_port_range=40000 40000")]
    public void Native()
    {
        var run = Sandbox().Probe("tcp 127.0.0.1:5001 listen, tcp 127.0.0.1:5002 listen, connect 1, connect 2, connect 1");
        run[1].Outcome.OrThrow("The first listener");
        run[2].Outcome.OrThrow("The second listener");
        ObserveValue($"connect 1: {From(run[3])}; connect 2: {From(run[4])}; connect 1 again: {From(run[5])}", run.Detail);
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, Shared,
        LinuxInetHashtables + ", __inet_hash_connect(); a plain Socket.Connect sets no option (" + Sources.DotNetSocket
            + ")")]
    [Expect(Os.Windows, "n/a", NoNamespacesOnWindows)]
    [Expect(Os.MacOS, "n/a", NoNamespacesOnMacOS)]
    [Sandbox(NetworkNamespace.New, Sysctl = "net.ipv4.ip_local_port_range=40000 40000")]
    public void Managed()
    {
        var run = Sandbox().Probe("--layer managed tcp 127.0.0.1:5001 listen, tcp 127.0.0.1:5002 listen, connect 1, connect 2, connect 1");
        run[1].Outcome.OrThrow("The first listener");
        run[2].Outcome.OrThrow("The second listener");
        ObserveValue($"connect 1: {From(run[3])}; connect 2: {From(run[4])}; connect 1 again: {From(run[5])}", run.Detail);
    }

    private static string From(ProbeRunStep connect) =>
        connect.Outcome.Succeeded ? $"ok from {connect.LocalEndPoint}" : connect.Outcome.Code;
}

[Claim("nonlocal-bind-sysctl", "linux-environments",
    "net.ipv4.ip_nonlocal_bind=1, set in a network namespace, lets every socket there bind and listen on an IPv4 "
        + "address the namespace does not have (198.51.100.7), without any option: the namespace-wide form of "
        + "IP_FREEBIND.")]
public sealed class Nonlocal_bind_sysctl(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "ok",
        IpSysctl + ", ip_nonlocal_bind: \"If set, allows processes to bind() to non-local IP addresses\"; " + IpMan
            + ", IP_FREEBIND is its per-socket equivalent; " + LinuxAfInet + ", inet_addr_valid_or_nonlocal() reads "
            + "the namespace's sysctl")]
    [Expect(Os.Windows, "n/a", NoNamespacesOnWindows + "; Winsock has no non-local bind (" + Sources.MicrosoftBind + ", WSAEADDRNOTAVAIL)")]
    [Expect(Os.MacOS, "n/a", NoNamespacesOnMacOS + "; " + XnuInPcb + ", in_pcbbind() always requires ifa_ifwithaddr()")]
    [Sandbox(NetworkNamespace.New, Sysctl = "net.ipv4.ip_nonlocal_bind=1")]
    public void Native()
    {
        var run = Sandbox().Probe("tcp 198.51.100.7:0 listen");
        Observe(run[1].Outcome, run.Detail);
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "ok", IpSysctl + ", ip_nonlocal_bind; .NET passes the bind through")]
    [Expect(Os.Windows, "n/a", NoNamespacesOnWindows)]
    [Expect(Os.MacOS, "n/a", NoNamespacesOnMacOS)]
    [Sandbox(NetworkNamespace.New, Sysctl = "net.ipv4.ip_nonlocal_bind=1")]
    public void Managed()
    {
        var run = Sandbox().Probe("--layer managed tcp 198.51.100.7:0 listen");
        Observe(run[1].Outcome, run.Detail);
    }
}

[Claim("reuseport-not-across-users", "linux-environments",
    "SO_REUSEPORT does not let another user in: while this process (root) holds UDP 127.0.0.1:P with SO_REUSEPORT, a "
        + "process as uid 65534 is refused the same bind with SO_REUSEPORT, where a process of the same user joins. "
        + ".NET's ReuseAddress also sets SO_REUSEADDR, and on Linux that lets the other user in.")]
public sealed class Reuseport_not_across_users(ITestOutputHelper output) : ClaimTest(output)
{
    private const string OnlyTheSameUser = "another user: bind:AddressAlreadyInUse; the same user: ok";

    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, OnlyTheSameUser,
        SocketMan + ", SO_REUSEPORT: \"all of the processes binding to the same address must have the same effective "
            + "UID\"; " + LinuxUdp + ", udp_lib_lport_inuse() lets a SO_REUSEPORT socket in only when uid_eq()")]
    [Expect(Os.Windows, "n/a", NoReusePortOnWindows)]
    [Expect(Os.MacOS, OnlyTheSameUser,
        XnuInPcb + ", in_pcbbind(): a non-root user binding a port another uid holds on a specific address gets "
            + "EADDRINUSE whatever the options; the same user joins with SO_REUSEPORT on both")]
    [Sandbox(NetworkNamespace.This, AsNobody = true)]
    [Needs(Capability.ReusePort)]
    public void Native()
    {
        using var mine = NativeSocket.Open(Transport.Udp, Loopback);
        mine.Set(NativeOption.ReusePort).OrThrow("Setting SO_REUSEPORT");
        mine.Bind(Loopback, 0).OrThrow("The bind here");

        var another = Sandbox().Probe($"udp 127.0.0.1:{mine.LocalPort} +reuseport");
        var same = LinuxSandbox.ThisNetworkNamespace().Probe($"udp 127.0.0.1:{mine.LocalPort} +reuseport");
        ObserveValue($"another user: {another[1].Outcome.Code}; the same user: {same[1].Outcome.Code}",
            $"{Sandbox().Environment}; probe as uid {LinuxSandbox.Nobody}: {another}; probe as this user: {same}");
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "another user: ok; the same user: ok",
        DotNetPal + ": ReuseAddress sets SO_REUSEADDR as well as SO_REUSEPORT, and " + LinuxUdp
            + ", udp_lib_lport_inuse() sees no conflict when both sockets have SO_REUSEADDR, before any uid is "
            + "compared")]
    [Expect(Os.Windows, "another user: ok; the same user: ok",
        MicrosoftReuseTables + ": ReuseAddress is SO_REUSEADDR, which table 3 lets another user share on a specific "
            + "address like the same user (table 2)")]
    [Expect(Os.MacOS, OnlyTheSameUser,
        XnuInPcb + ", in_pcbbind(): the uid check refuses another non-root user on a specific address whatever the "
            + "options")]
    [Sandbox(NetworkNamespace.This, AsNobody = true)]
    public void Managed()
    {
        using var mine = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        mine.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        mine.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)mine.LocalEndPoint!).Port;

        var another = Sandbox().Probe($"--layer managed udp 127.0.0.1:{port} +reuseaddress");
        var same = LinuxSandbox.ThisNetworkNamespace().Probe($"--layer managed udp 127.0.0.1:{port} +reuseaddress");
        ObserveValue($"another user: {another[1].Outcome.Code}; the same user: {same[1].Outcome.Code}",
            $"{Sandbox().Environment}; probe as uid {LinuxSandbox.Nobody}: {another}; probe as this user: {same}");
    }
}

[Claim("reuseaddr-udp-another-user-takes-the-port", "linux-environments",
    "On Linux, SO_REUSEADDR on UDP is not limited to one user: a process as uid 65534 binds 127.0.0.1:P beside this "
        + "process's socket, and from then on it receives every datagram sent to 127.0.0.1:P: the port is stolen. "
        + "macOS refuses the other user.")]
public sealed class Reuseaddr_udp_another_user_takes_the_port(ITestOutputHelper output) : ClaimTest(output)
{
    private const string Stolen = "the other user's socket got all 10";
    private const string Indeterminate = Stolen + " | this process's socket got all 10 | spread over both";

    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, Stolen,
        LinuxUdp + ", udp_lib_lport_inuse(): SO_REUSEADDR on both sockets is no conflict and no uid is compared; "
            + "udp4_lib_lookup2() keeps the first socket of the best compute_score(), and a newly bound one goes to "
            + "the head of the chain")]
    [Expect(Os.Windows, Indeterminate,
        MicrosoftReuseTables + ", table 3: SO_REUSEADDR on both lets another user share a specific address; which "
            + "socket receives is \"indeterminate\"")]
    [Expect(Os.MacOS, "bind:AddressAlreadyInUse",
        XnuInPcb + ", in_pcbbind(): another non-root user on a port held on a specific address gets EADDRINUSE, and "
            + "SO_REUSEADDR does not allow an exact duplicate anyway")]
    [Sandbox(NetworkNamespace.This, AsNobody = true)]
    public void Native()
    {
        using var native = NativeSocket.Open(Transport.Udp, Loopback);
        native.Set(NativeOption.ReuseAddress).OrThrow("SO_REUSEADDR here");
        native.Bind(Loopback, 0).OrThrow("The bind here");
        var target = native.LocalEndPoint;
        using var mine = native.ToSocket();

        var theirs = Sandbox().Probe($"udp 127.0.0.1:{target.Port} +reuseaddr, receive 1 10 5s",
            whenReady: () => Datagrams.SendFromNewPorts(target, 10));
        if (!theirs[1].Outcome.Succeeded)
        {
            Observe(theirs[1].Outcome, Sandbox().Environment);
            return;
        }

        var (value, detail) = Stealing.Count(theirs[2].Received!.Value, mine, 10);
        ObserveValue(value, $"{Sandbox().Environment}; {detail}");
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, Stolen,
        DotNetPal + ": ReuseAddress sets SO_REUSEADDR, which " + LinuxUdp + ", udp_lib_lport_inuse() accepts across "
            + "users; the two users' SO_REUSEPORT groups stay apart, and udp4_lib_lookup2() meets the newer socket "
            + "first")]
    [Expect(Os.Windows, Indeterminate, MicrosoftReuseTables + ", table 3: ReuseAddress is SO_REUSEADDR; who receives is \"indeterminate\"")]
    [Expect(Os.MacOS, "bind:AddressAlreadyInUse",
        XnuInPcb + ", in_pcbbind(): the uid check refuses another non-root user on a specific address, with "
            + "SO_REUSEPORT or without")]
    [Sandbox(NetworkNamespace.This, AsNobody = true)]
    public void Managed()
    {
        using var mine = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        mine.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        mine.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var target = (IPEndPoint)mine.LocalEndPoint!;

        var theirs = Sandbox().Probe($"--layer managed udp 127.0.0.1:{target.Port} +reuseaddress, receive 1 10 5s",
            whenReady: () => Datagrams.SendFromNewPorts(target, 10));
        if (!theirs[1].Outcome.Succeeded)
        {
            Observe(theirs[1].Outcome, Sandbox().Environment);
            return;
        }

        var (value, detail) = Stealing.Count(theirs[2].Received!.Value, mine, 10);
        ObserveValue(value, $"{Sandbox().Environment}; {detail}");
    }
}

/// <summary>How the port-stealing claim counts who received the datagrams.</summary>
internal static class Stealing
{
    /// <summary>
    /// This process's count, once the other user's probe has reported its own: every unicast datagram goes to one socket
    /// only, so this socket can hold at most the rest, and they were queued before the probe finished counting.
    /// </summary>
    public static (string Value, string Detail) Count(int theirs, Socket mine, int sent)
    {
        var ours = Datagrams.Receive([mine], sent - theirs)[0].Count;
        var value = theirs == sent ? $"the other user's socket got all {sent}"
            : ours == sent ? $"this process's socket got all {sent}"
            : theirs + ours == sent ? "spread over both"
            : $"{sent - theirs - ours} of {sent} lost";
        return (value, $"uid {LinuxSandbox.Nobody} got {theirs}, this process got {ours} of {sent} sent to 127.0.0.1 from new ports");
    }
}
