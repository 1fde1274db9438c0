namespace BindingBehaviour;

/// <summary>Addresses of the sources claims cite most, so a citation is written once and reads the same everywhere.</summary>
public static class Sources
{
    public const string LinuxUdp = "Linux net/ipv4/udp.c";
    public const string LinuxInetConnectionSock = "Linux net/ipv4/inet_connection_sock.c";
    public const string MicrosoftReuseTables = "Microsoft Learn, \"Using SO_REUSEADDR and SO_EXCLUSIVEADDRUSE\"";
    public const string XnuInPcb = "XNU bsd/netinet/in_pcb.c";
    public const string DotNetPal = "dotnet/runtime src/native/libs/System.Native/pal_networking.c";
}
