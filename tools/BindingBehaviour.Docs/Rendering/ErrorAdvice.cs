using System.Net.Sockets;

namespace BindingBehaviour.Docs.Rendering;

/// <summary>One thing to check when an error comes back, and the source that backs it.</summary>
internal sealed record Check(string Text, string Source);

/// <summary>
/// What the error index says about each error beyond what the runs recorded: its symbolic name per OS, a phrase, and
/// what to check first. Which errors the index lists comes from the claims, never from this table; an error the claims
/// produce that has no entry here is listed all the same, saying that no advice is written for it yet.
/// </summary>
internal static class ErrorAdvice
{
    public const string NamesSource =
        "Linux include/uapi/asm-generic/errno-base.h and errno.h; XNU bsd/sys/errno.h; Microsoft Learn, \"Windows Sockets Error Codes\" (winerror.h)";

    private const string BindMan = "bind(2): https://man7.org/linux/man-pages/man2/bind.2.html";
    private const string ListenMan = "listen(2): https://man7.org/linux/man-pages/man2/listen.2.html";
    private const string ConnectMan = "connect(2): https://man7.org/linux/man-pages/man2/connect.2.html";
    private const string WinsockErrors = "Microsoft Learn, \"Windows Sockets Error Codes\": https://learn.microsoft.com/windows/win32/winsock/windows-sockets-error-codes-2";
    private const string ReuseTables = "Microsoft Learn, \"Using SO_REUSEADDR and SO_EXCLUSIVEADDRUSE\": https://learn.microsoft.com/windows/win32/winsock/using-so-reuseaddr-and-so-exclusiveaddruse";

    /// <summary>The errors in the order the index lists them: the common ones first. Others follow by name.</summary>
    public static IReadOnlyList<SocketError> Order { get; } =
    [
        SocketError.AddressAlreadyInUse, SocketError.AccessDenied, SocketError.AddressNotAvailable, SocketError.InvalidArgument,
        SocketError.OperationNotSupported, SocketError.ConnectionRefused,
    ];

    /// <summary>The symbolic name of an error on an OS (EADDRINUSE, WSAEADDRINUSE), or null when none is written here.</summary>
    public static string? Name(SocketError error, Os os)
    {
        var posix = error switch
        {
            SocketError.AddressAlreadyInUse => "EADDRINUSE",
            SocketError.AccessDenied => "EACCES",
            SocketError.AddressNotAvailable => "EADDRNOTAVAIL",
            SocketError.InvalidArgument => "EINVAL",
            // Linux defines ENOTSUP as EOPNOTSUPP (95); macOS has both, and .NET reports ENOTSUP (45) for an unknown option.
            SocketError.OperationNotSupported => os == Os.MacOS ? "ENOTSUP" : "EOPNOTSUPP",
            SocketError.ConnectionRefused => "ECONNREFUSED",
            _ => null,
        };
        return posix is null ? null : os == Os.Windows ? "WSA" + posix : posix;
    }

    /// <summary>A few words for the error, as a reader would say it.</summary>
    public static string Phrase(SocketError error) => error switch
    {
        SocketError.AddressAlreadyInUse => "address already in use",
        SocketError.AccessDenied => "access denied, permission denied",
        SocketError.AddressNotAvailable => "cannot assign requested address",
        SocketError.InvalidArgument => "invalid argument",
        SocketError.OperationNotSupported => "operation not supported",
        SocketError.ConnectionRefused => "connection refused",
        _ => error.ToString(),
    };

    /// <summary>What to check first, most likely cause first; empty when nothing is written for the error yet.</summary>
    public static IReadOnlyList<Check> ChecksFor(SocketError error) => error switch
    {
        SocketError.AddressAlreadyInUse =>
        [
            new("Who holds the port, in the table of your protocol (TCP or UDP), on every address: see the recipe \"See who holds a port\".", BindMan + ": \"The given address is already in use\""),
            new("Is it your own previous run? A server that closed its connections first leaves TIME_WAIT on its port: see the recipe \"Restart a server without waiting for TIME_WAIT\".", BindMan),
            new("A wildcard socket (0.0.0.0, [::]) holds the port for every specific address on Linux and macOS, and a dual-stack [::] socket holds the IPv4 port too.", BindMan),
            new("In .NET on Linux a second TCP socket's Bind may succeed and its Listen fail: the error then comes from Listen.", ListenMan + ": \"Another socket is already listening on the same port\""),
            new("A bind to port 0 gets this when the ephemeral range is used up.", BindMan + ": \"all port numbers in the ephemeral port range are currently in use\""),
        ],
        SocketError.AccessDenied =>
        [
            new("Linux and macOS: a port below 1024 (Linux: below net.ipv4.ip_unprivileged_port_start) needs root or CAP_NET_BIND_SERVICE; use a higher port.", BindMan + ": \"The address is protected, and the user is not the superuser\""),
            new("Windows: another socket holds the port with SO_EXCLUSIVEADDRUSE, or holds it without SO_REUSEADDR while yours set it (enhanced socket security).", WinsockErrors + " (WSAEACCES); " + ReuseTables),
            new("Windows: the port lies in an excluded range that Hyper-V, WSL or Docker reserved, which netstat does not show: netsh interface ipv4 show excludedportrange protocol=tcp.", "docker/for-win#3171; microsoft/WSL#5514"),
        ],
        SocketError.AddressNotAvailable =>
        [
            new("The address is not one of this machine's (a typo, an interface that is down, the host's address inside a container): ip addr, ifconfig or ipconfig list them; bind the wildcard or an address you have.", BindMan + ": \"A nonexistent interface was requested or the requested address was not local\""),
            new("Linux: an address that comes up later can be bound with IP_FREEBIND on the socket, or net.ipv4.ip_nonlocal_bind=1.", "ip(7): IP_FREEBIND; Linux Documentation/networking/ip-sysctl.rst"),
            new("On connect: no ephemeral port is left for that destination.", ConnectMan + ": EADDRNOTAVAIL"),
        ],
        SocketError.InvalidArgument =>
        [
            new("The socket is already bound: bind once per socket, and set options that must come before the bind first.", BindMan + ": \"The socket is already bound to an address\""),
            new("The address does not fit the socket: a v4-mapped address on an IPv6-only socket (Linux), or a path form the OS does not know.", BindMan + ": \"addr is not a valid address for this socket's domain\""),
            new("Windows: SO_EXCLUSIVEADDRUSE and SO_REUSEADDR on one socket.", ReuseTables),
        ],
        SocketError.OperationNotSupported =>
        [
            new("The option does not exist on this OS (SocketOptionName.ReuseUnicastPort outside Windows): set it only where the OS has it.", "dotnet/runtime src/libraries/Common/src/System/Net/Sockets/SocketErrorPal.Unix.cs"),
        ],
        SocketError.ConnectionRefused =>
        [
            new("Nothing listens there: for a Unix domain socket, a file left behind by a closed server; for TCP, a server that is not (yet) started or listens on another address.", ConnectMan + ": \"No-one listening on the remote address\""),
        ],
        _ => [],
    };
}
