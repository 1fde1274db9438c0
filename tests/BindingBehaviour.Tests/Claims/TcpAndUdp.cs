using System.Net;
using System.Net.Sockets;
using BindingBehaviour.Native;
using BindingBehaviour.Tests.Infrastructure;
using Xunit.Abstractions;
using static BindingBehaviour.Sources;

namespace BindingBehaviour.Tests.Claims;

// Topic 2: a TCP socket and a UDP socket on one port, and why they never meet.

[Claim("tcp-and-udp-share-a-port", "tcp-and-udp",
    "A TCP listener and a UDP socket can both bind 127.0.0.1:P, whichever binds first.")]
public sealed class Tcp_and_udp_share_a_port(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "ok",
        LinuxInetConnectionSock + ", inet_csk_get_port() looks in the TCP bind hash, while " + LinuxUdp
            + ", udp_lib_get_port() looks in udp_table: no table holds both")]
    [Expect(Os.Windows, "ok",
        "RFC 6335, section 5: port numbers are assigned per transport protocol; " + MicrosoftReuseTables
            + " compares only sockets of one protocol")]
    [Expect(Os.MacOS, "ok", XnuInPcb + ", in_pcbbind() searches inp_pcbinfo, which is tcbinfo for TCP and udbinfo for UDP")]
    public void Native()
    {
        Outcome TcpFirst()
        {
            using var tcp = NativeSocket.Open(Transport.Tcp, Loopback);
            tcp.Bind(Loopback, 0).OrThrow("The TCP bind");
            tcp.Listen().OrThrow("The TCP listen");
            using var udp = NativeSocket.Open(Transport.Udp, Loopback);
            return udp.Bind(tcp.LocalEndPoint);
        }

        Outcome UdpFirst()
        {
            using var udp = NativeSocket.Open(Transport.Udp, Loopback);
            udp.Bind(Loopback, 0).OrThrow("The UDP bind");
            using var tcp = NativeSocket.Open(Transport.Tcp, Loopback);
            return Outcome.Sequence(() => tcp.Bind(udp.LocalEndPoint), () => tcp.Listen());
        }

        // The port the first socket got may be held in the other protocol by another process: retry with a fresh one.
        Observe(Outcome.Sequence(() => Ports.RetryWhileTaken(TcpFirst), () => Ports.RetryWhileTaken(UdpFirst)));
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "ok",
        "The implicit SO_REUSEADDR of " + DotNetPal + " changes nothing across protocols: " + LinuxUdp + " and the TCP "
            + "bind hash are separate")]
    [Expect(Os.Windows, "ok",
        "RFC 6335, section 5: port numbers are assigned per transport protocol; .NET on Windows sets no option at "
            + "Bind")]
    [Expect(Os.MacOS, "ok", XnuInPcb + ", in_pcbbind() searches the protocol's own table (tcbinfo or udbinfo)")]
    public void Managed()
    {
        Outcome TcpFirst()
        {
            using var tcp = new TcpListener(IPAddress.Loopback, 0);
            tcp.Start();
            var udpEndPoint = (IPEndPoint)tcp.LocalEndpoint;
            using var udp = new UdpClient(udpEndPoint.AddressFamily);
            return ManagedCall.Try(Step.Bind, () => udp.Client.Bind(udpEndPoint));
        }

        Outcome UdpFirst()
        {
            using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            using var tcp = new TcpListener((IPEndPoint)udp.Client.LocalEndPoint!);
            return ManagedCall.Try(Step.Bind, tcp.Start);
        }

        Observe(Outcome.Sequence(() => Ports.RetryWhileTaken(TcpFirst), () => Ports.RetryWhileTaken(UdpFirst)));
    }
}

[Claim("protocol-tables-shown-apart", "tcp-and-udp",
    "The OS shows the two protocols' tables apart: with a TCP listener and a UDP socket on 127.0.0.1:P, its list of "
        + "TCP listeners and its list of UDP sockets each hold exactly one entry for that address and port.")]
public sealed class Protocol_tables_shown_apart(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "tcp=1 udp=1",
        "proc(5): /proc/net/tcp and /proc/net/udp are separate tables, printed by net/ipv4/tcp_ipv4.c and " + LinuxUdp
            + "; .NET's IPGlobalProperties reads them")]
    [Expect(Os.Windows, "tcp=1 udp=1",
        "Microsoft Learn, IP Helper GetTcpTable2 and GetUdpTable: one table per protocol, which IPGlobalProperties "
            + "reads")]
    [Expect(Os.MacOS, "tcp=1 udp=1",
        "XNU bsd/netinet/tcp_subr.c and udp_usrreq.c export the pcblists net.inet.tcp.pcblist and net.inet.udp.pcblist "
            + "separately; IPGlobalProperties reads them")]
    public void Native()
    {
        var tables = ("", "");
        var bound = Ports.RetryWhileTaken(() =>
        {
            using var tcp = NativeSocket.Open(Transport.Tcp, Loopback);
            tcp.Bind(Loopback, 0).OrThrow("The TCP bind");
            tcp.Listen().OrThrow("The TCP listen");
            using var udp = NativeSocket.Open(Transport.Udp, Loopback);
            var outcome = udp.Bind(tcp.LocalEndPoint);
            if (outcome.Succeeded)
            {
                tables = ProtocolTables.Count(tcp.LocalEndPoint);
            }

            return outcome;
        });
        bound.OrThrow("Binding UDP beside the TCP listener");

        var (value, detail) = tables;
        ObserveValue(value, detail);
    }
}
