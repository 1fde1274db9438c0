using System.Net;
using System.Net.Sockets;
using BindingBehaviour.Native;
using BindingBehaviour.Tests.Infrastructure;
using Xunit.Abstractions;
using static BindingBehaviour.Sources;

namespace BindingBehaviour.Tests.Claims;

// Topic 7: how Winsock decides, and how a port is protected there. Where a claim has a meaning on Linux and macOS it
// runs there too, with their own answer; SO_EXCLUSIVEADDRUSE exists only on Windows, so its native tests skip elsewhere.

[Claim("windows-reuseaddr-second-listener", "windows",
    "On Windows a second TCP listener with SO_REUSEADDR can take 127.0.0.1:P from a listener that also set it (port "
        + "stealing); Linux and macOS refuse. .NET's ReuseAddress lets both listen everywhere, on Unix through "
        + "SO_REUSEPORT.")]
public sealed class Windows_reuseaddr_second_listener(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "bind:AddressAlreadyInUse",
        LinuxInetConnectionSock + ", inet_bind_conflict(): SO_REUSEADDR never passes a socket in TCP_LISTEN; "
            + SocketMan + ", SO_REUSEADDR")]
    [Expect(Os.Windows, "ok",
        WineReuseaddrTest + " (lines 2540-2612): a SO_REUSEADDR socket binds and listens on 127.0.0.1:P while another "
            + "SO_REUSEADDR socket listens there, on Windows; " + MicrosoftReuseTables + ", table 2: "
            + "SO_REUSEADDR/Specific after SO_REUSEADDR/Specific succeeds; golang/go src/net/sockopt_windows.go: "
            + "SO_REUSEADDR \"allows a socket to forcibly bind to a port in use by another socket\"")]
    [Expect(Os.MacOS, "bind:AddressAlreadyInUse", XnuInPcb + ", in_pcbbind(): an exact duplicate needs SO_REUSEPORT on both")]
    public void Native()
    {
        using var first = NativeSocket.Open(Transport.Tcp, Loopback);
        first.Set(NativeOption.ReuseAddress).OrThrow("Setting SO_REUSEADDR");
        first.Bind(Loopback, 0).OrThrow("The first bind");
        first.Listen().OrThrow("The first listen");

        using var second = NativeSocket.Open(Transport.Tcp, Loopback);
        second.Set(NativeOption.ReuseAddress).OrThrow("Setting SO_REUSEADDR");
        Observe(Outcome.Sequence(() => second.Bind(first.LocalEndPoint), () => second.Listen()));
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "ok",
        DotNetPal + ": ReuseAddress sets SO_REUSEPORT as well, and " + SocketMan + ", SO_REUSEPORT lets listeners of "
            + "one user share the port")]
    [Expect(Os.Windows, "ok", MicrosoftReuseTables + ", table 2: SO_REUSEADDR on both succeeds")]
    [Expect(Os.MacOS, "ok", DotNetPal + " sets SO_REUSEPORT; " + XnuInPcb + ", in_pcbbind() allows the duplicate")]
    public void Managed()
    {
        using var first = new TcpListener(IPAddress.Loopback, 0);
        first.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        first.Start();

        using var second = new TcpListener((IPEndPoint)first.LocalEndpoint);
        second.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        Observe(ManagedCall.Try(Step.Bind, second.Start));
    }
}

[Claim("windows-enhanced-socket-security", "windows",
    "Since Windows Server 2003 a socket cannot take a port whose first socket did not set SO_REUSEADDR: a second UDP "
        + "0.0.0.0:P with SO_REUSEADDR gets access denied (WSAEACCES) there, address in use elsewhere.")]
public sealed class Windows_enhanced_socket_security(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "bind:AddressAlreadyInUse", LinuxUdp + ", udp_lib_lport_inuse(): SO_REUSEADDR must be on both")]
    [Expect(Os.Windows, "bind:AccessDenied",
        MicrosoftReuseTables + ", section \"Enhanced Socket Security\" and table 2: SO_REUSEADDR/Wildcard after "
            + "Default/Wildcard gives WSAEACCES (10013)")]
    [Expect(Os.MacOS, "bind:AddressAlreadyInUse",
        XnuInPcb + ", in_pcbbind(): SO_REUSEADDR allows no exact duplicate without SO_REUSEPORT on both")]
    public void Native()
    {
        using var first = NativeSocket.Open(Transport.Udp, Any);
        first.Bind(Any, 0).OrThrow("The first bind");

        using var second = NativeSocket.Open(Transport.Udp, Any);
        second.Set(NativeOption.ReuseAddress).OrThrow("Setting SO_REUSEADDR");
        Observe(second.Bind(first.LocalEndPoint));
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "bind:AddressAlreadyInUse",
        LinuxUdp + ", udp_lib_lport_inuse(): the first socket has neither option that " + DotNetPal + " sets on the "
            + "second")]
    [Expect(Os.Windows, "bind:AccessDenied",
        MicrosoftReuseTables + ", table 2: SO_REUSEADDR/Wildcard after Default/Wildcard gives WSAEACCES")]
    [Expect(Os.MacOS, "bind:AddressAlreadyInUse", XnuInPcb + ", in_pcbbind(): the first socket lacks SO_REUSEPORT")]
    public void Managed()
    {
        using var first = new UdpClient(new IPEndPoint(IPAddress.Any, 0));

        using var second = new UdpClient();
        second.Client.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        Observe(ManagedCall.Try(Step.Bind, () => second.Client.Bind(first.Client.LocalEndPoint!)));
    }
}

[Claim("access-denied-versus-in-use", "windows",
    "Windows answers one conflict with two errors: a plain second bind of UDP 127.0.0.1:P is AddressAlreadyInUse, the "
        + "same bind with SO_REUSEADDR is AccessDenied. Linux and macOS say AddressAlreadyInUse to both, so code that "
        + "catches only that misses Windows' answer.")]
public sealed class Access_denied_versus_in_use(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "plain=bind:AddressAlreadyInUse reuseaddr=bind:AddressAlreadyInUse",
        LinuxUdp + ", udp_lib_lport_inuse(): without the option on both, either bind is refused with EADDRINUSE")]
    [Expect(Os.Windows, "plain=bind:AddressAlreadyInUse reuseaddr=bind:AccessDenied",
        MicrosoftReuseTables + ", table 2, row Default/Specific: column Default/Specific is WSAEADDRINUSE (10048), "
            + "column SO_REUSEADDR/Specific is WSAEACCES (10013)")]
    [Expect(Os.MacOS, "plain=bind:AddressAlreadyInUse reuseaddr=bind:AddressAlreadyInUse",
        XnuInPcb + ", in_pcbbind() returns EADDRINUSE in both cases")]
    public void Native()
    {
        using var first = NativeSocket.Open(Transport.Udp, Loopback);
        first.Bind(Loopback, 0).OrThrow("The first bind");

        using var plain = NativeSocket.Open(Transport.Udp, Loopback);
        var plainOutcome = plain.Bind(first.LocalEndPoint);

        using var reuse = NativeSocket.Open(Transport.Udp, Loopback);
        reuse.Set(NativeOption.ReuseAddress).OrThrow("Setting SO_REUSEADDR");
        var reuseOutcome = reuse.Bind(first.LocalEndPoint);

        ObserveValue($"plain={plainOutcome.Code} reuseaddr={reuseOutcome.Code}", $"plain: {plainOutcome}; reuseaddr: {reuseOutcome}");
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "plain=bind:AddressAlreadyInUse reuseaddr=bind:AddressAlreadyInUse",
        DotNetPal + " sets SO_REUSEPORT and SO_REUSEADDR on the second only; " + LinuxUdp + ", udp_lib_lport_inuse() "
            + "wants them on both")]
    [Expect(Os.Windows, "plain=bind:AddressAlreadyInUse reuseaddr=bind:AccessDenied",
        MicrosoftReuseTables + ", table 2, row Default/Specific; .NET maps WSAEACCES to SocketError.AccessDenied")]
    [Expect(Os.MacOS, "plain=bind:AddressAlreadyInUse reuseaddr=bind:AddressAlreadyInUse",
        XnuInPcb + ", in_pcbbind(): the first socket lacks SO_REUSEPORT")]
    public void Managed()
    {
        using var first = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var taken = (IPEndPoint)first.Client.LocalEndPoint!;

        using var plain = new UdpClient();
        var plainOutcome = ManagedCall.Try(Step.Bind, () => plain.Client.Bind(taken));

        using var reuse = new UdpClient();
        reuse.Client.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        var reuseOutcome = ManagedCall.Try(Step.Bind, () => reuse.Client.Bind(taken));

        ObserveValue($"plain={plainOutcome.Code} reuseaddr={reuseOutcome.Code}", $"plain: {plainOutcome}; reuseaddr: {reuseOutcome}");
    }
}

[Claim("exclusiveaddruse-blocks-a-specific-bind", "windows",
    "SO_EXCLUSIVEADDRUSE on UDP 0.0.0.0:P keeps even a plain 127.0.0.1:P out on Windows, which Windows otherwise "
        + "allows; the refusal is AccessDenied. In .NET, ExclusiveAddressUse = true on Linux and macOS only clears the "
        + "reuse options, so the plain rule refuses the bind there.")]
public sealed class Exclusiveaddruse_blocks_a_specific_bind(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "n/a", NoExclusiveAddressUse)]
    [Expect(Os.Windows, "bind:AccessDenied",
        MicrosoftReuseTables + ", table 2: Default/Specific after SO_EXCLUSIVEADDRUSE/Wildcard gives WSAEACCES "
            + "(10013)")]
    [Expect(Os.MacOS, "n/a", NoExclusiveAddressUse)]
    [Needs(Capability.ExclusiveAddressUse)]
    public void Native()
    {
        using var exclusive = NativeSocket.Open(Transport.Udp, Any);
        exclusive.Set(NativeOption.ExclusiveAddressUse).OrThrow("Setting SO_EXCLUSIVEADDRUSE");
        exclusive.Bind(Any, 0).OrThrow("The exclusive bind");

        using var specific = NativeSocket.Open(Transport.Udp, Loopback);
        Observe(specific.Bind(Loopback, exclusive.LocalPort));
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "bind:AddressAlreadyInUse",
        DotNetPal + ": ExclusiveAddressUse = true sets SO_REUSEPORT and SO_REUSEADDR to 0; " + LinuxUdp
            + ", udp_lib_lport_inuse() then refuses the overlap as it would anyway")]
    [Expect(Os.Windows, "bind:AccessDenied",
        MicrosoftReuseTables + ", table 2: Default/Specific after SO_EXCLUSIVEADDRUSE/Wildcard gives WSAEACCES; "
            + "ExclusiveAddressUse is SO_EXCLUSIVEADDRUSE on Windows")]
    [Expect(Os.MacOS, "bind:AddressAlreadyInUse",
        DotNetPal + " clears the reuse options; " + XnuInPcb + ", in_pcbbind(): the plain newcomer's wildcard lookup "
            + "finds 0.0.0.0")]
    public void Managed()
    {
        using var exclusive = new UdpClient();
        exclusive.ExclusiveAddressUse = true;
        exclusive.Client.Bind(new IPEndPoint(IPAddress.Any, 0));

        var port = ((IPEndPoint)exclusive.Client.LocalEndPoint!).Port;
        var specificEndPoint = new IPEndPoint(IPAddress.Loopback, port);
        using var specific = new UdpClient(specificEndPoint.AddressFamily);
        Observe(ManagedCall.Try(Step.Bind, () => specific.Client.Bind(specificEndPoint)));
    }
}

[Claim("exclusiveaddruse-with-reuseaddr", "windows",
    "A socket cannot have both SO_REUSEADDR and SO_EXCLUSIVEADDRUSE on Windows: setting the second one fails with "
        + "WSAEINVAL. In .NET on Linux and macOS the two are one switch, so the later setting simply wins.")]
public sealed class Exclusiveaddruse_with_reuseaddr(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "n/a", NoExclusiveAddressUse)]
    [Expect(Os.Windows, "setoption:InvalidArgument",
        WineReuseaddrTest + " (lines 2643-2666) asserts WSAEINVAL for the second option in either order on Windows (a "
            + "TCP socket); arvidn/libtorrent#1981: it \"always fails ... with error 10022 even if I swap them\"; "
            + "markqvist/Reticulum#278 and cesanta/mongoose#1550 report the same (no Microsoft page states it)")]
    [Expect(Os.MacOS, "n/a", NoExclusiveAddressUse)]
    [Needs(Capability.ExclusiveAddressUse)]
    public void Native()
    {
        using var socket = NativeSocket.Open(Transport.Udp, Loopback);
        Observe(Outcome.Sequence(
            () => socket.Set(NativeOption.ReuseAddress),
            () => socket.Set(NativeOption.ExclusiveAddressUse)));
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "ok",
        DotNetPal + ", SystemNative_SetSockOpt: ExclusiveAddressUse and ReuseAddress both drive the pair "
            + "SO_REUSEPORT/SO_REUSEADDR (inverted for ExclusiveAddressUse), so the later call wins")]
    [Expect(Os.Windows, "setoption:InvalidArgument",
        "libtorrent#1981, Reticulum#278: Winsock refuses the pair with WSAEINVAL (10022); .NET on Windows passes both "
            + "options straight through")]
    [Expect(Os.MacOS, "ok", DotNetPal + ", SystemNative_SetSockOpt: one pair of options behind both names")]
    public void Managed()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        Observe(ManagedCall.Steps(
            (Step.SetOption, () => socket.ExclusiveAddressUse = true),
            (Step.SetOption, () => socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true))),
            $"ExclusiveAddressUse reads {socket.ExclusiveAddressUse} afterwards");
    }
}
