using System.Diagnostics;
using System.Net.Sockets;

namespace BindingBehaviour;

/// <summary>
/// Counts what arrives on sockets (datagrams, or connections waiting to be accepted): waits in Socket.Select until one is
/// readable and takes one from each that is, until <c>expected</c> have arrived in all or the patience has run out. So
/// a claim or the probe never sleeps and hopes, and never waits longer than it must.
/// </summary>
public static class Arrivals
{
    /// <summary>
    /// Calls <paramref name="take"/> with a socket's index each time one of <paramref name="sockets"/> has something to
    /// take, until <paramref name="expected"/> were taken in all or <paramref name="patience"/> has passed, and returns
    /// how many each gave (one pass takes one from every readable socket, so the total may pass the expected number).
    /// </summary>
    public static int[] Take(IReadOnlyList<Socket> sockets, int expected, TimeSpan patience, Action<int> take)
    {
        var counts = new int[sockets.Count];
        var taken = 0;
        var clock = Stopwatch.StartNew();
        while (taken < expected && clock.Elapsed < patience)
        {
            var readable = sockets.ToList();
            var left = patience - clock.Elapsed;
            Socket.Select(readable, null, null, (int)Math.Clamp(left.TotalMicroseconds, 1, int.MaxValue));
            for (var i = 0; i < sockets.Count; i++)
            {
                if (readable.Contains(sockets[i]))
                {
                    take(i);
                    counts[i]++;
                    taken++;
                }
            }
        }

        return counts;
    }
}
