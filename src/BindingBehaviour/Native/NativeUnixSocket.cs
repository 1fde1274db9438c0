using System.Buffers.Binary;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace BindingBehaviour.Native;

/// <summary>
/// The native layer for Unix domain stream sockets: socket, bind, listen, connect and close reach the OS directly
/// (libc on Linux and macOS, ws2_32 on Windows). .NET's <see cref="Socket"/> deletes the file of a path it bound when it
/// is disposed, so it cannot show what the OS itself leaves behind. A name that starts with '\0' is a Linux abstract name.
/// Every method returns the OS's answer as an <see cref="Outcome"/> instead of throwing.
/// </summary>
public sealed unsafe class NativeUnixSocket : IDisposable
{
    private const int AfUnix = 1, SockStream = 1;
    private const int LinuxPathLength = 108, MacPathLength = 104, WindowsPathLength = 108;
    private readonly Os _os;
    private int _fd = -1;
    private Socket? _windows;

    private NativeUnixSocket(Os os) => _os = os;

    /// <summary>Opens an AF_UNIX stream socket, or returns the refusal at <see cref="Step.Create"/>.</summary>
    public static Outcome TryOpen(out NativeUnixSocket? socket)
    {
        var created = new NativeUnixSocket(HostOs.Require());
        var outcome = created._os == Os.Windows ? created.OpenWindows() : created.OpenLibc();
        socket = outcome.Succeeded ? created : null;
        return outcome;
    }

    public static NativeUnixSocket Open()
    {
        TryOpen(out var socket).OrThrow("Opening a native AF_UNIX stream socket");
        return socket!;
    }

    public Outcome Bind(string path) => Call(Step.Bind, path, static (fd, handle, address, length) =>
        fd >= 0 ? Libc.Bind(fd, address, (uint)length) : WinSock.Bind(handle, address, length));

    public Outcome Connect(string path) => Call(Step.Connect, path, static (fd, handle, address, length) =>
        fd >= 0 ? Libc.Connect(fd, address, (uint)length) : WinSock.Connect(handle, address, length));

    public Outcome Listen(int backlog = 16)
    {
        var result = _windows is { } socket ? WinSock.Listen(socket.Handle, backlog) : Libc.Listen(_fd, backlog);
        return result == 0 ? Outcome.Ok : LastError(Step.Listen);
    }

    public void Dispose()
    {
        // The .NET socket never bound anything itself (bind went through ws2_32), so disposing it deletes no file.
        _windows?.Dispose();
        _windows = null;
        if (_fd >= 0)
        {
            Libc.Close(_fd);
            _fd = -1;
        }
    }

    private delegate int AddressCall(int fd, IntPtr handle, byte* address, int length);

    private Outcome Call(Step step, string path, AddressCall call)
    {
        Span<byte> buffer = stackalloc byte[2 + LinuxPathLength];
        var length = WriteAddress(path, buffer);
        fixed (byte* address = buffer)
        {
            return call(_fd, _windows?.Handle ?? IntPtr.Zero, address, length) == 0 ? Outcome.Ok : LastError(step);
        }
    }

    /// <summary>
    /// Writes a sockaddr_un. Linux and Windows start with a two-byte family; macOS with a length byte and a one-byte
    /// family, and its path holds 104 bytes instead of 108. A path ends with a NUL; an abstract name (leading '\0') does not.
    /// </summary>
    private int WriteAddress(string path, Span<byte> buffer)
    {
        buffer.Clear();
        var name = Encoding.UTF8.GetBytes(path);
        var abstractName = name.Length > 0 && name[0] == 0;
        var capacity = _os switch { Os.MacOS => MacPathLength, Os.Windows => WindowsPathLength, _ => LinuxPathLength };
        if (name.Length + (abstractName ? 0 : 1) > capacity)
        {
            throw new ArgumentException($"A Unix socket path holds at most {capacity - 1} bytes on {_os}: {path}", nameof(path));
        }

        name.CopyTo(buffer[2..]);
        var length = 2 + name.Length + (abstractName ? 0 : 1);
        if (_os == Os.MacOS)
        {
            buffer[0] = (byte)length;
            buffer[1] = AfUnix;
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(buffer, AfUnix);
        }

        return length;
    }

    private Outcome OpenLibc()
    {
        _fd = Libc.SocketCloseOnExec(_os, AfUnix, SockStream, 0);
        return _fd < 0 ? LastError(Step.Create) : Outcome.Ok;
    }

    private Outcome OpenWindows()
    {
        try
        {
            _windows = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            return Outcome.Ok;
        }
        catch (SocketException e)
        {
            return Outcome.From(Step.Create, e);
        }
    }

    private Outcome LastError(Step step)
    {
        if (_os != Os.Windows)
        {
            return Errno.LastRefusal(_os, step);
        }

        // WSAGetLastError is GetLastError on Windows, so the marshaller's saved error serves both.
        var error = Marshal.GetLastPInvokeError();
        return Outcome.Refused(step, (SocketError)error, error, new SocketException(error).Message);
    }
}
