using System.Net;
using System.Net.Sockets;
using BindingBehaviour.Native;
using BindingBehaviour.Tests.Infrastructure;
using Xunit.Abstractions;
using static BindingBehaviour.Sources;

namespace BindingBehaviour.Tests.Claims;

// Topic 9: restarting a server over the connections its last run left behind.
//
// Every claim here leaves a TIME_WAIT entry on a port it got from port 0, for 60 s on Linux (2*MSL elsewhere). That port
// then stays unusable for others, which disturbs nobody: the OS hands out other ports for port 0, and no claim names a
// fixed port. While the entry (or an open connection) holds the port, no other socket can take it between the
// old listener's close and the new bind, so refusals here are never a stranger's doing; where nothing holds the port
// (the client closed first), the attempt is expected to succeed and is retried with a fresh port if someone took it.

[Claim("time-wait-on-the-closing-side", "restart-time-wait",
    "TIME_WAIT is kept only by the end that closes a TCP connection first: when the server closes first the server's "
        + "end (on the listening port) lingers and the client's is gone, and the other way round.")]
public sealed class Time_wait_on_the_closing_side(ITestOutputHelper output) : ClaimTest(output)
{
    private const string Everywhere =
        "server closes first: server end TimeWait, client end none; client closes first: server end none, client end "
            + "TimeWait";

    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, Everywhere, Rfc9293Close + "; " + TcpMan + ": TIME_WAIT lasts TCP_TIMEWAIT_LEN, 60 s (" + LinuxTcpH + ")")]
    [Expect(Os.Windows, Everywhere, Rfc9293Close + "; Windows lists TIME_WAIT entries in GetTcpTable2 (MIB_TCP_STATE_TIME_WAIT)")]
    [Expect(Os.MacOS, Everywhere,
        Rfc9293Close + "; " + XnuTcpUsrreq + " and bsd/netinet/tcp_timer.c keep the first closer in TCPS_TIME_WAIT for "
            + "2*MSL")]
    public void Native()
    {
        string Lingering(FirstToClose first)
        {
            using var listener = NativeSocket.Open(Transport.Tcp, Loopback);
            listener.Bind(Loopback, 0).OrThrow("The listener's bind");
            listener.Listen().OrThrow("The listen");
            using var socket = listener.ToSocket();
            var (server, client) = Connections.OpenAndClose(socket, first);
            return Connections.Lingering(server, client);
        }

        ObserveValue($"server closes first: {Lingering(FirstToClose.Server)}; client closes first: {Lingering(FirstToClose.Client)}");
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, Everywhere,
        Rfc9293Close + "; TcpClient.Dispose closes gracefully (FIN) unless LingerState says otherwise (" + DotNetSocket
            + ")")]
    [Expect(Os.Windows, Everywhere, Rfc9293Close + "; TcpClient.Dispose closes gracefully (FIN) unless LingerState says otherwise")]
    [Expect(Os.MacOS, Everywhere, Rfc9293Close + "; TcpClient.Dispose closes gracefully (FIN) unless LingerState says otherwise")]
    public void Managed()
    {
        string Lingering(FirstToClose first)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var client = new TcpClient();
            client.Connect((IPEndPoint)listener.LocalEndpoint);
            var server = listener.AcceptTcpClient();
            var (serverEnd, clientEnd) = ((IPEndPoint)server.Client.LocalEndPoint!, (IPEndPoint)client.Client.LocalEndPoint!);
            (first == FirstToClose.Server ? server : client).Dispose();
            (first == FirstToClose.Server ? client : server).Dispose();
            Connections.Settle(serverEnd, clientEnd);
            return Connections.Lingering(serverEnd, clientEnd);
        }

        ObserveValue($"server closes first: {Lingering(FirstToClose.Server)}; client closes first: {Lingering(FirstToClose.Client)}");
    }
}

[Claim("restart-after-server-closed-first", "restart-time-wait",
    "A server that closed its connections first cannot bind its port again without SO_REUSEADDR while they sit in "
        + "TIME_WAIT (Linux, macOS); a restarted .NET TcpListener can, because .NET set SO_REUSEADDR on the old "
        + "listener and sets it on the new one.")]
public sealed class Restart_after_server_closed_first(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "bind:AddressAlreadyInUse",
        LinuxBindTimewait + " expects exactly this (EADDRINUSE) on 127.0.0.1 and 0.0.0.0; " + LinuxInetConnectionSock
            + ", inet_bind_conflict(): the TIME_WAIT socket stays in the port's bind bucket")]
    [Expect(Os.Windows, "ok | bind:AddressAlreadyInUse",
        "Sources disagree: " + DotNetPal + ", SystemNative_Bind: \"On Windows, Bind during TCP_WAIT is allowed\" and "
            + "dotnet/corefx#24562 (the rebind loop \"is what happens on Windows\"), while the Winsock WSAEADDRINUSE "
            + "text names sockets \"still in the process of closing\"")]
    [Expect(Os.MacOS, "bind:AddressAlreadyInUse",
        XnuInPcb + ", in_pcbbind(): without SO_REUSEADDR the wildcard lookup also finds connected and TIME_WAIT PCBs; "
            + "dotnet/corefx#24562 reports the same on macOS 10.12")]
    public void Native()
    {
        using var old = NativeSocket.Open(Transport.Tcp, Loopback);
        old.Bind(Loopback, 0).OrThrow("The old listener's bind");
        old.Listen().OrThrow("The old listen");
        var address = old.LocalEndPoint;
        using (var listener = old.ToSocket())
        {
            Connections.OpenAndClose(listener, FirstToClose.Server);
        }

        using var restarted = NativeSocket.Open(Transport.Tcp, Loopback);
        Observe(Outcome.Sequence(() => restarted.Bind(address), () => restarted.Listen()));
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "ok",
        DotNetPal + ", SystemNative_Bind: \"On Unix, we set SO_REUSEADDR to get the same behavior\" (as Windows); with "
            + "it on the old and the new socket " + LinuxInetConnectionSock + ", inet_bind_conflict() lets the bind "
            + "pass a TIME_WAIT socket")]
    [Expect(Os.Windows, "ok", DotNetPal + ": \"On Windows, Bind during TCP_WAIT is allowed\"; dotnet/corefx#24562")]
    [Expect(Os.MacOS, "ok",
        XnuInPcb + ", in_pcbbind(): with SO_REUSEADDR on the new socket the lookup is exact and skips connected and "
            + "TIME_WAIT PCBs; .NET sets it at Bind (" + DotNetPal + ")")]
    public void Managed()
    {
        var old = new TcpListener(IPAddress.Loopback, 0);
        old.Start();
        var address = (IPEndPoint)old.LocalEndpoint;
        Connections.OpenAndClose(old.Server, FirstToClose.Server);
        old.Stop();

        using var restarted = new TcpListener(address);
        Observe(Listeners.Start(restarted));
    }
}

[Claim("restart-after-client-closed-first", "restart-time-wait",
    "When the clients closed first, TIME_WAIT sits on their ports, not the server's: the server binds its port again "
        + "at once, without any option.")]
public sealed class Restart_after_client_closed_first(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "ok", Rfc9293Close + "; " + LinuxInetConnectionSock + ": nothing is left in the server port's bind bucket")]
    [Expect(Os.Windows, "ok", Rfc9293Close + "; nothing is left on the server's port")]
    [Expect(Os.MacOS, "ok", Rfc9293Close + "; " + XnuInPcb + ", in_pcbbind() finds no PCB on the server's port")]
    public void Native()
    {
        Observe(Ports.RetryWhileTaken(() =>
        {
            IPEndPoint address;
            using (var old = NativeSocket.Open(Transport.Tcp, Loopback))
            {
                old.Bind(Loopback, 0).OrThrow("The old listener's bind");
                old.Listen().OrThrow("The old listen");
                address = old.LocalEndPoint;
                using var listener = old.ToSocket();
                Connections.OpenAndClose(listener, FirstToClose.Client);
            }

            using var restarted = NativeSocket.Open(Transport.Tcp, Loopback);
            return Outcome.Sequence(() => restarted.Bind(address), () => restarted.Listen());
        }));
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "ok", Rfc9293Close + "; nothing is left on the server's port")]
    [Expect(Os.Windows, "ok", Rfc9293Close + "; nothing is left on the server's port")]
    [Expect(Os.MacOS, "ok", Rfc9293Close + "; nothing is left on the server's port")]
    public void Managed()
    {
        Observe(Ports.RetryWhileTaken(() =>
        {
            var old = new TcpListener(IPAddress.Loopback, 0);
            old.Start();
            var address = (IPEndPoint)old.LocalEndpoint;
            Connections.OpenAndClose(old.Server, FirstToClose.Client);
            old.Stop();

            using var restarted = new TcpListener(address);
            return Listeners.Start(restarted);
        }));
    }
}

[Claim("restart-while-a-connection-is-open", "restart-time-wait",
    "A connection the old listener accepted keeps its port even after the listener closed: a new listener without "
        + "SO_REUSEADDR cannot bind there while it is open. .NET's TcpListener can, on Linux because both listeners "
        + "have SO_REUSEADDR, on macOS because the new one has it.")]
public sealed class Restart_while_a_connection_is_open(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "bind:AddressAlreadyInUse",
        LinuxInetConnectionSock + ", inet_bind_conflict(): the accepted socket is in the port's bind bucket and "
            + "neither socket has SO_REUSEADDR")]
    [Expect(Os.Windows, "bind:AddressAlreadyInUse | ok",
        "Sources disagree: " + MicrosoftReuseTables + " compares bindings, not connections, while the Winsock bind "
            + "reference gives WSAEADDRINUSE for an address:port in use by any socket")]
    [Expect(Os.MacOS, "bind:AddressAlreadyInUse",
        XnuInPcb + ", in_pcbbind(): without SO_REUSEADDR, in_pcblookup_local() with wildcards allowed matches the "
            + "connected PCB on that port")]
    public void Native()
    {
        using var old = NativeSocket.Open(Transport.Tcp, Loopback);
        old.Bind(Loopback, 0).OrThrow("The old listener's bind");
        old.Listen().OrThrow("The old listen");
        var address = old.LocalEndPoint;
        var listener = old.ToSocket();
        var (server, client) = Connections.Open(listener);
        using (server)
        using (client)
        {
            listener.Dispose();
            using var restarted = NativeSocket.Open(Transport.Tcp, Loopback);
            Observe(Outcome.Sequence(() => restarted.Bind(address), () => restarted.Listen()));
        }
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "ok",
        LinuxInetConnectionSock + ", inet_bind_conflict(): SO_REUSEADDR on both (the accepted socket inherits the old "
            + "listener's, set by " + DotNetPal + ") and the accepted socket is not listening")]
    [Expect(Os.Windows, "ok | bind:AddressAlreadyInUse",
        "Sources disagree: " + DotNetPal + " says Windows allows Bind during TIME_WAIT, but says nothing of an open "
            + "connection; the Winsock bind reference gives WSAEADDRINUSE for an address in use")]
    [Expect(Os.MacOS, "ok", XnuInPcb + ", in_pcbbind(): with SO_REUSEADDR on the new socket the exact lookup skips connected PCBs")]
    public void Managed()
    {
        var old = new TcpListener(IPAddress.Loopback, 0);
        old.Start();
        var address = (IPEndPoint)old.LocalEndpoint;
        using var client = new TcpClient();
        client.Connect(address);
        using var server = old.AcceptTcpClient();
        old.Stop();

        using var restarted = new TcpListener(address);
        Observe(Listeners.Start(restarted));
    }
}

[Claim("restart-needs-reuseaddr-on-the-old-listener", "restart-time-wait",
    "On Linux SO_REUSEADDR on the new listener alone does not pass the TIME_WAIT its predecessor left: the old "
        + "listener (whose accepted sockets inherit the flag) must have had it too. BSD and macOS only look at the new "
        + "socket.")]
public sealed class Restart_needs_reuseaddr_on_the_old_listener(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "bind:AddressAlreadyInUse",
        LinuxInetConnectionSock + ", inet_bind_conflict(): the bind passes only if sk->sk_reuse && sk2->sk_reuse, and "
            + "the TIME_WAIT socket keeps the old socket's sk_reuse (0); " + SocketMan + ", SO_REUSEADDR")]
    [Expect(Os.Windows, "ok | bind:AddressAlreadyInUse | bind:AccessDenied",
        "Sources disagree: " + MicrosoftReuseTables + ", table 2 refuses an SO_REUSEADDR bind over an active default "
            + "binding with WSAEACCES, but a TIME_WAIT entry is no active binding, and " + DotNetPal + " says Windows "
            + "allows Bind during TIME_WAIT anyway")]
    [Expect(Os.MacOS, "ok",
        XnuInPcb + ", in_pcbbind(): only the new socket's so_options decide, and with SO_REUSEADDR "
            + "in_pcblookup_local() matches only unconnected PCBs; the Mecki answer (stackoverflow.com/a/14388707) on "
            + "BSD")]
    public void Native()
    {
        using var old = NativeSocket.Open(Transport.Tcp, Loopback);
        old.Bind(Loopback, 0).OrThrow("The old listener's bind");
        old.Listen().OrThrow("The old listen");
        var address = old.LocalEndPoint;
        using (var listener = old.ToSocket())
        {
            Connections.OpenAndClose(listener, FirstToClose.Server);
        }

        using var restarted = NativeSocket.Open(Transport.Tcp, Loopback);
        restarted.Set(NativeOption.ReuseAddress).OrThrow("SO_REUSEADDR on the new listener");
        Observe(Outcome.Sequence(() => restarted.Bind(address), () => restarted.Listen()));
    }
}

[Claim("restart-with-reuseaddr-on-both-listeners", "restart-time-wait",
    "With SO_REUSEADDR on the old and on the new listener, a server restarts over the TIME_WAIT it left, on every OS: "
        + "this is why servers set it.")]
public sealed class Restart_with_reuseaddr_on_both_listeners(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "ok",
        LinuxInetConnectionSock + ", inet_bind_conflict(): sk_reuse on both and the TIME_WAIT socket is not "
            + "TCP_LISTEN; " + SocketMan + ", SO_REUSEADDR")]
    [Expect(Os.Windows, "ok", MicrosoftReuseTables + ", table 2: SO_REUSEADDR after SO_REUSEADDR on one address succeeds")]
    [Expect(Os.MacOS, "ok", XnuInPcb + ", in_pcbbind(): with SO_REUSEADDR on the new socket the exact lookup skips TIME_WAIT PCBs")]
    public void Native()
    {
        using var old = NativeSocket.Open(Transport.Tcp, Loopback);
        old.Set(NativeOption.ReuseAddress).OrThrow("SO_REUSEADDR on the old listener");
        old.Bind(Loopback, 0).OrThrow("The old listener's bind");
        old.Listen().OrThrow("The old listen");
        var address = old.LocalEndPoint;
        using (var listener = old.ToSocket())
        {
            Connections.OpenAndClose(listener, FirstToClose.Server);
        }

        using var restarted = NativeSocket.Open(Transport.Tcp, Loopback);
        restarted.Set(NativeOption.ReuseAddress).OrThrow("SO_REUSEADDR on the new listener");
        Observe(Outcome.Sequence(() => restarted.Bind(address), () => restarted.Listen()));
    }
}

[Claim("restart-with-reuseport-on-both-listeners", "restart-time-wait",
    "SO_REUSEPORT on the old and the new listener also passes the TIME_WAIT, without SO_REUSEADDR: Linux skips its "
        + "same-user check for TIME_WAIT sockets, and BSD's exact lookup ignores them.")]
public sealed class Restart_with_reuseport_on_both_listeners(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "ok",
        LinuxInetConnectionSock + ", inet_bind_conflict(): sk_reuseport on both and (sk2->sk_state == TCP_TIME_WAIT || "
            + "uid_eq(...)) passes; " + SocketMan + ", SO_REUSEPORT")]
    [Expect(Os.Windows, "n/a", NoReusePortOnWindows)]
    [Expect(Os.MacOS, "ok",
        XnuInPcb + ", in_pcbbind(): SO_REUSEPORT makes the lookup exact, which skips TIME_WAIT PCBs; the Mecki answer: "
            + "rebinding over TIME_WAIT needs SO_REUSEADDR on the new socket or SO_REUSEPORT on both")]
    [Needs(Capability.ReusePort)]
    public void Native()
    {
        using var old = NativeSocket.Open(Transport.Tcp, Loopback);
        old.Set(NativeOption.ReusePort).OrThrow("Setting SO_REUSEPORT");
        old.Bind(Loopback, 0).OrThrow("The old listener's bind");
        old.Listen().OrThrow("The old listen");
        var address = old.LocalEndPoint;
        using (var listener = old.ToSocket())
        {
            Connections.OpenAndClose(listener, FirstToClose.Server);
        }

        using var restarted = NativeSocket.Open(Transport.Tcp, Loopback);
        restarted.Set(NativeOption.ReusePort).OrThrow("SO_REUSEPORT on the new listener");
        Observe(Outcome.Sequence(() => restarted.Bind(address), () => restarted.Listen()));
    }
}
