using System.Net;
using System.Net.Sockets;
using BindingBehaviour.Native;
using BindingBehaviour.Tests.Infrastructure;
using Xunit.Abstractions;
using static BindingBehaviour.Sources;

namespace BindingBehaviour.Tests.Claims;

// Topic 12: when UDP sockets share a port, which of them gets a datagram. Every datagram goes to loopback only: unicast
// to 127.0.0.1, multicast out of the loopback interface with TTL 0, broadcast to 127.255.255.255. Counting polls until
// all expected datagrams arrived or two seconds passed (Datagrams.Receive).

[Claim("udp-last-bound-gets-unicast", "who-receives",
    "Two UDP sockets sharing 127.0.0.1:P through SO_REUSEADDR do not share its unicast traffic on Linux: the socket "
        + "bound last gets every datagram. BSD and macOS do not let SO_REUSEADDR share an exact address at all; "
        + "Windows leaves the choice undefined.")]
public sealed class Udp_last_bound_gets_unicast(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "the last bound got all 20",
        LinuxUdp + ", udp4_lib_lookup2() keeps the first socket with the best compute_score(), and a newly bound "
            + "socket goes to the head of the hash chain; libuv docs, UV_UDP_REUSEADDR: \"only the last one to bind "
            + "will receive any traffic\"")]
    [Expect(Os.Windows, "the last bound got all 20 | the first bound got all 20 | spread over both",
        MicrosoftReuseTables + ": with SO_REUSEADDR on both, which socket receives is \"indeterminate\"")]
    [Expect(Os.MacOS, "bind:AddressAlreadyInUse",
        XnuInPcb + ", in_pcbbind(): an exact duplicate needs SO_REUSEPORT on both sockets, SO_REUSEADDR is not enough "
            + "for a unicast address")]
    public void Native()
    {
        using var first = NativeSocket.Open(Transport.Udp, Loopback);
        first.Set(NativeOption.ReuseAddress).OrThrow("SO_REUSEADDR on the first socket");
        first.Bind(Loopback, 0).OrThrow("The first bind");
        using var second = NativeSocket.Open(Transport.Udp, Loopback);
        second.Set(NativeOption.ReuseAddress).OrThrow("SO_REUSEADDR on the second socket");
        var bound = second.Bind(first.LocalEndPoint);
        if (!bound.Succeeded)
        {
            Observe(bound);
            return;
        }

        using var a = first.ToSocket();
        using var b = second.ToSocket();
        var (value, detail) = Deliveries.Unicast(a, b, 20);
        ObserveValue(value, detail);
    }
}

[Claim("udp-most-specific-address-wins", "who-receives",
    "A UDP socket on 127.0.0.1:P gets the unicast datagrams sent to 127.0.0.1:P even when another socket shares the "
        + "port on 0.0.0.0, whichever of the two was bound first: the more specific address wins.")]
public sealed class Udp_most_specific_address_wins(ITestOutputHelper output) : ClaimTest(output)
{
    private const string Everywhere = "wildcard bound first: 127.0.0.1 got all 20; 127.0.0.1 bound first: 127.0.0.1 got all 20";

    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, Everywhere,
        LinuxUdp + ", compute_score(): a socket whose bound address matches the destination scores higher than a "
            + "wildcard one, and udp4_lib_lookup2() keeps the highest score whatever the order")]
    [Expect(Os.Windows, Everywhere,
        "The .NET ExclusiveAddressUse remarks: of two sockets on one port \"the one with the more specific IP address "
            + "will handle the network traffic\"; " + MicrosoftReuseTables)]
    [Expect(Os.MacOS, Everywhere,
        XnuUdpUsrreq + ", udp_input() looks the datagram up with in_pcblookup_hash(), which prefers an exact local "
            + "address to a wildcard one")]
    public void Native()
    {
        string Receiver(IPAddress firstAddress, IPAddress secondAddress)
        {
            var value = "";
            Ports.RetryWhileTaken(() =>
            {
                using var first = NativeSocket.Open(Transport.Udp, Loopback);
                first.Set(NativeOption.ReuseAddress).OrThrow("SO_REUSEADDR on the first socket");
                first.Bind(firstAddress, 0).OrThrow("The first bind");
                using var second = NativeSocket.Open(Transport.Udp, Loopback);
                second.Set(NativeOption.ReuseAddress).OrThrow("SO_REUSEADDR on the second socket");
                var bound = second.Bind(secondAddress, first.LocalPort);
                if (!bound.Succeeded)
                {
                    value = bound.Code;
                    return bound;
                }

                using var a = first.ToSocket();
                using var b = second.ToSocket();
                value = Deliveries.Specific(a, b);
                return Outcome.Ok;
            });
            return value;
        }

        ObserveValue($"wildcard bound first: {Receiver(Any, Loopback)}; 127.0.0.1 bound first: {Receiver(Loopback, Any)}");
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, Everywhere,
        DotNetPal + ": ReuseAddress adds SO_REUSEPORT, but " + LinuxUdp + " only groups sockets with one address, and "
            + "compute_score() still prefers 127.0.0.1")]
    [Expect(Os.Windows, Everywhere, "The .NET ExclusiveAddressUse remarks: the more specific address handles the traffic")]
    [Expect(Os.MacOS, Everywhere, XnuUdpUsrreq + ", udp_input(): in_pcblookup_hash() prefers the exact local address")]
    public void Managed()
    {
        string Receiver(IPAddress firstAddress, IPAddress secondAddress)
        {
            var value = "";
            Ports.RetryWhileTaken(() =>
            {
                using var first = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                first.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                first.Bind(new IPEndPoint(firstAddress, 0));
                using var second = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                second.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                var bound = ManagedCall.Try(Step.Bind,
                    () => second.Bind(new IPEndPoint(secondAddress, ((IPEndPoint)first.LocalEndPoint!).Port)));
                value = bound.Succeeded ? Deliveries.Specific(first, second) : bound.Code;
                return bound;
            });
            return value;
        }

        var wildcardFirst = Receiver(IPAddress.Any, IPAddress.Loopback);
        var specificFirst = Receiver(IPAddress.Loopback, IPAddress.Any);
        ObserveValue($"wildcard bound first: {wildcardFirst}; 127.0.0.1 bound first: {specificFirst}");
    }
}

[Claim("udp-reuseport-spreads-unicast", "who-receives",
    "With SO_REUSEPORT on two UDP sockets of one address (and so with .NET's ReuseAddress, which sets it), Linux "
        + "spreads datagrams from different source ports over both sockets. macOS has no such balancing: one socket "
        + "gets them all.")]
public sealed class Udp_reuseport_spreads_unicast(ITestOutputHelper output) : ClaimTest(output)
{
    private const string OneOfThem = "the last bound got all 40 | the first bound got all 40";

    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "spread over both",
        SocketMan + ", SO_REUSEPORT: for UDP it distributes incoming datagrams evenly across the group; " + LinuxUdp
            + ", lookup_reuseport() picks by a hash of the 4-tuple; 40 source ports all hashing to one socket has odds "
            + "below 1 in 10^11")]
    [Expect(Os.Windows, "n/a", NoReusePortOnWindows)]
    [Expect(Os.MacOS, OneOfThem,
        "Sources disagree on which socket: " + XnuUdpUsrreq + ", udp_input() gives a unicast datagram to one PCB "
            + "(\"This really ought to be done for unicast datagrams as well\"); third-party notes say the last bound")]
    [Needs(Capability.ReusePort)]
    public void Native()
    {
        using var first = NativeSocket.Open(Transport.Udp, Loopback);
        first.Set(NativeOption.ReusePort).OrThrow("Setting SO_REUSEPORT");
        first.Bind(Loopback, 0).OrThrow("The first bind");
        using var second = NativeSocket.Open(Transport.Udp, Loopback);
        second.Set(NativeOption.ReusePort).OrThrow("SO_REUSEPORT on the second socket");
        second.Bind(first.LocalEndPoint).OrThrow("The second bind");

        using var a = first.ToSocket();
        using var b = second.ToSocket();
        var (value, detail) = Deliveries.Unicast(a, b, 40);
        ObserveValue(value, detail);
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "spread over both",
        DotNetPal + ": ReuseAddress sets SO_REUSEPORT (and SO_REUSEADDR); " + SocketMan + ", SO_REUSEPORT spreads "
            + "datagrams over the group")]
    [Expect(Os.Windows, OneOfThem + " | spread over both",
        MicrosoftReuseTables + ": on Windows ReuseAddress is SO_REUSEADDR, and who receives is \"indeterminate\"")]
    [Expect(Os.MacOS, OneOfThem, "Sources disagree on which socket: " + XnuUdpUsrreq + ", udp_input() gives a unicast datagram to one PCB")]
    public void Managed()
    {
        using var first = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        first.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        first.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var second = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        second.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        second.Bind(first.LocalEndPoint!);

        var (value, detail) = Deliveries.Unicast(first, second, 40);
        ObserveValue(value, detail);
    }
}

[Claim("udp-connected-socket-gets-its-peer", "who-receives",
    "Of two UDP sockets sharing 127.0.0.1:P, one that has connected to a peer gets exactly that peer's datagrams, and "
        + "the unconnected one gets the rest (Linux 6.18; older kernels were reported to mix them).")]
public sealed class Udp_connected_socket_gets_its_peer(ITestOutputHelper output) : ClaimTest(output)
{
    private const string Own = "each got its own 10";

    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, Own,
        LinuxUdp + ", compute_score(): +4 for a matching connected peer address and +4 for its port, so the connected "
            + "socket wins its peer's datagrams; with SO_REUSEADDR both sockets may bind (" + UdpMan + ")")]
    [Expect(Os.Windows, Own + " | mixed",
        "Unverified: " + MicrosoftReuseTables + " calls delivery among SO_REUSEADDR sockets indeterminate and says "
            + "nothing of connected ones")]
    [Expect(Os.MacOS, "bind:AddressAlreadyInUse",
        XnuInPcb + ", in_pcbbind(): SO_REUSEADDR does not allow an exact duplicate of a unicast binding")]
    public void Native()
    {
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        using var first = NativeSocket.Open(Transport.Udp, Loopback);
        first.Set(NativeOption.ReuseAddress).OrThrow("SO_REUSEADDR on the first socket");
        first.Bind(Loopback, 0).OrThrow("The first bind");
        using var second = NativeSocket.Open(Transport.Udp, Loopback);
        second.Set(NativeOption.ReuseAddress).OrThrow("SO_REUSEADDR on the second socket");
        var bound = second.Bind(first.LocalEndPoint);
        if (!bound.Succeeded)
        {
            Observe(bound);
            return;
        }

        using var connected = first.ToSocket();
        using var unconnected = second.ToSocket();
        connected.Connect(peer.LocalEndPoint!);
        var (value, detail) = Deliveries.ConnectedAndNot(peer, connected, unconnected);
        ObserveValue(value, detail);
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, Own,
        LinuxUdp + ", compute_score() and reuseport_has_conns(): a group with a connected member falls back to "
            + "scoring, which favours the connected socket for its peer; dotnet/runtime#30782 reported mixing on older "
            + "kernels")]
    [Expect(Os.Windows, Own + " | mixed", "Unverified: Windows documents no rule for connected sockets among SO_REUSEADDR sharers")]
    [Expect(Os.MacOS, Own,
        XnuUdpUsrreq + ", udp_input(): in_pcblookup_hash() matches the connected PCB's full 4-tuple before the "
            + "wildcard-foreign one; .NET's ReuseAddress sets the SO_REUSEPORT that lets both bind")]
    public void Managed()
    {
        using var peer = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));

        using var connected = new UdpClient();
        connected.Client.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        connected.Client.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var unconnected = new UdpClient();
        unconnected.Client.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        unconnected.Client.Bind(connected.Client.LocalEndPoint!);

        connected.Connect((IPEndPoint)peer.Client.LocalEndPoint!);
        var (value, detail) = Deliveries.ConnectedAndNot(peer.Client, connected.Client, unconnected.Client);
        ObserveValue(value, detail);
    }
}

[Claim("multicast-reaches-every-socket", "who-receives",
    "A multicast datagram goes to every socket that shares the port and joined the group, not to one of them as unicast does.")]
public sealed class Multicast_reaches_every_socket(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "each socket got 5",
        LinuxUdp + ", __udp4_lib_mcast_deliver() clones the datagram to every matching socket; " + IpMan
            + ", IP_ADD_MEMBERSHIP")]
    [Expect(Os.Windows, "each socket got 5", MicrosoftMulticast)]
    [Expect(Os.MacOS, "bind:AddressAlreadyInUse",
        XnuInPcb + ", in_pcbbind(): on 0.0.0.0 SO_REUSEADDR allows no exact duplicate (it stands in for SO_REUSEPORT "
            + "only when the bound address is a multicast group)")]
    [Needs(Capability.LoopbackMulticast)]
    public void Native()
    {
        using var first = NativeSocket.Open(Transport.Udp, Any);
        first.Set(NativeOption.ReuseAddress).OrThrow("SO_REUSEADDR on the first socket");
        first.Bind(Any, 0).OrThrow("The first bind");
        using var second = NativeSocket.Open(Transport.Udp, Any);
        second.Set(NativeOption.ReuseAddress).OrThrow("SO_REUSEADDR on the second socket");
        var bound = second.Bind(first.LocalEndPoint);
        if (!bound.Succeeded)
        {
            Observe(bound);
            return;
        }

        using var a = first.ToSocket();
        using var b = second.ToSocket();
        var group = new MulticastOption(LoopbackMulticast.Group, IPAddress.Loopback);
        a.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, group);
        b.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, group);

        using var sender = LoopbackMulticast.Sender();
        Datagrams.Send(sender, new IPEndPoint(LoopbackMulticast.Group, ((IPEndPoint)a.LocalEndPoint!).Port), 5);
        ObserveValue(Deliveries.Each([a, b], 5));
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "each socket got 5", LinuxUdp + ", __udp4_lib_mcast_deliver() delivers to every matching socket")]
    [Expect(Os.Windows, "each socket got 5", MicrosoftMulticast)]
    [Expect(Os.MacOS, "each socket got 5",
        XnuUdpUsrreq + ", udp_input(): \"Deliver a multicast or broadcast datagram to *all* sockets for which the "
            + "local and remote addresses and ports match\"; .NET's ReuseAddress sets SO_REUSEPORT, which lets both "
            + "bind")]
    [Needs(Capability.LoopbackMulticast)]
    public void Managed()
    {
        using var first = new UdpClient();
        first.Client.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        first.Client.Bind(new IPEndPoint(IPAddress.Any, 0));
        using var second = new UdpClient();
        second.Client.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        second.Client.Bind(first.Client.LocalEndPoint!);
        first.JoinMulticastGroup(LoopbackMulticast.Group, IPAddress.Loopback);
        second.JoinMulticastGroup(LoopbackMulticast.Group, IPAddress.Loopback);

        using var sender = LoopbackMulticast.Sender();
        Datagrams.Send(sender, new IPEndPoint(LoopbackMulticast.Group, ((IPEndPoint)first.Client.LocalEndPoint!).Port), 5);
        ObserveValue(Deliveries.Each([first.Client, second.Client], 5));
    }
}

[Claim("broadcast-reaches-every-socket", "who-receives",
    "A broadcast datagram (here to 127.255.255.255, with SO_BROADCAST on the sender) goes to every socket that shares "
        + "the port on the wildcard address.")]
public sealed class Broadcast_reaches_every_socket(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "each socket got 5",
        LinuxUdp + ", __udp4_lib_rcv() hands RTCF_BROADCAST datagrams to __udp4_lib_mcast_deliver(), which delivers to "
            + "every matching socket; " + IpMan + ": sending to a broadcast address needs SO_BROADCAST")]
    [Expect(Os.Windows, "each socket got 5",
        "Stevens, UNIX Network Programming (via the h2o PR #2264 quote): every incoming broadcast datagram to a shared "
            + "port goes to all sockets; unverified on Windows")]
    [Expect(Os.MacOS, "bind:AddressAlreadyInUse",
        XnuInPcb + ", in_pcbbind(): SO_REUSEADDR allows no exact duplicate of 0.0.0.0:P without SO_REUSEPORT on both")]
    [Needs(Capability.LoopbackBroadcast)]
    public void Native()
    {
        using var first = NativeSocket.Open(Transport.Udp, Any);
        first.Set(NativeOption.ReuseAddress).OrThrow("SO_REUSEADDR on the first socket");
        first.Bind(Any, 0).OrThrow("The first bind");
        using var second = NativeSocket.Open(Transport.Udp, Any);
        second.Set(NativeOption.ReuseAddress).OrThrow("SO_REUSEADDR on the second socket");
        var bound = second.Bind(first.LocalEndPoint);
        if (!bound.Succeeded)
        {
            Observe(bound);
            return;
        }

        using var a = first.ToSocket();
        using var b = second.ToSocket();
        using var sender = LoopbackBroadcast.Sender();
        Datagrams.Send(sender, new IPEndPoint(LoopbackBroadcast.Address, ((IPEndPoint)a.LocalEndPoint!).Port), 5);
        ObserveValue(Deliveries.Each([a, b], 5));
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "each socket got 5", LinuxUdp + ", __udp4_lib_mcast_deliver() delivers a broadcast to every matching socket")]
    [Expect(Os.Windows, "each socket got 5",
        "Stevens, UNIX Network Programming (via the h2o PR #2264 quote): broadcast goes to all sockets on a shared "
            + "port; unverified on Windows")]
    [Expect(Os.MacOS, "each socket got 5",
        XnuUdpUsrreq + ", udp_input(): multicast and broadcast go to *all* matching sockets; .NET's ReuseAddress sets "
            + "SO_REUSEPORT, which lets both bind")]
    [Needs(Capability.LoopbackBroadcast)]
    public void Managed()
    {
        using var first = new UdpClient();
        first.Client.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        first.Client.Bind(new IPEndPoint(IPAddress.Any, 0));
        using var second = new UdpClient();
        second.Client.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        second.Client.Bind(first.Client.LocalEndPoint!);

        using var sender = LoopbackBroadcast.Sender();
        Datagrams.Send(sender, new IPEndPoint(LoopbackBroadcast.Address, ((IPEndPoint)first.Client.LocalEndPoint!).Port), 5);
        ObserveValue(Deliveries.Each([first.Client, second.Client], 5));
    }
}

/// <summary>How the who-receives claims count what arrived and put it into words.</summary>
internal static class Deliveries
{
    /// <summary>
    /// Sends datagrams from new ports to the port two sharers hold, and says which one got everything, or that both got
    /// some.
    /// </summary>
    public static (string Value, string Detail) Unicast(Socket first, Socket second, int sent)
    {
        Datagrams.SendFromNewPorts((IPEndPoint)first.LocalEndPoint!, sent);
        var got = Datagrams.Receive([first, second], sent);
        var value = (got[0].Count, got[1].Count) switch
        {
            (0, var last) when last == sent => $"the last bound got all {sent}",
            (var earlier, 0) when earlier == sent => $"the first bound got all {sent}",
            var (earlier, last) when earlier > 0 && last > 0 && earlier + last == sent => "spread over both",
            var (earlier, last) => $"{earlier + last} of {sent} arrived",
        };
        return (value, Datagrams.Counts(got, "first", "second"));
    }

    /// <summary>
    /// Sends 20 datagrams to 127.0.0.1 on the port two sockets share (one on 127.0.0.1, one on 0.0.0.0) and says which
    /// got them.
    /// </summary>
    public static string Specific(Socket a, Socket b)
    {
        var shared = (IPEndPoint)a.LocalEndPoint!;
        Datagrams.SendFromNewPorts(new IPEndPoint(IPAddress.Loopback, shared.Port), 20);
        var got = Datagrams.Receive([a, b], 20);
        var loopback = got[IPAddress.IsLoopback(shared.Address) ? 0 : 1].Count;
        var wildcard = got.Sum(g => g.Count) - loopback;
        return loopback == 20 && wildcard == 0 ? "127.0.0.1 got all 20" : $"127.0.0.1 got {loopback}, 0.0.0.0 got {wildcard}";
    }

    /// <summary>
    /// Sends 10 datagrams from the connected socket's peer and 10 from other ports, and says whether each socket got
    /// exactly its own.
    /// </summary>
    public static (string Value, string Detail) ConnectedAndNot(Socket peer, Socket connected, Socket unconnected)
    {
        var target = (IPEndPoint)connected.LocalEndPoint!;
        Datagrams.Send(peer, target, 10);
        Datagrams.SendFromNewPorts(target, 10);
        var got = Datagrams.Receive([connected, unconnected], 20);
        var fromPeer = got.Select(g => g.Count(from => from.Equals(peer.LocalEndPoint))).ToArray();
        var detail = $"connected got {got[0].Count} ({fromPeer[0]} from its peer), "
            + $"unconnected got {got[1].Count} ({fromPeer[1]} from the peer)";
        var own = got[0].Count == 10 && fromPeer[0] == 10 && got[1].Count == 10 && fromPeer[1] == 0;
        return (own ? "each got its own 10" : "mixed", detail);
    }

    /// <summary>
    /// For multicast and broadcast, once <paramref name="sent"/> datagrams are on their way: whether every socket got
    /// every one.
    /// </summary>
    public static string Each(IReadOnlyList<Socket> receivers, int sent)
    {
        var got = Datagrams.Receive(receivers, receivers.Count * sent);
        return got.All(g => g.Count == sent)
            ? $"each socket got {sent}"
            : string.Join(", ", got.Select((g, i) => $"socket {i + 1} got {g.Count}"));
    }
}
