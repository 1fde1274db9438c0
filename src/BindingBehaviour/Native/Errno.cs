using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace BindingBehaviour.Native;

/// <summary>
/// Maps a Unix errno to the portable <see cref="SocketError"/>. .NET has this table (SocketErrorPal) but does not
/// expose it, and <c>new SocketException(errno)</c> takes a SocketError, not an errno, so the native layer keeps its own.
/// Numbers: Linux include/uapi/asm-generic/errno*.h; macOS bsd/sys/errno.h.
/// </summary>
public static class Errno
{
    private static readonly Dictionary<int, SocketError> Linux = new()
    {
        [1] = SocketError.AccessDenied, // EPERM
        [13] = SocketError.AccessDenied, // EACCES
        [22] = SocketError.InvalidArgument, // EINVAL
        [24] = SocketError.TooManyOpenSockets, // EMFILE
        [92] = SocketError.ProtocolOption, // ENOPROTOOPT
        [95] = SocketError.OperationNotSupported, // EOPNOTSUPP
        [97] = SocketError.AddressFamilyNotSupported, // EAFNOSUPPORT
        [98] = SocketError.AddressAlreadyInUse, // EADDRINUSE
        [99] = SocketError.AddressNotAvailable, // EADDRNOTAVAIL
        [105] = SocketError.NoBufferSpaceAvailable, // ENOBUFS
        [106] = SocketError.IsConnected, // EISCONN
        [107] = SocketError.NotConnected, // ENOTCONN
        [111] = SocketError.ConnectionRefused, // ECONNREFUSED
    };

    private static readonly Dictionary<int, SocketError> MacOS = new()
    {
        [1] = SocketError.AccessDenied,
        [13] = SocketError.AccessDenied,
        [22] = SocketError.InvalidArgument,
        [24] = SocketError.TooManyOpenSockets,
        [42] = SocketError.ProtocolOption, // ENOPROTOOPT
        [45] = SocketError.OperationNotSupported, // ENOTSUP
        [47] = SocketError.AddressFamilyNotSupported, // EAFNOSUPPORT
        [48] = SocketError.AddressAlreadyInUse, // EADDRINUSE
        [49] = SocketError.AddressNotAvailable, // EADDRNOTAVAIL
        [55] = SocketError.NoBufferSpaceAvailable, // ENOBUFS
        [56] = SocketError.IsConnected, // EISCONN
        [57] = SocketError.NotConnected, // ENOTCONN
        [61] = SocketError.ConnectionRefused, // ECONNREFUSED
        [102] = SocketError.OperationNotSupported, // EOPNOTSUPP
    };

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, string> Messages = new();

    // Outcome is immutable, so one instance per (OS, step, errno) serves every refusal: a refused call allocates nothing.
    // A plain array indexed by the three is cheaper than a dictionary on the matrix's hot path; a racing first write
    // stores an equal value.
    private static readonly int Steps = Enum.GetValues<Step>().Length;
    private static readonly Outcome?[] Refusals = new Outcome?[Enum.GetValues<Os>().Length * Steps * 256];

    /// <summary>strerror's text for an errno, asked once per number.</summary>
    public static string Message(int errno) => Messages.GetOrAdd(errno, Marshal.GetPInvokeErrorMessage);

    /// <summary>The refusal at <paramref name="step"/> for the errno the last failed call saved (<see cref="Libc"/> saves it).</summary>
    public static Outcome LastRefusal(Os os, Step step) => Refusal(os, step, Marshal.GetLastPInvokeError());

    /// <summary>The refusal at <paramref name="step"/> with an errno, its SocketError and strerror's text, cached.</summary>
    public static Outcome Refusal(Os os, Step step, int errno)
    {
        if (errno is < 0 or > 255)
        {
            return Outcome.Refused(step, ToSocketError(os, errno), errno, Message(errno));
        }

        var index = ((((int)os * Steps) + (int)step) * 256) + errno;
        return Refusals[index] ??= Outcome.Refused(step, ToSocketError(os, errno), errno, Message(errno));
    }

    public static SocketError ToSocketError(Os os, int errno)
    {
        var table = os == Os.MacOS ? MacOS : Linux;
        return table.TryGetValue(errno, out var error) ? error : SocketError.SocketError;
    }
}
