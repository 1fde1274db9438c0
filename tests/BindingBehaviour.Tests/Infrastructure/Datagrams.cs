using System.Net;
using System.Net.Sockets;

namespace BindingBehaviour.Tests.Infrastructure;

/// <summary>
/// Sends datagrams over loopback and counts who received them. Receiving waits (<see cref="Arrivals"/>) until every
/// expected datagram has arrived or <see cref="Patience"/> has passed, so a claim never sleeps and hopes. Nothing is
/// sent anywhere but the loopback end point the caller names.
/// </summary>
public static class Datagrams
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(2);

    /// <summary>Sends <paramref name="count"/> datagrams to a loopback end point, each from a new socket on 127.0.0.1 (so from its own source port).</summary>
    public static void SendFromNewPorts(IPEndPoint target, int count)
    {
        if (!IPAddress.IsLoopback(target.Address))
        {
            throw new ArgumentException($"Datagrams go to loopback only, not {target}.", nameof(target));
        }

        for (var i = 0; i < count; i++)
        {
            using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            sender.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            sender.SendTo([(byte)i], target);
        }
    }

    /// <summary>Sends <paramref name="count"/> datagrams from one socket to <paramref name="target"/>.</summary>
    public static void Send(Socket sender, IPEndPoint target, int count)
    {
        for (var i = 0; i < count; i++)
        {
            sender.SendTo([(byte)i], target);
        }
    }

    /// <summary>
    /// Receives on every socket until <paramref name="expected"/> datagrams have arrived in total or the patience ran out,
    /// and returns, per receiver, the source of each datagram it got.
    /// </summary>
    public static List<IPEndPoint>[] Receive(IReadOnlyList<Socket> receivers, int expected)
    {
        var got = receivers.Select(_ => new List<IPEndPoint>()).ToArray();
        var buffer = new byte[2048];
        Arrivals.Take(receivers, expected, Patience, i =>
        {
            EndPoint from = new IPEndPoint(IPAddress.Any, 0);
            receivers[i].ReceiveFrom(buffer, ref from);
            got[i].Add((IPEndPoint)from);
        });
        return got;
    }

    /// <summary>The number each receiver got, as "first=N second=M".</summary>
    public static string Counts(List<IPEndPoint>[] got, params string[] names) =>
        string.Join(' ', got.Select((g, i) => $"{names[i]}={g.Count}"));
}
