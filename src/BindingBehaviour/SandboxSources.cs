namespace BindingBehaviour;

/// <summary>
/// Sources the claims about namespaces, per-namespace sysctls and users cite (topic linux-environments), written once so
/// a citation reads the same everywhere. Kept beside <see cref="Sources"/> so that claims of other topics can grow that
/// file freely.
/// </summary>
public static class SandboxSources
{
    public const string NetworkNamespacesMan = "network_namespaces(7)";
    public const string UserNamespacesMan = "user_namespaces(7)";
    public const string ConnectMan = "connect(2)";
    public const string LinuxInetHashtables = "Linux net/ipv4/inet_hashtables.c";
    public const string LinuxTcpPortShare = "Linux tools/testing/selftests/net/tcp_port_share.c";

    public const string NoNamespacesOnWindows = "Windows has no network namespaces a process can create (" + NetworkNamespacesMan + " describes a Linux facility); its settings of this kind are machine-wide, and the suite changes no machine-wide setting";
    public const string NoNamespacesOnMacOs = "XNU has no network namespaces (" + NetworkNamespacesMan + " describes a Linux facility); macOS sysctls are machine-wide, and the suite changes no machine-wide setting";
    public const string NoUserNamespaces = "Only Linux has user namespaces (" + UserNamespacesMan + ")";
}
