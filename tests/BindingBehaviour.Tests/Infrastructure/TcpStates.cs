using System.Diagnostics;
using System.Net;
using System.Net.NetworkInformation;

namespace BindingBehaviour.Tests.Infrastructure;

/// <summary>
/// Reads the OS's own list of TCP connections (IPGlobalProperties: /proc/net/tcp on Linux, the pcblist sysctl on
/// macOS, GetTcpTable2 on Windows), to see which end of a closed connection lingers and in which state.
/// </summary>
public static class TcpStates
{
    public const string None = "none";

    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(2);

    /// <summary>The state of the connection from <paramref name="local"/> to <paramref name="remote"/>, or "none" when the OS lists none.</summary>
    public static string Of(IPEndPoint local, IPEndPoint remote) =>
        IPGlobalProperties.GetIPGlobalProperties().GetActiveTcpConnections()
            .Where(c => Plain(c.LocalEndPoint).Equals(Plain(local)) && Plain(c.RemoteEndPoint).Equals(Plain(remote)))
            .Select(c => c.State.ToString())
            .DefaultIfEmpty(None)
            .First();

    // A dual-mode socket (new TcpClient()) sees IPv4 peers as ::ffff:a.b.c.d; the OS lists the same connection either way.
    private static IPEndPoint Plain(IPEndPoint endPoint) =>
        endPoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port) : endPoint;

    /// <summary>Polls until the condition holds or the patience runs out; returns whether it held. Closing over loopback settles in microseconds.</summary>
    public static bool WaitUntil(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > Patience)
            {
                return false;
            }

            Thread.Sleep(5);
        }

        return true;
    }
}
