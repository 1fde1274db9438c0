using System.Net;
using System.Net.Sockets;

namespace BindingBehaviour.Tests.Infrastructure;

/// <summary>Broadcast kept on this machine: to 127.255.255.255, the loopback network's broadcast address. Tried once.</summary>
public static class LoopbackBroadcast
{
    public static readonly IPAddress Address = IPAddress.Parse("127.255.255.255");

    private static readonly Lazy<string?> Missing = new(() =>
        LoopbackDelivery.Missing("no broadcast on loopback", Address, Sender, "did not arrive"));

    public static string? MissingCapability => Missing.Value;

    public static Socket Sender()
    {
        var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { EnableBroadcast = true };
        sender.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return sender;
    }
}
