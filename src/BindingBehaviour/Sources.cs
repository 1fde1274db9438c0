namespace BindingBehaviour;

/// <summary>The sources claims cite, written once so that a citation reads the same everywhere.</summary>
public static class Sources
{
    public const string LinuxUdp = "Linux net/ipv4/udp.c";

    public const string LinuxInetConnectionSock = "Linux net/ipv4/inet_connection_sock.c";

    public const string MicrosoftReuseTables = "Microsoft Learn, \"Using SO_REUSEADDR and SO_EXCLUSIVEADDRUSE\"";

    public const string XnuInPcb = "XNU bsd/netinet/in_pcb.c";

    public const string DotNetPal = "dotnet/runtime src/native/libs/System.Native/pal_networking.c";

    public const string SocketMan = "socket(7)";

    public const string IpMan = "ip(7)";

    public const string Ipv6Man = "ipv6(7)";

    public const string LinuxAfInet = "Linux net/ipv4/af_inet.c";

    public const string LinuxAfInet6 = "Linux net/ipv6/af_inet6.c";

    public const string LinuxBindWildcard = "Linux tools/testing/selftests/net/bind_wildcard.c";

    public const string XnuIn6Pcb = "XNU bsd/netinet6/in6_pcb.c";

    public const string XnuTcpUsrreq = "XNU bsd/netinet/tcp_usrreq.c";

    public const string XnuUdpUsrreq = "XNU bsd/netinet/udp_usrreq.c";

    public const string WineReuseaddrTest = "wine-mirror/wine dlls/ws2_32/tests/sock.c at 3379ee2e, test_reuseaddr() (Wine's conformance test, run on real Windows by the WineHQ test bot; results/attestations.json)";

    public const string MicrosoftDualStack = "Microsoft Learn, \"Dual-Stack Sockets for IPv6 Winsock Applications\"";

    public const string MicrosoftBind = "Microsoft Learn, Winsock bind function";

    public const string DotNetSocket = "dotnet/runtime src/libraries/System.Net.Sockets/src/System/Net/Sockets/Socket.cs";

    public const string DotNetSafeSocketHandleUnix = DotNetSafeHandleUnix + ", InnerSafeCloseSocket.CreateSocket";

    public const string GoListenTest = "golang/go src/net/listen_test.go, dualStackTCPListenerTests";

    public const string NoReusePortOnWindows = "Winsock has no SO_REUSEPORT: winsock2.h defines SO_REUSEADDR and SO_EXCLUSIVEADDRUSE only, and " + MicrosoftReuseTables + " names no other way to share a port";

    public const string NoExclusiveAddressUse = "SO_EXCLUSIVEADDRUSE is a Winsock option (winsock2.h: ~SO_REUSEADDR); Linux socket(7) and XNU bsd/sys/socket.h have no such option";

    private const string DotNetSockets = "dotnet/runtime src/libraries/System.Net.Sockets/src/System/Net/Sockets/";

    public const string DotNetTcpListener = DotNetSockets + "TCPListener.cs";

    public const string DotNetUdpClient = DotNetSockets + "UDPClient.cs";

    public const string DotNetSafeHandleUnix = DotNetSockets + "SafeSocketHandle.Unix.cs";

    public const string DotNetSocketErrorPal = "dotnet/runtime src/libraries/Common/src/System/Net/Sockets/SocketErrorPal.Unix.cs";

    public const string KestrelAddressBinder = "dotnet/aspnetcore src/Servers/Kestrel/Core/src/Internal/AddressBinder.cs";

    public const string KestrelSocketListener = "dotnet/aspnetcore src/Servers/Kestrel/Transport.Sockets/src/SocketConnectionListener.cs";

    public const string KestrelTransportOptions = "dotnet/aspnetcore src/Servers/Kestrel/Transport.Sockets/src/SocketTransportOptions.cs";

    public const string TcpMan = "tcp(7)";

    public const string UdpMan = "udp(7)";

    public const string UnixMan = "unix(7)";

    public const string IpSysctl = "Linux Documentation/networking/ip-sysctl.rst";

    public const string LinuxTcpH = "Linux include/net/tcp.h";

    public const string LinuxAfUnix = "Linux net/unix/af_unix.c";

    public const string LinuxBindTimewait = "Linux tools/testing/selftests/net/bind_timewait.c";

    public const string LinuxPortRangeSelftest = "Linux tools/testing/selftests/net/ip_local_port_range.c";

    public const string Rfc9293Close = "RFC 9293 (TCP), section 3.6: the side that sends the first FIN passes through TIME-WAIT, the other through CLOSE-WAIT and LAST-ACK";

    public const string XnuIn6Proto = "XNU bsd/netinet6/in6_proto.c";

    public const string XnuUipcUsrreq = "XNU bsd/kern/uipc_usrreq.c";

    public const string MicrosoftSendTo = "Microsoft Learn, Winsock sendto function";

    public const string MicrosoftAfUnix = "Microsoft devblogs, \"AF_UNIX comes to Windows\" (2017)";

    public const string MicrosoftMulticast = "Microsoft Learn, \"Using SO_REUSEADDR and SO_EXCLUSIVEADDRUSE\": members of one multicast group on one port each get the data";

    public const string NoPrivilegedPortsOnWindows = "Winsock has no privileged ports: the bind reference lists no port-number permission, only WSAEACCES for exclusive bindings and broadcast (Microsoft Learn, Winsock bind function; hsc.fr \"Windows network services internals\")";

    public const string PortRangeIsLinuxOnly = "IP_LOCAL_PORT_RANGE is a Linux option (include/uapi/linux/in.h, Linux 6.3); XNU and Winsock have no per-socket range";

    public const string AbstractIsLinuxOnly = "unix(7): \"The abstract socket namespace is a nonportable Linux extension\"; XNU's sockaddr_un has no abstract form";

    public const string NetworkNamespacesMan = "network_namespaces(7)";

    public const string UserNamespacesMan = "user_namespaces(7)";

    public const string ConnectMan = "connect(2)";

    public const string LinuxInetHashtables = "Linux net/ipv4/inet_hashtables.c";

    public const string LinuxTcpPortShare = "Linux tools/testing/selftests/net/tcp_port_share.c";

    public const string NoNamespacesOnWindows = "Windows has no network namespaces a process can create (" + NetworkNamespacesMan + " describes a Linux facility); its settings of this kind are machine-wide, and the suite changes no machine-wide setting";

    public const string NoNamespacesOnMacOS = "XNU has no network namespaces (" + NetworkNamespacesMan + " describes a Linux facility); macOS sysctls are machine-wide, and the suite changes no machine-wide setting";

    public const string NoUserNamespaces = "Only Linux has user namespaces (" + UserNamespacesMan + ")";
}
