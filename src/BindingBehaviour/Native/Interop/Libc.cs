using System.Runtime.InteropServices;

namespace BindingBehaviour.Native;

/// <summary>
/// The few libc calls the project makes on Linux and macOS; every P/Invoke of the project is in this folder. Calling
/// them directly is what keeps .NET's hidden options (SO_REUSEADDR at every TCP Bind, IPV6_V6ONLY=1 at every AF_INET6
/// socket) out of the native layer.
/// </summary>
internal static unsafe partial class Libc
{
    private const string Library = "libc";

    [LibraryImport(Library, EntryPoint = "socket", SetLastError = true)]
    internal static partial int Socket(int domain, int type, int protocol);

    [LibraryImport(Library, EntryPoint = "setsockopt", SetLastError = true)]
    internal static partial int SetSockOpt(int fd, int level, int name, int* value, uint length);

    [LibraryImport(Library, EntryPoint = "getsockopt", SetLastError = true)]
    internal static partial int GetSockOpt(int fd, int level, int name, int* value, uint* length);

    [LibraryImport(Library, EntryPoint = "bind", SetLastError = true)]
    internal static partial int Bind(int fd, byte* address, uint length);

    [LibraryImport(Library, EntryPoint = "connect", SetLastError = true)]
    internal static partial int Connect(int fd, byte* address, uint length);

    [LibraryImport(Library, EntryPoint = "listen", SetLastError = true)]
    internal static partial int Listen(int fd, int backlog);

    [LibraryImport(Library, EntryPoint = "getsockname", SetLastError = true)]
    internal static partial int GetSockName(int fd, byte* address, uint* length);

    [LibraryImport(Library, EntryPoint = "fcntl", SetLastError = true)]
    internal static partial int Fcntl(int fd, int command, int argument);

    [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);

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
}
