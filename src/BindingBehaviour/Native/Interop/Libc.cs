using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BindingBehaviour.Native;

/// <summary>
/// The few libc calls the project makes on Linux and macOS; every P/Invoke of the project is in this folder. Calling
/// them directly is what keeps .NET's hidden options (SO_REUSEADDR at every TCP Bind, IPV6_V6ONLY=1 at every AF_INET6
/// socket) out of the native layer.
/// <para>The matrix makes ten of these calls per cell, so each costs little more than the system call:</para>
/// <list type="bullet">
/// <item>errno is saved for <see cref="Marshal.GetLastPInvokeError"/> when a call fails, and only then, read right after
/// the call returns as the marshaller's generated code reads it (a GC poll in between keeps it: JIT_PollGC_Framed in
/// https://github.com/dotnet/runtime/blob/main/src/coreclr/vm/jithelpers.cpp preserves the last error).
/// <c>SetLastError = true</c> would instead clear errno before every call and save it after every call, three calls
/// into the runtime around each system call.</item>
/// <item>The calls that wait for no peer (socket, setsockopt, bind, listen, getsockname; close, since no socket of this
/// project sets SO_LINGER) skip the switch to preemptive GC mode and back (<see cref="SuppressGCTransitionAttribute"/>):
/// a GC waits at most for one such system call (for an AF_UNIX bind, the file system creating the socket's file).
/// connect may wait for its peer, and fcntl and getsockopt are rare: they keep the transition.</item>
/// </list>
/// </summary>
internal static unsafe partial class Libc
{
    private const string Library = "libc";

    internal static int Socket(int domain, int type, int protocol) => Checked(Raw.Socket(domain, type, protocol));

    internal static int SetSockOpt(int fd, int level, int name, int* value, uint length) =>
        Checked(Raw.SetSockOpt(fd, level, name, value, length));

    internal static int GetSockOpt(int fd, int level, int name, int* value, uint* length) =>
        Checked(Raw.GetSockOpt(fd, level, name, value, length));

    internal static int Bind(int fd, byte* address, uint length) => Checked(Raw.Bind(fd, address, length));

    internal static int Connect(int fd, byte* address, uint length) => Checked(Raw.Connect(fd, address, length));

    internal static int Listen(int fd, int backlog) => Checked(Raw.Listen(fd, backlog));

    internal static int GetSockName(int fd, byte* address, uint* length) => Checked(Raw.GetSockName(fd, address, length));

    internal static int Fcntl(int fd, int command, int argument) => Checked(Raw.Fcntl(fd, command, argument));

    internal static int Close(int fd) => Checked(Raw.Close(fd));

    /// <summary>
    /// socket() with close-on-exec, so that a child process started by a claim never inherits a test's socket: Linux
    /// takes SOCK_CLOEXEC in the type, macOS needs fcntl afterwards. On failure the saved errno is socket()'s.
    /// </summary>
    internal static int SocketCloseOnExec(Os os, int domain, int type, int protocol)
    {
        const int linuxSockCloexec = 0x80000, fSetFd = 2, fdCloexec = 1;
        var fd = Socket(domain, os == Os.Linux ? type | linuxSockCloexec : type, protocol);
        if (fd >= 0 && os != Os.Linux)
        {
            Fcntl(fd, fSetFd, fdCloexec);
        }

        return fd;
    }

    [LibraryImport(Library, EntryPoint = "geteuid")]
    internal static partial uint GetEuid();

    /// <summary>Every call here returns -1 on failure with errno set (POSIX), and 0 or more on success.</summary>
    private static int Checked(int result)
    {
        if (result < 0)
        {
            SaveErrno();
        }

        return result;
    }

    [MethodImpl(MethodImplOptions.NoInlining)] // the rare path, kept out of the callers' code
    private static void SaveErrno() => Marshal.SetLastPInvokeError(Marshal.GetLastSystemError());

    /// <summary>The libc functions themselves (EntryPoint: their C names), without the marshaller's errno handling.</summary>
    private static partial class Raw
    {
        [LibraryImport(Library, EntryPoint = "socket")]
        [SuppressGCTransition]
        internal static partial int Socket(int domain, int type, int protocol);

        [LibraryImport(Library, EntryPoint = "setsockopt")]
        [SuppressGCTransition]
        internal static partial int SetSockOpt(int fd, int level, int name, int* value, uint length);

        [LibraryImport(Library, EntryPoint = "getsockopt")]
        internal static partial int GetSockOpt(int fd, int level, int name, int* value, uint* length);

        [LibraryImport(Library, EntryPoint = "bind")]
        [SuppressGCTransition]
        internal static partial int Bind(int fd, byte* address, uint length);

        [LibraryImport(Library, EntryPoint = "connect")]
        internal static partial int Connect(int fd, byte* address, uint length);

        [LibraryImport(Library, EntryPoint = "listen")]
        [SuppressGCTransition]
        internal static partial int Listen(int fd, int backlog);

        [LibraryImport(Library, EntryPoint = "getsockname")]
        [SuppressGCTransition]
        internal static partial int GetSockName(int fd, byte* address, uint* length);

        [LibraryImport(Library, EntryPoint = "fcntl")]
        internal static partial int Fcntl(int fd, int command, int argument);

        [LibraryImport(Library, EntryPoint = "close")]
        [SuppressGCTransition]
        internal static partial int Close(int fd);
    }
}
