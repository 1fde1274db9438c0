namespace BindingBehaviour;

/// <summary>
/// More sources the address and reuse-option claims cite, written once so a citation reads the same everywhere.
/// Kept beside <see cref="Sources"/> rather than in it, so that claims of other topics can grow that file freely.
/// </summary>
public static class Citations
{
    public const string SocketMan = "socket(7)";
    public const string IpMan = "ip(7)";
    public const string Ipv6Man = "ipv6(7)";
    public const string LinuxAfInet = "Linux net/ipv4/af_inet.c";
    public const string LinuxAfInet6 = "Linux net/ipv6/af_inet6.c";
    public const string LinuxBindWildcard = "Linux tools/testing/selftests/net/bind_wildcard.c";
    public const string XnuIn6Pcb = "XNU bsd/netinet6/in6_pcb.c";
    public const string XnuTcpUsrreq = "XNU bsd/netinet/tcp_usrreq.c";
    public const string XnuUdpUsrreq = "XNU bsd/netinet/udp_usrreq.c";
    public const string MicrosoftDualStack = "Microsoft Learn, \"Dual-Stack Sockets for IPv6 Winsock Applications\"";
    public const string MicrosoftBind = "Microsoft Learn, Winsock bind function";
    public const string DotNetSocket = "dotnet/runtime src/libraries/System.Net.Sockets/src/System/Net/Sockets/Socket.cs";
    public const string DotNetSafeSocketHandleUnix = "dotnet/runtime src/libraries/System.Net.Sockets/src/System/Net/Sockets/SafeSocketHandle.Unix.cs, InnerSafeCloseSocket.CreateSocket";
    public const string GoListenTest = "golang/go src/net/listen_test.go, dualStackTCPListenerTests";
    public const string NoReusePortOnWindows = "Winsock has no SO_REUSEPORT: winsock2.h defines SO_REUSEADDR and SO_EXCLUSIVEADDRUSE only, and " + Sources.MicrosoftReuseTables + " names no other way to share a port";
    public const string NoExclusiveAddressUse = "SO_EXCLUSIVEADDRUSE is a Winsock option (winsock2.h: ~SO_REUSEADDR); Linux socket(7) and XNU bsd/sys/socket.h have no such option";
}
