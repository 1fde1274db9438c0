using System.Net;
using System.Net.Sockets;

namespace BindingBehaviour.Tests.Infrastructure;

/// <summary>
/// The check behind <see cref="LoopbackMulticast"/> and <see cref="LoopbackBroadcast"/>: does one datagram really arrive?
/// </summary>
public static class LoopbackDelivery
{
    /// <summary>
    /// Sends one datagram from a new sender to <paramref name="address"/> on the port of a receiver bound to 0.0.0.0
    /// (and <paramref name="prepared"/>); null when it arrived, otherwise why the claims must skip.
    /// </summary>
    public static string? Missing(
        string reason, IPAddress address, Func<Socket> newSender, string notArrived, Action<Socket>? prepared = null)
    {
        try
        {
            using var receiver = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            receiver.Bind(new IPEndPoint(IPAddress.Any, 0));
            prepared?.Invoke(receiver);
            using var sender = newSender();
            sender.SendTo([0], new IPEndPoint(address, ((IPEndPoint)receiver.LocalEndPoint!).Port));
            return Datagrams.Receive([receiver], 1)[0].Count == 1 ? null : $"{reason}: a datagram sent to {address} {notArrived}";
        }
        catch (SocketException e)
        {
            return $"{reason}: {e.SocketErrorCode}";
        }
    }
}
