using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using static BindingBehaviour.Sources;

namespace BindingBehaviour.Tests.Recipes;

// The recipes: one method per task, in plain .NET (no helper of this project), so that the body the docs show is code
// a reader can copy. Each step names the claims that show it holds; RecipeTests run every method on this machine.

public static class Recipes
{
    [Recipe("restart-without-waiting-for-time-wait", 1, "Restart a server without waiting for TIME_WAIT",
        "My server was stopped and started again, and for a minute or so its bind fails with \"address already in use\".")]
    [RecipeStep(1,
        "A server that closes its connections first leaves them in TIME_WAIT on its own port (60 s on Linux, 2 MSL "
            + "elsewhere); when the clients close first, nothing is left on the server's port.",
        "time-wait-on-the-closing-side", "restart-after-client-closed-first")]
    [RecipeStep(2,
        "Without SO_REUSEADDR a new listener is refused there while those entries last, and while a connection the old "
            + "listener accepted is still open (Linux, macOS).",
        "restart-after-server-closed-first", "restart-while-a-connection-is-open")]
    [RecipeStep(3,
        "With SO_REUSEADDR on the old and on the new listener the restart passes them on every OS; on Linux the old "
            + "listener must have had it too.",
        "restart-with-reuseaddr-on-both-listeners", "restart-needs-reuseaddr-on-the-old-listener")]
    [RecipeStep(4,
        ".NET turns SO_REUSEADDR on inside every Bind of a ProtocolType.Tcp socket on Linux and macOS, so a plain "
            + "Socket or TcpListener restarts at once; Windows allows that bind anyway.",
        "dotnet-tcp-bind-sets-reuseaddr", "restart-after-server-closed-first")]
    [RecipeStep(5,
        "Do not set SocketOptionName.ReuseAddress for this: on Linux and macOS it sets SO_REUSEPORT too, which lets a "
            + "second server listen on the same port.",
        "dotnet-reuseaddress-sets-two-options", "reuseport-on-both")]
    [RecipeNote(Os.Linux,
        "Natively (P/Invoke, or a stream socket created with ProtocolType.IP, which .NET does not treat as TCP) set "
            + "SO_REUSEADDR yourself, before bind, on every listener: the new one alone does not pass the TIME_WAIT "
            + "the old one left.",
        LinuxInetConnectionSock + ", inet_bind_conflict(); " + LinuxBindTimewait)]
    [RecipeNote(Os.MacOS,
        "Natively, SO_REUSEADDR on the new listener is enough: XNU's in_pcbbind() looks only at the socket being bound.",
        XnuInPcb + ", in_pcbbind()")]
    [RecipeNote(Os.Windows,
        "Leave SO_REUSEADDR off: on Windows it does not mean \"pass TIME_WAIT\" but \"let me share a port someone "
            + "holds\", and it lets other sockets take yours (see the Windows recipe).",
        MicrosoftReuseTables)]
    public static Socket ListenAgain(IPEndPoint address)
    {
        // ProtocolType.Tcp: on Linux and macOS .NET sets SO_REUSEADDR inside Bind, which passes the TIME_WAIT entries
        // the previous run left; Windows binds over them anyway. new TcpListener(address).Start() does the same.
        var listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(address);
            listener.Listen();
            return listener;
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    [Recipe("workers-on-one-port", 2, "Run several worker processes on one port",
        "I want several processes to accept the connections to one port, to use every core.")]
    [RecipeStep(1, "Without an option a second listener on the port is refused, on every OS and in .NET too.",
        "tcp-twice-first-listening", "two-wildcards")]
    [RecipeStep(2,
        "On Linux, SO_REUSEPORT on every listener lets them all listen on the port, and Linux spreads new connections "
            + "over them.",
        "reuseport-on-both", "reuseport-spreads-tcp-connections")]
    [RecipeStep(3,
        "Every listener must set it, the first one too, and only processes of the same user join; .NET's ReuseAddress "
            + "also sets SO_REUSEADDR, which on Linux lets other users share a UDP port, so the raw option is set "
            + "alone.",
        "reuseport-only-on-the-newcomer", "reuseport-not-across-users", "dotnet-reuseaddress-sets-two-options")]
    [RecipeStep(4,
        "macOS lets a SO_REUSEPORT group listen but hands every connection to one of them, and Windows has no "
            + "SO_REUSEPORT (its SO_REUSEADDR lets a newcomer take the port over): there the workers share one "
            + "listening socket.",
        "reuseport-spreads-tcp-connections", "windows-reuseaddr-second-listener")]
    [RecipeNote(Os.Linux,
        "The group spreads connections by a hash of their addresses and ports; a worker that exits takes the "
            + "connections waiting in its own accept queue with it.",
        "Linux net/core/sock_reuseport.c, reuseport_select_sock(); " + SocketMan + ", SO_REUSEPORT")]
    [RecipeNote(Os.MacOS,
        "Share the first worker's socket: accept on it from several threads, or hand the descriptor to child processes "
            + "(SCM_RIGHTS over a Unix domain socket).",
        XnuInPcb + ", in_pcblookup_hash() returns the first listener that matches; unix(4), SCM_RIGHTS")]
    [RecipeNote(Os.Windows,
        "Hand the one listener to worker processes: listener.DuplicateAndClose(workerProcessId) in the parent, new "
            + "Socket(socketInformation) in the worker, which then calls Accept on it.",
        "Microsoft Learn, Socket.DuplicateAndClose(Int32): "
            + "https://learn.microsoft.com/dotnet/api/system.net.sockets.socket.duplicateandclose")]
    public static Socket ListenerForWorker(IPEndPoint address, Socket? firstWorkersListener)
    {
        if (!OperatingSystem.IsLinux() && firstWorkersListener is not null)
        {
            // No spreading SO_REUSEPORT here: the workers accept from the first worker's listening socket.
            return firstWorkersListener;
        }

        var listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (OperatingSystem.IsLinux())
            {
                // SO_REUSEPORT (level SOL_SOCKET = 1, option 15) alone, before Bind, on every worker's listener.
                listener.SetRawSocketOption(1, 15, BitConverter.GetBytes(1));
            }

            listener.Bind(address);
            listener.Listen();
            return listener;
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    [Recipe("keep-my-port-on-windows", 3, "Stop another program from taking my port on Windows",
        "On Windows another process bound my port and now receives my traffic, or I want to make sure none can.")]
    [RecipeStep(1,
        "On Windows a socket with SO_REUSEADDR can bind a port that a socket with SO_REUSEADDR already holds, a "
            + "listening one too (port stealing); Linux and macOS refuse it.",
        "windows-reuseaddr-second-listener")]
    [RecipeStep(2,
        "Since Windows Server 2003 a socket that did not set SO_REUSEADDR is safe from that (the newcomer gets access "
            + "denied), but Windows still lets a specific address in beside a wildcard one.",
        "windows-enhanced-socket-security", "access-denied-versus-in-use", "udp-wildcard-then-loopback")]
    [RecipeStep(3,
        "SO_EXCLUSIVEADDRUSE (ExclusiveAddressUse = true, set before Bind) keeps every other socket off the port, a "
            + "specific address too; their bind is refused as access denied.",
        "exclusiveaddruse-blocks-a-specific-bind", "dotnet-exclusiveaddressuse-before-bind-only")]
    [RecipeStep(4, "It cannot be combined with SO_REUSEADDR (WSAEINVAL), so set only this one.",
        "exclusiveaddruse-with-reuseaddr")]
    [RecipeStep(5, "On Linux and macOS no option is needed: a listener cannot be joined unless it set SO_REUSEPORT itself.",
        "reuseport-only-on-the-newcomer", "tcp-twice-first-listening")]
    [RecipeNote(Os.Windows,
        "A service that must never be hijacked sets SO_EXCLUSIVEADDRUSE on every socket, UDP ones too; its restart "
            + "then waits for connections that are still closing.",
        MicrosoftReuseTables)]
    public static Socket ListenExclusively(IPEndPoint address)
    {
        var listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (OperatingSystem.IsWindows())
            {
                // SO_EXCLUSIVEADDRUSE, before Bind: no other socket may bind this port, with or without SO_REUSEADDR.
                listener.ExclusiveAddressUse = true;
            }

            listener.Bind(address);
            listener.Listen();
            return listener;
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    [Recipe("one-socket-for-ipv4-and-ipv6", 4, "One socket for IPv4 and IPv6",
        "I want one listener that IPv4 and IPv6 clients both reach.")]
    [RecipeStep(1,
        "An IPv6 socket's IPV6_V6ONLY default differs by OS (on on Windows, off on macOS, net.ipv6.bindv6only on "
            + "Linux), but .NET turns it on for every IPv6 socket it creates.",
        "ipv6-only-default", "dotnet-ipv6-sockets-start-v6only")]
    [RecipeStep(2,
        "So ask for dual mode, before Bind: DualMode = true turns IPV6_V6ONLY off, and [::]:P then holds 0.0.0.0:P "
            + "too, on every OS.",
        "dual-stack-any-then-ipv4-any", "dotnet-socket-without-family-is-dual-mode")]
    [RecipeStep(3, "It needs the IPv4 port free as well: beside an IPv4 listener on 0.0.0.0:P its bind is refused.",
        "ipv4-any-then-dual-stack-any", "tcplistener-create-is-dual-mode")]
    [RecipeStep(4,
        "Bind IPAddress.IPv6Any, not IPAddress.Any: a dual-mode socket bound to IPAddress.Any is bound to "
            + "[::ffff:0.0.0.0] and serves IPv4 only.",
        "v4-mapped-any-is-ipv4-any", "v4-mapped-any-leaves-ipv6-free")]
    [RecipeNote(Os.Linux,
        "Where IPv6 is switched off (ipv6.disable=1, some containers) no IPv6 socket can be created; "
            + "Socket.OSSupportsIPv6 says so, and IPAddress.Any is the fallback.",
        Ipv6Man)]
    [RecipeNote(Os.Windows, "IPv4 clients appear with v4-mapped addresses (::ffff:a.b.c.d), as everywhere.", MicrosoftDualStack)]
    public static Socket ListenOnIpv4AndIpv6(int port)
    {
        // TcpListener.Create(port) does the same.
        var listener = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // .NET makes every IPv6 socket IPv6-only; DualMode = true clears IPV6_V6ONLY, and must come before Bind.
            listener.DualMode = true;
            listener.Bind(new IPEndPoint(IPAddress.IPv6Any, port));
            listener.Listen();
            return listener;
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    [Recipe("parallel-tests-without-port-clashes", 5, "Parallel tests without port clashes",
        "My tests start servers in parallel, and now and then one fails with \"address already in use\".")]
    [RecipeStep(1,
        "Bind port 0 and read the port back: the OS picks a free port from its ephemeral range inside the bind itself, "
            + "so two tests never get the same one. The range is the OS's own, not 1024-65535.",
        "ephemeral-range-per-os", "linux-bind-odd-connect-even")]
    [RecipeStep(2,
        "Never pick a \"free\" port, close it and bind it later: until it is bound again anyone may take it, and "
            + "connections made without a bind take ephemeral ports too.",
        "implicit-bind-on-sendto-and-connect", "connect-shares-a-local-port")]
    [RecipeStep(3,
        "TCP and UDP hand out ports independently: for one number on both, bind the second protocol to the port the "
            + "first got, and start again with port 0 if that is taken.",
        "tcp-and-udp-get-one-ephemeral-number", "tcp-and-udp-share-a-port")]
    [RecipeStep(4, "Port 0 can run out; the refusal is then address in use too.",
        "per-socket-port-range-exhausted", "local-port-range-of-one-port-runs-out")]
    [RecipeNote(Os.Windows,
        "The range is netsh int ipv4 show dynamicport tcp (49152-65535 by default).",
        "Microsoft Learn, \"The default dynamic port range for TCP/IP has changed\"")]
    [RecipeNote(Os.Linux, "The range is net.ipv4.ip_local_port_range (32768-60999 by default), per network namespace.", IpSysctl)]
    public static TcpListener StartOnAFreePort()
    {
        // Port 0: the OS picks a free port inside Start's bind; LocalEndpoint tells which.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return listener;
    }

    [Recipe("see-who-holds-a-port", 6, "See who holds a port",
        "A bind failed with \"address already in use\": which socket holds the port, and which process?")]
    [RecipeStep(1, "The OS keeps a table per protocol: look in the one of your socket (a UDP socket never blocks a TCP bind).",
        "protocol-tables-shown-apart", "tcp-and-udp-share-a-port")]
    [RecipeStep(2,
        "A port can be held without a listener: by TIME_WAIT entries your own last run left, or by a connection the "
            + "old listener accepted.",
        "time-wait-on-the-closing-side", "restart-while-a-connection-is-open")]
    [RecipeStep(3,
        "A wildcard or dual-stack socket holds the port for every address and for IPv4 too: look at every address on "
            + "the port, not only the one you bind.",
        "tcp-wildcard-then-loopback", "dual-stack-any-then-ipv4-any")]
    [RecipeStep(4,
        "Or let this repository's probe try the very bind you want, list every socket on the port with its process and "
            + "user, and say which conflict refuses it and why: probe doctor tcp|udp ADDRESS:PORT [+OPTION ...] "
            + "[listen] [--layer native|managed] [--json], for instance dotnet run --project "
            + "tools/BindingBehaviour.Probe -- doctor tcp 127.0.0.1:8080 listen. With --layer managed it answers for "
            + ".NET, which on Linux refuses a second TCP socket at Listen rather than at Bind.",
        "tcp-twice-same-address")]
    [RecipeNote(Os.Linux,
        "With the process: ss -tanp 'sport = :PORT' and ss -uanp 'sport = :PORT' (as root to see other users' "
            + "processes), or lsof -nP -i :PORT.",
        "ss(8): https://man7.org/linux/man-pages/man8/ss.8.html; lsof(8)")]
    [RecipeNote(Os.MacOS, "With the process: lsof -nP -iTCP:PORT and lsof -nP -iUDP:PORT, or netstat -anv -p tcp.", "lsof(8); netstat(1)")]
    [RecipeNote(Os.Windows,
        "With the process: netstat -ano | findstr :PORT (the last column is the process id), or Get-NetTCPConnection "
            + "-LocalPort PORT and Get-NetUDPEndpoint -LocalPort PORT (OwningProcess).",
        "Microsoft Learn, netstat: https://learn.microsoft.com/windows-server/administration/windows-commands/netstat; "
            + "Get-NetTCPConnection: https://learn.microsoft.com/powershell/module/nettcpip/get-nettcpconnection")]
    public static IReadOnlyList<string> WhoHolds(int port)
    {
        // The OS's own tables (/proc/net on Linux, sysctl on macOS, the IP Helper API on Windows); no process ids.
        var tables = IPGlobalProperties.GetIPGlobalProperties();
        return
        [
            .. tables.GetActiveTcpListeners().Where(e => e.Port == port).Select(e => $"tcp {e} listening"),
            .. tables.GetActiveTcpConnections().Where(c => c.LocalEndPoint.Port == port && c.State != TcpState.Listen)
                .Select(c => $"tcp {c.LocalEndPoint} {c.State} with {c.RemoteEndPoint}"),
            .. tables.GetActiveUdpListeners().Where(e => e.Port == port).Select(e => $"udp {e}"),
        ];
    }
}
