using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace BindingBehaviour.Native;

public enum Transport
{
    Tcp,
    Udp,
}

/// <summary>
/// The native layer: a socket whose calls reach the OS with nothing added. On Linux and macOS every call goes through
/// libc; on Windows .NET adds no hidden option, so a managed socket with raw options is already native.
/// Every method returns the OS's answer as an <see cref="Outcome"/> instead of throwing.
/// </summary>
public sealed unsafe class NativeSocket : IDisposable
{
    // Outcome is immutable, so one instance per (step, errno) serves every refusal: a refused call allocates nothing.
    private static readonly ConcurrentDictionary<(Step, int), Outcome> Refusals = new();
    private readonly Os _os;
    private int _fd = -1;
    private Socket? _socket;

    private NativeSocket(Os os, Transport transport, AddressFamily family)
    {
        _os = os;
        Transport = transport;
        Family = family;
    }

    public Transport Transport { get; }

    public AddressFamily Family { get; }

    /// <summary>Opens a socket, or returns the refusal at <see cref="Step.Create"/> (no IPv6 on this machine, say).</summary>
    public static Outcome TryOpen(Transport transport, AddressFamily family, out NativeSocket? socket)
    {
        var os = HostOs.Require();
        var created = new NativeSocket(os, transport, family);
        var outcome = os == Os.Windows ? Managed.TryOpen(transport, family, out created._socket) : created.OpenLibc();
        socket = outcome.Succeeded ? created : null;
        return outcome;
    }

    public static NativeSocket Open(Transport transport, AddressFamily family)
    {
        TryOpen(transport, family, out var socket).OrThrow($"Opening a native {transport} {family} socket");
        return socket!;
    }

    public static NativeSocket Open(Transport transport, IPAddress forAddress) => Open(transport, forAddress.AddressFamily);

    /// <summary>Sets an option to an integer value; an option this OS does not have is refused as OperationNotSupported.</summary>
    public Outcome Set(NativeOption option, int value = 1)
    {
        if (NativeNumbers.Option(_os, option) is not var (level, name))
        {
            return Outcome.Refused(Step.SetOption, SocketError.OperationNotSupported, 0, $"{_os} has no {option}");
        }

        if (_socket is { } socket)
        {
            var bytes = BitConverter.GetBytes(value);
            return Managed.Try(Step.SetOption, () => socket.SetRawSocketOption(level, name, bytes));
        }

        return Libc.SetSockOpt(_fd, level, name, &value, sizeof(int)) == 0 ? Outcome.Ok : LastError(Step.SetOption);
    }

    /// <summary>Reads an option's integer value as the OS reports it, or null when the OS has no such option.</summary>
    public int? Get(NativeOption option)
    {
        if (NativeNumbers.Option(_os, option) is not var (level, name))
        {
            return null;
        }

        if (_socket is { } socket)
        {
            var bytes = new byte[sizeof(int)];
            socket.GetRawSocketOption(level, name, bytes);
            return BitConverter.ToInt32(bytes);
        }

        int value = 0;
        uint length = sizeof(int);
        return Libc.GetSockOpt(_fd, level, name, &value, &length) == 0 ? value : null;
    }

    public Outcome Bind(IPEndPoint endPoint)
    {
        if (_socket is { } socket)
        {
            return Managed.Try(Step.Bind, () => socket.Bind(endPoint));
        }

        Span<byte> buffer = stackalloc byte[SockAddr.MaxLength];
        var length = SockAddr.Write(_os, endPoint, buffer);
        fixed (byte* address = buffer)
        {
            return Libc.Bind(_fd, address, (uint)length) == 0 ? Outcome.Ok : LastError(Step.Bind);
        }
    }

    public Outcome Bind(IPAddress address, int port) => Bind(new IPEndPoint(address, port));

    public Outcome Listen(int backlog = 16)
    {
        if (_socket is { } socket)
        {
            return Managed.Try(Step.Listen, () => socket.Listen(backlog));
        }

        return Libc.Listen(_fd, backlog) == 0 ? Outcome.Ok : LastError(Step.Listen);
    }

    public IPEndPoint LocalEndPoint
    {
        get
        {
            if (_socket is { } socket)
            {
                return (IPEndPoint)socket.LocalEndPoint!;
            }

            Span<byte> buffer = stackalloc byte[SockAddr.MaxLength];
            GetSockName(buffer);
            return SockAddr.Read(_os, buffer);
        }
    }

    /// <summary>The bound port, read with getsockname into a stack buffer: no allocation (the matrix reads it once per cell).</summary>
    public int LocalPort
    {
        get
        {
            if (_socket is not null)
            {
                return LocalEndPoint.Port;
            }

            Span<byte> buffer = stackalloc byte[SockAddr.MaxLength];
            GetSockName(buffer);

            // The port sits at bytes 2-3 in network order in sockaddr_in and sockaddr_in6, on Linux and BSD alike.
            return System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(buffer[2..]);
        }
    }

    /// <summary>
    /// Hands the socket to .NET for traffic (send, receive, accept, connect) once the binding is done.
    /// The returned Socket owns the descriptor; this object no longer does.
    /// </summary>
    public Socket ToSocket()
    {
        if (_socket is { } socket)
        {
            _socket = null;
            return socket;
        }

        var handle = new SafeSocketHandle(_fd, ownsHandle: true);
        _fd = -1;
        return new Socket(handle);
    }

    public void Dispose()
    {
        _socket?.Dispose();
        _socket = null;
        if (_fd >= 0)
        {
            Libc.Close(_fd);
            _fd = -1;
        }
    }

    private void GetSockName(Span<byte> buffer)
    {
        uint length = SockAddr.MaxLength;
        fixed (byte* address = buffer)
        {
            if (Libc.GetSockName(_fd, address, &length) != 0)
            {
                throw new InvalidOperationException($"getsockname failed: {LastError(Step.Bind)}");
            }
        }
    }

    private Outcome OpenLibc()
    {
        const int sockStream = 1, sockDgram = 2, ipProtoTcp = 6, ipProtoUdp = 17;
        var domain = Family == AddressFamily.InterNetworkV6 ? NativeNumbers.AfInet6(_os) : NativeNumbers.AfInet;
        var type = Transport == Transport.Tcp ? sockStream : sockDgram;
        var protocol = Transport == Transport.Tcp ? ipProtoTcp : ipProtoUdp;
        _fd = Libc.SocketCloseOnExec(_os, domain, type, protocol);
        return _fd < 0 ? LastError(Step.Create) : Outcome.Ok;
    }

    private Outcome LastError(Step step)
    {
        var errno = Marshal.GetLastPInvokeError();
        return Refusals.GetOrAdd((step, errno), static (key, os) =>
            Outcome.Refused(key.Item1, Errno.ToSocketError(os, key.Item2), key.Item2, Errno.Message(key.Item2)), _os);
    }
}
