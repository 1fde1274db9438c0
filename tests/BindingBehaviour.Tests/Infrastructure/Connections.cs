using System.Net;
using System.Net.Sockets;

namespace BindingBehaviour.Tests.Infrastructure;

/// <summary>Which end of a connection closes first, and so, by TCP's rules, which end lingers in TIME_WAIT.</summary>
public enum FirstToClose
{
    Server,
    Client,
}

/// <summary>
/// One real connection over loopback to a claim's listener: a client connects, the listener accepts, and the two ends
/// close in the order the claim names. Then it waits until the OS shows the connection settled (the first closer's end
/// in TIME_WAIT, the other end gone), so a claim observes a state, not a race.
/// </summary>
public static class Connections
{
    private const string TimeWait = nameof(System.Net.NetworkInformation.TcpState.TimeWait);

    /// <summary>Connects a client to the listener and accepts it; the caller owns both ends.</summary>
    public static (Socket Server, Socket Client) Open(Socket listener)
    {
        var target = (IPEndPoint)listener.LocalEndPoint!;
        var client = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(target);
        return (listener.Accept(), client);
    }

    /// <summary>Opens a connection, closes it gracefully (FIN, no RST) from <paramref name="first"/> side first, and waits until it has settled.</summary>
    public static (IPEndPoint Server, IPEndPoint Client) OpenAndClose(Socket listener, FirstToClose first)
    {
        var (server, client) = Open(listener);
        var ends = (Server: (IPEndPoint)server.LocalEndPoint!, Client: (IPEndPoint)client.LocalEndPoint!);
        var (closesFirst, closesLast) = first == FirstToClose.Server ? (server, client) : (client, server);
        closesFirst.Dispose();
        closesLast.Dispose();

        Settle(ends.Server, ends.Client);
        return ends;
    }

    /// <summary>Waits until a closed connection has settled: one end in TIME_WAIT and the other gone. Which end is left for the claim to observe.</summary>
    public static void Settle(IPEndPoint server, IPEndPoint client)
    {
        // Each state is one read of the OS's whole connection table, so every poll reads both ends once and compares.
        bool Settled()
        {
            var (serverEnd, clientEnd) = (TcpStates.Of(server, client), TcpStates.Of(client, server));
            return (serverEnd, clientEnd) is (TimeWait, TcpStates.None) or (TcpStates.None, TimeWait);
        }

        if (!TcpStates.WaitUntil(Settled))
        {
            throw new InvalidOperationException($"The connection did not settle: {Lingering(server, client)}.");
        }
    }

    /// <summary>What the OS lists for both ends of a connection: "server end X, client end Y".</summary>
    public static string Lingering(IPEndPoint server, IPEndPoint client) =>
        $"server end {TcpStates.Of(server, client)}, client end {TcpStates.Of(client, server)}";
}
