using System.Net;
using System.Net.Sockets;

namespace BindingBehaviour.Native;

/// <summary>
/// The native layer as the claims use it: a socket whose calls reach the OS with nothing added (libc on Linux and macOS;
/// on Windows .NET adds no hidden option, so a managed socket with raw options is already native). It owns one
/// <see cref="NativeDescriptor"/>, which makes the calls. Every method returns the OS's answer as an
/// <see cref="Outcome"/> instead of throwing.
/// </summary>
public sealed class NativeSocket : IDisposable
{
    private NativeDescriptor _descriptor;

    private NativeSocket(Transport transport, AddressFamily family, NativeDescriptor descriptor)
    {
        Transport = transport;
        Family = family;
        _descriptor = descriptor;
    }

    public Transport Transport { get; }

    public AddressFamily Family { get; }

    /// <summary>Opens a socket, or returns the refusal at <see cref="Step.Create"/> (no IPv6 on this machine, say).</summary>
    public static Outcome TryOpen(Transport transport, AddressFamily family, out NativeSocket? socket)
    {
        var outcome = NativeDescriptor.Open(transport, family, out var descriptor);
        socket = outcome.Succeeded ? new NativeSocket(transport, family, descriptor) : null;
        return outcome;
    }

    public static NativeSocket Open(Transport transport, AddressFamily family)
    {
        TryOpen(transport, family, out var socket).OrThrow($"Opening a native {transport} {family} socket");
        return socket!;
    }

    public static NativeSocket Open(Transport transport, IPAddress forAddress) => Open(transport, forAddress.AddressFamily);

    /// <summary>
    /// The native sequence (<see cref="NativeDescriptor.OpenBound(in NativeSetup, in NativeEndPoint, out NativeDescriptor)"/>):
    /// open, set up, bind, listen when asked. On success the socket is returned open; on a refusal it is closed.
    /// </summary>
    public static Outcome TryOpenBound(in NativeSetup setup, IPEndPoint endPoint, out NativeSocket? socket)
    {
        var outcome = NativeDescriptor.OpenBound(setup, endPoint, out var descriptor);
        socket = outcome.Succeeded ? new NativeSocket(setup.Transport, endPoint.AddressFamily, descriptor) : null;
        return outcome;
    }

    /// <summary>Sets an option to an integer value; an option this OS does not have is refused as OperationNotSupported.</summary>
    public Outcome Set(NativeOption option, int value = 1) => _descriptor.Set(option, value);

    /// <summary>Reads an option's integer value as the OS reports it, or null when the OS has no such option.</summary>
    public int? Get(NativeOption option) => _descriptor.Get(option);

    public Outcome Bind(IPEndPoint endPoint) => _descriptor.Bind(endPoint);

    public Outcome Bind(IPAddress address, int port) => Bind(new IPEndPoint(address, port));

    public Outcome Listen(int backlog = 16) => _descriptor.Listen(backlog);

    public IPEndPoint LocalEndPoint => _descriptor.LocalEndPoint;

    /// <summary>The bound port, read without allocating.</summary>
    public int LocalPort => _descriptor.LocalPort;

    /// <summary>
    /// Hands the socket to .NET for traffic (send, receive, accept, connect) once the binding is done.
    /// The returned Socket owns the descriptor; this object no longer does.
    /// </summary>
    public Socket ToSocket()
    {
        var socket = _descriptor.ToSocket();
        _descriptor = default;
        return socket;
    }

    public void Dispose()
    {
        _descriptor.Dispose();
        _descriptor = default;
    }
}
