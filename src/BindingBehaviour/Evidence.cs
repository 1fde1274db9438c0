namespace BindingBehaviour;

/// <summary>
/// Sources the claims about .NET, restarts, ephemeral and privileged ports, datagram delivery and Unix domain sockets
/// cite, written once so a citation reads the same everywhere. Kept beside <see cref="Sources"/> so that claims of other
/// topics can grow that file freely.
/// </summary>
public static class Evidence
{
    private const string DotNetSockets = "dotnet/runtime src/libraries/System.Net.Sockets/src/System/Net/Sockets/";

    public const string DotNetSocket = DotNetSockets + "Socket.cs";
    public const string DotNetTcpListener = DotNetSockets + "TCPListener.cs";
    public const string DotNetUdpClient = DotNetSockets + "UDPClient.cs";
    public const string DotNetSafeHandleUnix = DotNetSockets + "SafeSocketHandle.Unix.cs";
    public const string DotNetSocketErrorPal = "dotnet/runtime src/libraries/Common/src/System/Net/Sockets/SocketErrorPal.Unix.cs";
    public const string KestrelAddressBinder = "dotnet/aspnetcore src/Servers/Kestrel/Core/src/Internal/AddressBinder.cs";
    public const string KestrelSocketListener = "dotnet/aspnetcore src/Servers/Kestrel/Transport.Sockets/src/SocketConnectionListener.cs";
    public const string KestrelTransportOptions = "dotnet/aspnetcore src/Servers/Kestrel/Transport.Sockets/src/SocketTransportOptions.cs";

    public const string TcpMan = "tcp(7)";
    public const string UdpMan = "udp(7)";
    public const string IpMan = "ip(7)";
    public const string Ipv6Man = "ipv6(7)";
    public const string SocketMan = "socket(7)";
    public const string UnixMan = "unix(7)";
    public const string IpSysctl = "Linux Documentation/networking/ip-sysctl.rst";
    public const string LinuxAfInet = "Linux net/ipv4/af_inet.c";
    public const string LinuxTcpH = "Linux include/net/tcp.h";
    public const string LinuxAfUnix = "Linux net/unix/af_unix.c";
    public const string LinuxBindTimewait = "Linux tools/testing/selftests/net/bind_timewait.c";
    public const string LinuxPortRangeSelftest = "Linux tools/testing/selftests/net/ip_local_port_range.c";
    public const string Rfc9293Close = "RFC 9293 (TCP), section 3.6: the side that sends the first FIN passes through TIME-WAIT, the other through CLOSE-WAIT and LAST-ACK";

    public const string XnuUdpUsrreq = "XNU bsd/netinet/udp_usrreq.c";
    public const string XnuTcpUsrreq = "XNU bsd/netinet/tcp_usrreq.c";
    public const string XnuIn6Proto = "XNU bsd/netinet6/in6_proto.c";
    public const string XnuUipcUsrreq = "XNU bsd/kern/uipc_usrreq.c";

    public const string MicrosoftBind = "Microsoft Learn, Winsock bind function";
    public const string MicrosoftSendTo = "Microsoft Learn, Winsock sendto function";
    public const string MicrosoftDualStack = "Microsoft Learn, \"Dual-Stack Sockets for IPv6 Winsock Applications\"";
    public const string MicrosoftAfUnix = "Microsoft devblogs, \"AF_UNIX comes to Windows\" (2017)";
    public const string MicrosoftMulticast = "Microsoft Learn, \"Using SO_REUSEADDR and SO_EXCLUSIVEADDRUSE\": members of one multicast group on one port each get the data";
    public const string NoPrivilegedPortsOnWindows = "Winsock has no privileged ports: the bind reference lists no port-number permission, only WSAEACCES for exclusive bindings and broadcast (Microsoft Learn, Winsock bind function; hsc.fr \"Windows network services internals\")";
    public const string NoReusePortOnWindows = "Winsock has no SO_REUSEPORT (winsock2.h defines SO_REUSEADDR and SO_EXCLUSIVEADDRUSE only)";
    public const string PortRangeIsLinuxOnly = "IP_LOCAL_PORT_RANGE is a Linux option (include/uapi/linux/in.h, Linux 6.3); XNU and Winsock have no per-socket range";
    public const string AbstractIsLinuxOnly = "unix(7): \"The abstract socket namespace is a nonportable Linux extension\"; XNU's sockaddr_un has no abstract form";
}
