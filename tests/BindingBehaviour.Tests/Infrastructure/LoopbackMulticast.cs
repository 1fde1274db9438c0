using System.Net;
using System.Net.Sockets;

namespace BindingBehaviour.Tests.Infrastructure;

/// <summary>
/// Multicast kept on this machine: the sender leaves through the loopback interface (IP_MULTICAST_IF 127.0.0.1) with TTL 0,
/// receivers join the group on the loopback interface. Tried once: a datagram must really loop back, or the claims skip.
/// </summary>
public static class LoopbackMulticast
{
    /// <summary>An organisation-local group (RFC 2365), used on loopback only.</summary>
    public static readonly IPAddress Group = IPAddress.Parse("239.255.66.99");

    private static readonly Lazy<string?> Missing = new(() => LoopbackDelivery.Missing(
        "no multicast route on loopback", Group, Sender, "did not loop back", Join));

    public static string? MissingCapability => Missing.Value;

    /// <summary>Joins the group on the loopback interface.</summary>
    private static void Join(Socket receiver) =>
        receiver.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(Group, IPAddress.Loopback));

    public static Socket Sender()
    {
        var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        sender.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, IPAddress.Loopback.GetAddressBytes());
        sender.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, 0);
        sender.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastLoopback, true);
        sender.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return sender;
    }
}
