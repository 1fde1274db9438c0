using System.Runtime.InteropServices;

namespace BindingBehaviour.Tests.Infrastructure;

/// <summary>
/// Runs code on a thread of its own that has left for a new network namespace (unshare(CLONE_NEWNET) changes only the
/// calling thread), loopback up. Sockets that code opens are in the new namespace, and so is a BPF iterator it opens:
/// the kernel's iterators list the namespace of the thread that opens them. The namespace ends with the thread.
/// </summary>
public static partial class NetworkNamespaceThread
{
    private const int CloneNewNet = 0x40000000;
    private static readonly Lazy<string?> Missing = new(() => OperatingSystem.IsLinux()
        ? Try(() => 0).Error
        : "network namespaces are a Linux facility");

    /// <summary>Why this process cannot put a thread in a new network namespace (needs CAP_SYS_ADMIN); null when it can.</summary>
    public static string? MissingCapability => Missing.Value;

    /// <summary>The inode of the calling thread's network namespace (/proc/thread-self/ns/net is "net:[inode]").</summary>
    public static uint CurrentInode()
    {
        var target = new FileInfo("/proc/thread-self/ns/net").LinkTarget
            ?? throw new InvalidOperationException("/proc/thread-self/ns/net is not a link.");
        return uint.Parse(target.AsSpan()[(target.IndexOf('[', StringComparison.Ordinal) + 1)..^1], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Runs <paramref name="body"/> in a new network namespace and returns what it returned.</summary>
    public static T Run<T>(Func<T> body)
    {
        var (result, error) = Try(body);
        return error is null ? result! : throw new InvalidOperationException(error);
    }

    private static (T? Result, string? Error) Try<T>(Func<T> body)
    {
        T? result = default;
        string? error = null;
        Exception? thrown = null;
        var thread = new Thread(() =>
        {
            try
            {
                if (Unshare(CloneNewNet) != 0)
                {
                    error = $"this process may not create a network namespace (unshare(CLONE_NEWNET): errno {Marshal.GetLastPInvokeError()}, {Marshal.GetLastPInvokeErrorMessage()})";
                    return;
                }

                error = LoopbackUp();
                if (error is null)
                {
                    result = body();
                }
            }
            catch (Exception e)
            {
                thrown = e;
            }
        });
        thread.Start();
        thread.Join();
        if (thrown is not null)
        {
            throw new InvalidOperationException("The code run in the new network namespace failed.", thrown);
        }

        return (result, error);
    }

    /// <summary>ip link set lo up, by ioctl: SIOCGIFFLAGS, IFF_UP, SIOCSIFFLAGS on a struct ifreq (name[16], then flags).</summary>
    private static unsafe string? LoopbackUp()
    {
        const int afInet = 2, sockDgramCloexec = 2 | 0x80000, siocgifflags = 0x8913, siocsifflags = 0x8914, iffUp = 1;
        var fd = Socket(afInet, sockDgramCloexec, 0);
        if (fd < 0)
        {
            return $"no socket to bring loopback up in the new namespace (errno {Marshal.GetLastPInvokeError()})";
        }

        try
        {
            var request = stackalloc byte[40];
            new Span<byte>(request, 40).Clear();
            request[0] = (byte)'l';
            request[1] = (byte)'o';
            if (Ioctl(fd, siocgifflags, request) != 0)
            {
                return $"SIOCGIFFLAGS on lo failed in the new namespace (errno {Marshal.GetLastPInvokeError()})";
            }

            *(short*)(request + 16) |= iffUp;
            return Ioctl(fd, siocsifflags, request) == 0
                ? null
                : $"SIOCSIFFLAGS (lo up) failed in the new namespace (errno {Marshal.GetLastPInvokeError()})";
        }
        finally
        {
            Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "unshare", SetLastError = true)]
    private static partial int Unshare(int flags);

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    private static partial int Socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static unsafe partial int Ioctl(int fd, nuint request, byte* argument);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
