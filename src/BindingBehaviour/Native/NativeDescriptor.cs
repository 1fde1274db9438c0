using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using BindingBehaviour.Matrix;

namespace BindingBehaviour.Native;

/// <summary>
/// One native socket as a value: the descriptor (Linux, macOS: every call goes to libc) or, on Windows, where .NET adds
/// no hidden option, the managed socket with raw options that stands for it. It holds the native layer's calls, and
/// <see cref="OpenBound(in NativeSetup, in NativeEndPoint, out NativeDescriptor)"/> is the one native sequence (open,
/// options, bind, listen) that the matrix, the probe and the claims' <see cref="NativeSocket"/> all run. On Linux and
/// macOS nothing here allocates, so the matrix's hot path allocates nothing. A copy names the same socket: exactly one
/// owner disposes it.
/// </summary>
public readonly unsafe struct NativeDescriptor : IDisposable
{
    private const int SockStream = 1, SockDgram = 2, IpProtoTcp = 6, IpProtoUdp = 17;

    /// <summary>
    /// The OS of this process, as a static read-only value: optimized code reads it as a constant and drops the other OSes'
    /// branches from the matrix's hot path.
    /// </summary>
    private static readonly Os Host = HostOs.Require();

    /// <summary>This OS's (level, name) of every <see cref="NativeOption"/>, looked up once rather than at every setsockopt.</summary>
    private static readonly (int Level, int Name)?[] HostOptions =
        [.. Enum.GetValues<NativeOption>().Select(option => NativeNumbers.Option(Host, option))];

    private readonly int _fd;
    private readonly Socket? _socket;

    private NativeDescriptor(int fd, Socket? socket)
    {
        _fd = fd;
        _socket = socket;
        IsOpen = true;
    }

    /// <summary>False for the default value and for a socket that could not be opened.</summary>
    public bool IsOpen { get; }

    /// <summary>Opens a socket, or returns the refusal at <see cref="Step.Create"/> (no IPv6 on this machine, say).</summary>
    public static Outcome Open(Transport transport, AddressFamily family, out NativeDescriptor socket)
    {
        socket = default;
        if (Host == Os.Windows)
        {
            var opened = ManagedCall.TryOpen(transport, family, out var managed);
            if (opened.Succeeded)
            {
                socket = new NativeDescriptor(-1, managed);
            }

            return opened;
        }

        var domain = family == AddressFamily.InterNetworkV6 ? NativeNumbers.AfInet6(Host) : NativeNumbers.AfInet;
        var fd = transport == Transport.Tcp
            ? Libc.SocketCloseOnExec(Host, domain, SockStream, IpProtoTcp)
            : Libc.SocketCloseOnExec(Host, domain, SockDgram, IpProtoUdp);
        if (fd < 0)
        {
            return Errno.LastRefusal(Host, Step.Create);
        }

        socket = new NativeDescriptor(fd, null);
        return Outcome.Ok;
    }

    /// <summary>
    /// The native sequence: opens a socket of the end point's family, sets it up as <paramref name="setup"/> says, binds
    /// <paramref name="endPoint"/> and listens when asked. On success the socket is returned open; on a refusal it is
    /// closed and the refusal (at create, setoption, bind or listen) is returned.
    /// </summary>
    public static Outcome OpenBound(in NativeSetup setup, IPEndPoint endPoint, out NativeDescriptor socket) =>
        OpenBound(setup, new NativeEndPoint(endPoint), out socket);

    /// <summary>The native sequence with an end point already encoded (the matrix binds the same addresses over and over).</summary>
    public static Outcome OpenBound(in NativeSetup setup, in NativeEndPoint endPoint, out NativeDescriptor socket)
    {
        var outcome = Open(setup.Transport, endPoint.Family, out socket);
        if (!outcome.Succeeded)
        {
            return outcome;
        }

        outcome = socket.SetUp(setup, endPoint.Family == AddressFamily.InterNetworkV6);
        if (outcome.Succeeded)
        {
            outcome = socket.Bind(endPoint);
        }

        if (outcome.Succeeded && setup.Listen)
        {
            outcome = socket.Listen();
        }

        if (!outcome.Succeeded)
        {
            socket.Dispose();
            socket = default;
        }

        return outcome;
    }

    /// <summary>Sets an option to an integer value; an option this OS does not have is refused as OperationNotSupported.</summary>
    public Outcome Set(NativeOption option, int value = 1)
    {
        if (HostOptions[(int)option] is not var (level, name))
        {
            return Missing(option);
        }

        if (_socket is { } socket)
        {
            return SetManaged(socket, level, name, value);
        }

        return Libc.SetSockOpt(_fd, level, name, &value, sizeof(int)) == 0 ? Outcome.Ok : Errno.LastRefusal(Host, Step.SetOption);
    }

    /// <summary>Reads an option's integer value as the OS reports it, or null when the OS has no such option.</summary>
    public int? Get(NativeOption option)
    {
        if (HostOptions[(int)option] is not var (level, name))
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

    public Outcome Bind(IPEndPoint endPoint) =>
        _socket is { } socket ? BindManaged(socket, endPoint) : Bind(new NativeEndPoint(endPoint));

    public Outcome Bind(in NativeEndPoint endPoint)
    {
        if (_socket is { } socket)
        {
            return BindManaged(socket, endPoint.ToIPEndPoint());
        }

        fixed (byte* address = endPoint.Bytes)
        {
            return Libc.Bind(_fd, address, (uint)endPoint.Bytes.Length) == 0 ? Outcome.Ok : Errno.LastRefusal(Host, Step.Bind);
        }
    }

    public Outcome Listen(int backlog = 16)
    {
        if (_socket is { } socket)
        {
            return ListenManaged(socket, backlog);
        }

        return Libc.Listen(_fd, backlog) == 0 ? Outcome.Ok : Errno.LastRefusal(Host, Step.Listen);
    }

    public IPEndPoint LocalEndPoint
    {
        get
        {
            if (_socket is { } socket)
            {
                return (IPEndPoint)socket.LocalEndPoint!;
            }

            var buffer = stackalloc byte[SockAddr.MaxLength];
            GetSockName(buffer);
            return SockAddr.Read(Host, new ReadOnlySpan<byte>(buffer, SockAddr.MaxLength));
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

            var buffer = stackalloc byte[SockAddr.MaxLength];
            GetSockName(buffer);

            // The port sits at bytes 2-3 in network order in sockaddr_in and sockaddr_in6, on Linux and BSD alike.
            return BinaryPrimitives.ReadUInt16BigEndian(new ReadOnlySpan<byte>(buffer + 2, 2));
        }
    }

    /// <summary>Hands the socket to .NET for traffic (send, receive, accept, connect); the returned Socket owns it.</summary>
    public Socket ToSocket() =>
        !IsOpen ? throw new ObjectDisposedException(nameof(NativeDescriptor))
        : _socket ?? new Socket(new SafeSocketHandle(_fd, ownsHandle: true));

    public void Dispose()
    {
        if (!IsOpen)
        {
            return;
        }

        if (_socket is { } socket)
        {
            socket.Dispose();
        }
        else
        {
            Libc.Close(_fd);
        }
    }

    /// <summary>
    /// getsockname and SO_TYPE of any descriptor of this process (both read-only): where an IP socket is bound and whether
    /// it is TCP or UDP, for the descriptor ledger's sockets that no /proc table lists. False, with the errno saved for
    /// <see cref="System.Runtime.InteropServices.Marshal.GetLastPInvokeError"/>, when either call fails; a socket that is
    /// not IPv4 or IPv6 has a null end point.
    /// </summary>
    public static bool TryInspect(int fd, out int family, out int type, out IPEndPoint? local)
    {
        var os = HostOs.Require();
        var buffer = stackalloc byte[128];
        uint length = 128;
        int value = 0;
        uint valueLength = sizeof(int);
        const int soType = 3; // SO_TYPE: Linux include/uapi/asm-generic/socket.h
        family = 0;
        type = 0;
        local = null;
        if (Libc.GetSockName(fd, buffer, &length) != 0 || Libc.GetSockOpt(fd, NativeNumbers.SolSocket(os), soType, &value, &valueLength) != 0)
        {
            return false;
        }

        type = value;
        family = os == Os.Linux ? BinaryPrimitives.ReadUInt16LittleEndian(new ReadOnlySpan<byte>(buffer, 2)) : buffer[1];
        if (family == NativeNumbers.AfInet || family == NativeNumbers.AfInet6(os))
        {
            local = SockAddr.Read(os, new ReadOnlySpan<byte>(buffer, SockAddr.MaxLength));
        }

        return true;
    }

    /// <summary>
    /// The options of <paramref name="setup"/> before bind: the reuse options in the TSV's order, which is their order in
    /// <see cref="NativeOption"/>, then IPV6_V6ONLY, then free bind.
    /// </summary>
    private Outcome SetUp(in NativeSetup setup, bool ipv6)
    {
        var outcome = Outcome.Ok;
        if ((setup.Options & NativeOptions.ReuseAddress) != 0)
        {
            outcome = Set(NativeOption.ReuseAddress);
        }

        if (outcome.Succeeded && (setup.Options & NativeOptions.ReusePort) != 0)
        {
            outcome = Set(NativeOption.ReusePort);
        }

        if (outcome.Succeeded && (setup.Options & NativeOptions.ExclusiveAddressUse) != 0)
        {
            outcome = Set(NativeOption.ExclusiveAddressUse);
        }

        if (outcome.Succeeded && ipv6 && !setup.LeaveV6OnlyDefault)
        {
            outcome = Set(NativeOption.V6Only, (setup.Options & NativeOptions.V6Only) != 0 ? 1 : 0);
        }

        if (outcome.Succeeded && setup.FreeBind)
        {
            outcome = Set(ipv6 ? NativeOption.V6FreeBind : NativeOption.FreeBind);
        }

        return outcome;
    }

    private static Outcome Missing(NativeOption option) =>
        Outcome.Refused(Step.SetOption, SocketError.OperationNotSupported, 0, $"{Host} has no {option}");

    // The managed calls (Windows) are methods of their own: a lambda's captures in the native methods would make the
    // compiler allocate their closure at every call, on Linux too.
    private static Outcome SetManaged(Socket socket, int level, int name, int value)
    {
        var bytes = BitConverter.GetBytes(value);
        return ManagedCall.Try(Step.SetOption, () => socket.SetRawSocketOption(level, name, bytes));
    }

    private static Outcome BindManaged(Socket socket, IPEndPoint endPoint) => ManagedCall.Try(Step.Bind, () => socket.Bind(endPoint));

    private static Outcome ListenManaged(Socket socket, int backlog) => ManagedCall.Try(Step.Listen, () => socket.Listen(backlog));

    private void GetSockName(byte* buffer)
    {
        uint length = SockAddr.MaxLength;
        if (Libc.GetSockName(_fd, buffer, &length) != 0)
        {
            throw new InvalidOperationException($"getsockname failed: {Errno.LastRefusal(Host, Step.Bind)}");
        }
    }
}
