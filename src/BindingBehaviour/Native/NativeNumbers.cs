namespace BindingBehaviour.Native;

/// <summary>
/// Option, level and address-family numbers per OS. Sources: Linux include/uapi/asm-generic/socket.h and
/// include/uapi/linux/in6.h; XNU bsd/sys/socket.h and bsd/netinet6/in6.h; Windows winsock2.h / ws2ipdef.h
/// (SO_EXCLUSIVEADDRUSE is defined as ~SO_REUSEADDR).
/// </summary>
public static class NativeNumbers
{
    public const int IpProtoIpv6 = 41;
    public const int AfInet = 2;

    public static int SolSocket(Os os) => os == Os.Linux ? 1 : 0xffff;

    public static int AfInet6(Os os) => os switch
    {
        Os.Linux => 10,
        Os.MacOS => 30,
        _ => 23,
    };

    /// <summary>Whether the OS this process runs on has the option at all (SO_REUSEPORT on Windows, say, does not).</summary>
    public static bool Exists(NativeOption option) => Option(HostOs.Require(), option) is not null;

    /// <summary>The (level, name) of an option on an OS, or null when that OS has no such option.</summary>
    public static (int Level, int Name)? Option(Os os, NativeOption option) => (os, option) switch
    {
        (Os.Linux, NativeOption.ReuseAddress) => (1, 2),
        (Os.Linux, NativeOption.ReusePort) => (1, 15),
        (Os.Linux, NativeOption.V6Only) => (IpProtoIpv6, 26),
        (Os.Linux, NativeOption.FreeBind) => (0, 15), // SOL_IP, IP_FREEBIND: include/uapi/linux/in.h
        (Os.Linux, NativeOption.V6FreeBind) => (IpProtoIpv6, 78), // IPV6_FREEBIND: include/uapi/linux/in6.h
        (Os.MacOS, NativeOption.ReuseAddress) => (0xffff, 0x4),
        (Os.MacOS, NativeOption.ReusePort) => (0xffff, 0x200),
        (Os.MacOS, NativeOption.V6Only) => (IpProtoIpv6, 27),
        (Os.Windows, NativeOption.ReuseAddress) => (0xffff, 4),
        (Os.Windows, NativeOption.ExclusiveAddressUse) => (0xffff, ~4),
        (Os.Windows, NativeOption.V6Only) => (IpProtoIpv6, 27),
        (Os.Linux, NativeOption.LocalPortRange) => (0, 51), // SOL_IP, IP_LOCAL_PORT_RANGE: include/uapi/linux/in.h
        _ => null,
    };
}
