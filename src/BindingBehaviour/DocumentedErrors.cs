using System.Net.Sockets;

namespace BindingBehaviour;

/// <summary>
/// The error number and message each OS documents for a refusal. Used to show what an OS that no run has observed
/// is expected to say, and to write the expected snapshots of those OSes. Sources: Linux include/uapi/asm-generic/errno*.h
/// with glibc's strerror; XNU bsd/sys/errno.h with macOS strerror; Microsoft Learn "Windows Sockets Error Codes".
/// </summary>
public static class DocumentedErrors
{
    private static readonly Dictionary<(Os, SocketError), (int Code, string Message)> Table = new()
    {
        [(Os.Linux, SocketError.AddressAlreadyInUse)] = (98, "Address already in use"),
        [(Os.Linux, SocketError.AddressNotAvailable)] = (99, "Cannot assign requested address"),
        [(Os.Linux, SocketError.AccessDenied)] = (13, "Permission denied"),
        [(Os.Linux, SocketError.InvalidArgument)] = (22, "Invalid argument"),
        [(Os.Linux, SocketError.OperationNotSupported)] = (95, "Operation not supported"),
        [(Os.Linux, SocketError.ConnectionRefused)] = (111, "Connection refused"),
        [(Os.MacOS, SocketError.AddressAlreadyInUse)] = (48, "Address already in use"),
        [(Os.MacOS, SocketError.AddressNotAvailable)] = (49, "Can't assign requested address"),
        [(Os.MacOS, SocketError.AccessDenied)] = (13, "Permission denied"),
        [(Os.MacOS, SocketError.InvalidArgument)] = (22, "Invalid argument"),
        // .NET reports an unsupported option as ENOTSUP (45), not EOPNOTSUPP (102): SocketErrorPal.Unix.cs maps both to
        // OperationNotSupported, and the PAL returns Error_ENOTSUP for an option it does not know.
        [(Os.MacOS, SocketError.OperationNotSupported)] = (45, "Operation not supported"),
        [(Os.MacOS, SocketError.ConnectionRefused)] = (61, "Connection refused"),
        [(Os.Windows, SocketError.AddressAlreadyInUse)] = (10048, "Only one usage of each socket address (protocol/network address/port) is normally permitted."),
        [(Os.Windows, SocketError.AddressNotAvailable)] = (10049, "The requested address is not valid in its context."),
        [(Os.Windows, SocketError.AccessDenied)] = (10013, "An attempt was made to access a socket in a way forbidden by its access permissions."),
        [(Os.Windows, SocketError.InvalidArgument)] = (10022, "An invalid argument was supplied."),
        [(Os.Windows, SocketError.OperationNotSupported)] = (10045, "The attempted operation is not supported for the type of object referenced."),
        [(Os.Windows, SocketError.ConnectionRefused)] = (10061, "No connection could be made because the target machine actively refused it."),
    };

    public static (int Code, string Message)? For(Os os, SocketError error) =>
        Table.TryGetValue((os, error), out var entry) ? entry : null;

    /// <summary>Where an OS's numbers and messages in <see cref="For"/> come from, as a documented snapshot names it.</summary>
    public static string Source(Os os) => os switch
    {
        Os.Linux => "Linux include/uapi/asm-generic/errno-base.h and errno.h, glibc strerror",
        Os.MacOS => "XNU bsd/sys/errno.h, macOS strerror",
        _ => "Microsoft Learn, \"Windows Sockets Error Codes\" (the system message of each WSA code)",
    };
}
