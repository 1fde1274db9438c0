using System.Net;
using System.Net.Sockets;

namespace BindingBehaviour.Tests.Infrastructure;

/// <summary>
/// Sends real traffic over loopback to a port that several sockets share, and tells which of them got it.
/// The answer is a word, never a split: a kernel that balances gives every socket a share, one that does not gives
/// one socket everything. Nothing is sent anywhere but the loopback address the sockets are bound to.
/// </summary>
public static class LoadSpread
{
    public const string EverySocket = "every socket";
    public const string OneSocket = "one socket";

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Sends <paramref name="count"/> datagrams to <paramref name="target"/>, each from its own source port (or all
    /// from one), and counts what each receiver got.
    /// </summary>
    public static (string Value, string Detail) Datagrams(IReadOnlyList<Socket> receivers, IPEndPoint target, int count, bool fromOneSourcePort)
    {
        var senders = new List<Socket>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                if (i == 0 || !fromOneSourcePort)
                {
                    var sender = new Socket(target.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                    sender.Bind(new IPEndPoint(target.Address, 0));
                    senders.Add(sender);
                }

                senders[^1].SendTo([(byte)i], target);
            }

            var buffer = new byte[16];
            return Describe(Arrivals.Take(receivers, count, Patience, i => receivers[i].Receive(buffer)), count);
        }
        finally
        {
            senders.ForEach(s => s.Dispose());
        }
    }

    /// <summary>Opens <paramref name="count"/> connections to <paramref name="target"/>, each from a new source port, and counts what each listener accepted.</summary>
    public static (string Value, string Detail) Connections(IReadOnlyList<Socket> listeners, IPEndPoint target, int count)
    {
        var sockets = new List<Socket>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var client = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                sockets.Add(client);
                client.Connect(target);
            }

            return Describe(Arrivals.Take(listeners, count, Patience, i => sockets.Add(listeners[i].Accept())), count);
        }
        finally
        {
            // Linger 0 closes with a reset: no TIME_WAIT is left behind on the shared port or the clients' ports.
            foreach (var socket in sockets)
            {
                socket.LingerState = new LingerOption(true, 0);
                socket.Dispose();
            }
        }
    }

    private static (string Value, string Detail) Describe(int[] counts, int sent)
    {
        var arrived = counts.Sum();
        var value = arrived != sent ? $"{arrived} of {sent} arrived"
            : counts.All(c => c > 0) ? EverySocket
            : counts.Count(c => c > 0) == 1 ? OneSocket
            : "some sockets";
        return (value, $"{sent} sent, received {string.Join(" / ", counts)}");
    }
}
