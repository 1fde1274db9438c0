using System.Net;
using System.Net.Sockets;
using BindingBehaviour.Native;
using BindingBehaviour.Tests.Infrastructure;
using Xunit.Abstractions;
using static BindingBehaviour.Sources;

namespace BindingBehaviour.Tests.Claims;

// Topic 5: what SO_REUSEADDR allows, and whose flag counts. In .NET on Linux and macOS, SocketOptionName.ReuseAddress
// sets SO_REUSEPORT as well (pal_networking.c), so the managed layer of these claims often answers differently.

[Claim("reuseaddr-udp-exact-duplicate", "so-reuseaddr",
    "With SO_REUSEADDR on both, two UDP sockets may bind the very same 127.0.0.1:P on Linux and Windows, but not on "
        + "macOS, where an exact duplicate needs SO_REUSEPORT. .NET's ReuseAddress sets both, so there it works "
        + "everywhere.")]
public sealed class Reuseaddr_udp_exact_duplicate(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "ok", LinuxUdp + ", udp_lib_lport_inuse(): no conflict when sk2->sk_reuse and sk->sk_reuse are both set")]
    [Expect(Os.Windows, "ok", MicrosoftReuseTables + ", table 2: SO_REUSEADDR/Specific after SO_REUSEADDR/Specific succeeds")]
    [Expect(Os.MacOS, "bind:AddressAlreadyInUse",
        XnuInPcb + ", in_pcbbind(): an exact match is refused unless reuseport & t->so_options, i.e. SO_REUSEPORT on "
            + "both; OpenBSD regress in_pcbbind unicast test 5: local(RA) twice → EADDRINUSE")]
    public void Native()
    {
        using var first = NativeSocket.Open(Transport.Udp, Loopback);
        first.Set(NativeOption.ReuseAddress).OrThrow("Setting SO_REUSEADDR");
        first.Bind(Loopback, 0).OrThrow("The first bind");

        using var second = NativeSocket.Open(Transport.Udp, Loopback);
        second.Set(NativeOption.ReuseAddress).OrThrow("Setting SO_REUSEADDR");
        Observe(second.Bind(first.LocalEndPoint));
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "ok",
        DotNetPal + ", SystemNative_SetSockOpt: ReuseAddress sets SO_REUSEPORT and SO_REUSEADDR; " + LinuxUdp
            + ", udp_lib_lport_inuse()")]
    [Expect(Os.Windows, "ok",
        MicrosoftReuseTables + ", table 2: SO_REUSEADDR on both succeeds; on Windows ReuseAddress is SO_REUSEADDR "
            + "alone")]
    [Expect(Os.MacOS, "ok",
        DotNetPal + ": ReuseAddress sets SO_REUSEPORT too, and " + XnuInPcb + ", in_pcbbind() allows an exact "
            + "duplicate when both have SO_REUSEPORT")]
    public void Managed()
    {
        using var first = new UdpClient();
        first.Client.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        first.Client.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        using var second = new UdpClient();
        second.Client.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        Observe(ManagedCall.Try(Step.Bind, () => second.Client.Bind(first.Client.LocalEndPoint!)));
    }
}

[Claim("reuseaddr-only-on-the-newcomer", "so-reuseaddr",
    "SO_REUSEADDR on the second socket alone does not let UDP 127.0.0.1:P in beside 0.0.0.0:P on Linux, which wants it "
        + "on both; BSD and macOS look only at the socket being bound, and Windows allows it anyway.")]
public sealed class Reuseaddr_only_on_the_newcomer(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "bind:AddressAlreadyInUse",
        LinuxUdp + ", udp_lib_lport_inuse(): the conflict stands unless (sk2->sk_reuse && sk->sk_reuse)")]
    [Expect(Os.Windows, "ok", MicrosoftReuseTables + ", table 2: SO_REUSEADDR/Specific after Default/Wildcard succeeds")]
    [Expect(Os.MacOS, "ok",
        XnuInPcb + ", in_pcbbind(): with SO_REUSEADDR on the new socket the lookup is exact (wild = 0) and 127.0.0.1 "
            + "is not taken; the first socket's flags are never read")]
    public void Native()
    {
        using var wildcard = NativeSocket.Open(Transport.Udp, Any);
        wildcard.Bind(Any, 0).OrThrow("The wildcard bind");

        using var specific = NativeSocket.Open(Transport.Udp, Loopback);
        specific.Set(NativeOption.ReuseAddress).OrThrow("Setting SO_REUSEADDR");
        Observe(specific.Bind(Loopback, wildcard.LocalPort));
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "bind:AddressAlreadyInUse",
        LinuxUdp + ", udp_lib_lport_inuse(): the first socket has neither SO_REUSEADDR nor SO_REUSEPORT, so the pair "
            + "set by " + DotNetPal + " on the second does not help")]
    [Expect(Os.Windows, "ok", MicrosoftReuseTables + ", table 2: SO_REUSEADDR/Specific after Default/Wildcard succeeds")]
    [Expect(Os.MacOS, "ok", XnuInPcb + ", in_pcbbind(): the newcomer's own SO_REUSEADDR makes the lookup exact")]
    public void Managed()
    {
        using var wildcard = new UdpClient(new IPEndPoint(IPAddress.Any, 0));

        using var specific = new UdpClient();
        specific.Client.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        var port = ((IPEndPoint)wildcard.Client.LocalEndPoint!).Port;
        Observe(ManagedCall.Try(Step.Bind, () => specific.Client.Bind(new IPEndPoint(IPAddress.Loopback, port))));
    }
}

[Claim("reuseaddr-only-on-the-first", "so-reuseaddr",
    "SO_REUSEADDR on the first socket alone does not open its port either: a plain UDP 127.0.0.1:P is refused beside "
        + "0.0.0.0:P on Linux and macOS (Windows allows it, with or without the option).")]
public sealed class Reuseaddr_only_on_the_first(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "bind:AddressAlreadyInUse", LinuxUdp + ", udp_lib_lport_inuse(): the newcomer lacks sk_reuse")]
    [Expect(Os.Windows, "ok", MicrosoftReuseTables + ", table 2: Default/Specific after SO_REUSEADDR/Wildcard succeeds")]
    [Expect(Os.MacOS, "bind:AddressAlreadyInUse",
        XnuInPcb + ", in_pcbbind(): without SO_REUSEADDR on the newcomer the wildcard lookup finds 0.0.0.0")]
    public void Native()
    {
        using var wildcard = NativeSocket.Open(Transport.Udp, Any);
        wildcard.Set(NativeOption.ReuseAddress).OrThrow("Setting SO_REUSEADDR");
        wildcard.Bind(Any, 0).OrThrow("The wildcard bind");

        using var specific = NativeSocket.Open(Transport.Udp, Loopback);
        Observe(specific.Bind(Loopback, wildcard.LocalPort));
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "bind:AddressAlreadyInUse", LinuxUdp + ", udp_lib_lport_inuse(): the newcomer has neither option")]
    [Expect(Os.Windows, "ok", MicrosoftReuseTables + ", table 2: Default/Specific after SO_REUSEADDR/Wildcard succeeds")]
    [Expect(Os.MacOS, "bind:AddressAlreadyInUse", XnuInPcb + ", in_pcbbind(): the newcomer's wildcard lookup finds 0.0.0.0")]
    public void Managed()
    {
        using var wildcard = new UdpClient();
        wildcard.Client.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        wildcard.Client.Bind(new IPEndPoint(IPAddress.Any, 0));

        using var specific = new UdpClient();
        var port = ((IPEndPoint)wildcard.Client.LocalEndPoint!).Port;
        Observe(ManagedCall.Try(Step.Bind, () => specific.Client.Bind(new IPEndPoint(IPAddress.Loopback, port))));
    }
}

[Claim("reuseaddr-on-both-wildcard-and-specific", "so-reuseaddr",
    "With SO_REUSEADDR on both, UDP 0.0.0.0:P and 127.0.0.1:P coexist on every OS.")]
public sealed class Reuseaddr_on_both_wildcard_and_specific(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "ok", LinuxUdp + ", udp_lib_lport_inuse(): both sockets have sk_reuse, so no conflict")]
    [Expect(Os.Windows, "ok", MicrosoftReuseTables + ", table 2: SO_REUSEADDR/Specific after SO_REUSEADDR/Wildcard succeeds")]
    [Expect(Os.MacOS, "ok", XnuInPcb + ", in_pcbbind(): the newcomer's SO_REUSEADDR makes the lookup exact, and 127.0.0.1 is free")]
    public void Native()
    {
        using var wildcard = NativeSocket.Open(Transport.Udp, Any);
        wildcard.Set(NativeOption.ReuseAddress).OrThrow("Setting SO_REUSEADDR");
        wildcard.Bind(Any, 0).OrThrow("The wildcard bind");

        using var specific = NativeSocket.Open(Transport.Udp, Loopback);
        specific.Set(NativeOption.ReuseAddress).OrThrow("Setting SO_REUSEADDR");
        Observe(specific.Bind(Loopback, wildcard.LocalPort));
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "ok", DotNetPal + " sets SO_REUSEADDR and SO_REUSEPORT on both; " + LinuxUdp + ", udp_lib_lport_inuse()")]
    [Expect(Os.Windows, "ok", MicrosoftReuseTables + ", table 2: SO_REUSEADDR on both succeeds")]
    [Expect(Os.MacOS, "ok", XnuInPcb + ", in_pcbbind(): the newcomer's options make the lookup exact")]
    public void Managed()
    {
        using var wildcard = new UdpClient();
        wildcard.Client.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        wildcard.Client.Bind(new IPEndPoint(IPAddress.Any, 0));

        using var specific = new UdpClient();
        specific.Client.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        var port = ((IPEndPoint)wildcard.Client.LocalEndPoint!).Port;
        Observe(ManagedCall.Try(Step.Bind, () => specific.Client.Bind(new IPEndPoint(IPAddress.Loopback, port))));
    }
}

[Claim("reuseaddr-tcp-conflict-moves-to-listen", "so-reuseaddr",
    "On Linux two TCP sockets with SO_REUSEADDR may both bind 127.0.0.1:P while neither listens; the second listen() "
        + "is refused instead. macOS refuses the bind itself. .NET's ReuseAddress adds SO_REUSEPORT, and then both may "
        + "listen.")]
public sealed class Reuseaddr_tcp_conflict_moves_to_listen(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "listen:AddressAlreadyInUse",
        LinuxInetConnectionSock + ", inet_bind_conflict(): sk_reuse on both and sk2 not in TCP_LISTEN → no conflict at "
            + "bind; listen() runs inet_csk_get_port() again as a listener and conflicts")]
    [Expect(Os.Windows, "ok",
        MicrosoftReuseTables + ": table 2 lets the second SO_REUSEADDR bind succeed, and afterwards \"the behavior for "
            + "all sockets bound to that port is indeterminate\": both listen")]
    [Expect(Os.MacOS, "bind:AddressAlreadyInUse",
        XnuInPcb + ", in_pcbbind(): SO_REUSEADDR allows no exact duplicate without SO_REUSEPORT on both")]
    public void Native()
    {
        using var first = NativeSocket.Open(Transport.Tcp, Loopback);
        first.Set(NativeOption.ReuseAddress).OrThrow("Setting SO_REUSEADDR");
        first.Bind(Loopback, 0).OrThrow("The first bind");

        using var second = NativeSocket.Open(Transport.Tcp, Loopback);
        second.Set(NativeOption.ReuseAddress).OrThrow("Setting SO_REUSEADDR");
        Observe(Outcome.Sequence(
            () => second.Bind(first.LocalEndPoint),
            () => first.Listen(),
            () => second.Listen()));
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "ok",
        DotNetPal + ": ReuseAddress sets SO_REUSEPORT too; " + LinuxInetConnectionSock + ": two SO_REUSEPORT listeners "
            + "of one user share the port (" + SocketMan + ", SO_REUSEPORT)")]
    [Expect(Os.Windows, "ok",
        MicrosoftReuseTables + ": SO_REUSEADDR on both; the port's behaviour is then indeterminate but both bind and "
            + "listen")]
    [Expect(Os.MacOS, "ok", DotNetPal + " adds SO_REUSEPORT, and " + XnuInPcb + ", in_pcbbind() allows exact duplicates when both have it")]
    public void Managed()
    {
        using var first = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        first.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        first.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        using var second = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        second.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        Observe(ManagedCall.Steps(
            (Step.Bind, () => second.Bind(first.LocalEndPoint!)),
            (Step.Listen, () => first.Listen()),
            (Step.Listen, () => second.Listen())));
    }
}

[Claim("reuseaddr-does-not-pass-a-listener", "so-reuseaddr",
    "On Linux SO_REUSEADDR stops helping once a socket listens: a TCP 127.0.0.1:P is refused beside a listener on "
        + "0.0.0.0:P even with the option on both. BSD/macOS and Windows let it in.")]
public sealed class Reuseaddr_does_not_pass_a_listener(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "bind:AddressAlreadyInUse",
        SocketMan + ", SO_REUSEADDR: \"When the listening socket is bound to INADDR_ANY with a specific port then it "
            + "is not possible to bind to this port for any local address\"; " + LinuxInetConnectionSock
            + ", inet_bind_conflict(): sk2->sk_state != TCP_LISTEN")]
    [Expect(Os.Windows, "ok", MicrosoftReuseTables + ", table 2: SO_REUSEADDR/Specific after SO_REUSEADDR/Wildcard succeeds")]
    [Expect(Os.MacOS, "ok",
        XnuInPcb + ", in_pcbbind() never looks at the listen state, and SO_REUSEADDR on the newcomer makes the lookup "
            + "exact; Stack Overflow 14388707 (Mecki): BSD allows wildcard and specific with SO_REUSEADDR")]
    public void Native()
    {
        using var wildcard = NativeSocket.Open(Transport.Tcp, Any);
        wildcard.Set(NativeOption.ReuseAddress).OrThrow("Setting SO_REUSEADDR");
        wildcard.Bind(Any, 0).OrThrow("The wildcard bind");
        wildcard.Listen().OrThrow("The wildcard listen");

        using var specific = NativeSocket.Open(Transport.Tcp, Loopback);
        specific.Set(NativeOption.ReuseAddress).OrThrow("Setting SO_REUSEADDR");
        Observe(Outcome.Sequence(() => specific.Bind(Loopback, wildcard.LocalPort), () => specific.Listen()));
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "ok",
        DotNetPal + ": ReuseAddress sets SO_REUSEPORT too, and " + LinuxInetConnectionSock + ", inet_bind_conflict() "
            + "lets SO_REUSEPORT sockets of one user overlap even a listener")]
    [Expect(Os.Windows, "ok", MicrosoftReuseTables + ", table 2: SO_REUSEADDR on both succeeds")]
    [Expect(Os.MacOS, "ok", XnuInPcb + ", in_pcbbind(): the exact lookup does not find 0.0.0.0")]
    public void Managed()
    {
        using var wildcard = new TcpListener(IPAddress.Any, 0);
        wildcard.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        wildcard.Start();

        using var specific = new TcpListener(IPAddress.Loopback, ((IPEndPoint)wildcard.LocalEndpoint).Port);
        specific.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        Observe(ManagedCall.Try(Step.Bind, specific.Start));
    }
}

[Claim("reuseaddr-and-reuseport-do-not-mix", "so-reuseaddr",
    "A UDP socket with only SO_REUSEADDR and one with only SO_REUSEPORT cannot share 127.0.0.1:P. That is why .NET's "
        + "ReuseAddress sets both: it then joins either kind on Linux.")]
public sealed class Reuseaddr_and_reuseport_do_not_mix(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "bind:AddressAlreadyInUse",
        LinuxUdp + ", udp_lib_lport_inuse(): neither (sk_reuse on both) nor (sk_reuseport on both) holds")]
    [Expect(Os.Windows, "n/a", NoReusePortOnWindows)]
    [Expect(Os.MacOS, "bind:AddressAlreadyInUse",
        XnuInPcb + ", in_pcbbind(): the newcomer's SO_REUSEPORT is ANDed with the first socket's options, which hold "
            + "only SO_REUSEADDR")]
    [Needs(Capability.ReusePort)]
    public void Native()
    {
        using var reuseAddress = NativeSocket.Open(Transport.Udp, Loopback);
        reuseAddress.Set(NativeOption.ReuseAddress).OrThrow("Setting SO_REUSEADDR");
        reuseAddress.Bind(Loopback, 0).OrThrow("The first bind");

        using var reusePort = NativeSocket.Open(Transport.Udp, Loopback);
        reusePort.Set(NativeOption.ReusePort).OrThrow("Setting SO_REUSEPORT");
        Observe(reusePort.Bind(reuseAddress.LocalEndPoint));
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "ok",
        "dotnet/corefx PR #32046: \"When one application uses SO_REUSEADDR and another uses SO_REUSEPORT, the second "
            + "application will fail to bind\", so " + DotNetPal + " sets both, and both sockets then have sk_reuse")]
    [Expect(Os.Windows, "ok", MicrosoftReuseTables + ", table 2: SO_REUSEADDR on both (ReuseAddress is SO_REUSEADDR on Windows)")]
    [Expect(Os.MacOS, "bind:AddressAlreadyInUse",
        XnuInPcb + ", in_pcbbind(): an exact duplicate needs SO_REUSEPORT on the first socket too, which a plain "
            + "SO_REUSEADDR program never set")]
    public void Managed()
    {
        // Another program that set SO_REUSEADDR alone, as C code does.
        var (level, name) = NativeNumbers.Option(HostOs.Require(), NativeOption.ReuseAddress)!.Value;
        using var reuseAddress = new UdpClient();
        reuseAddress.Client.SetRawSocketOption(level, name, BitConverter.GetBytes(1));
        reuseAddress.Client.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        using var dotnet = new UdpClient();
        dotnet.Client.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        Observe(ManagedCall.Try(Step.Bind, () => dotnet.Client.Bind(reuseAddress.Client.LocalEndPoint!)));
    }
}
