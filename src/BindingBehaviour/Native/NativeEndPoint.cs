using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace BindingBehaviour.Native;

/// <summary>
/// An IP end point encoded once as this OS's sockaddr_in or sockaddr_in6, the bytes bind takes. A loop that binds the same
/// addresses again and again (the matrix: twice per cell) keeps one per address and changes only <see cref="Port"/>, as C
/// code keeps a struct sockaddr_storage, instead of encoding an <see cref="IPEndPoint"/> at every bind.
/// </summary>
public struct NativeEndPoint
{
    private SockAddrBytes _bytes;

    public NativeEndPoint(IPEndPoint endPoint)
    {
        Address = endPoint.Address;
        Family = endPoint.AddressFamily;
        Length = SockAddr.Write(HostOs.Require(), endPoint, _bytes);
    }

    /// <summary>The address as .NET knows it: for Windows, where the managed socket binds, and for messages.</summary>
    public IPAddress Address { get; }

    public AddressFamily Family { get; }

    /// <summary>Network byte order at bytes 2-3, in sockaddr_in and sockaddr_in6 alike, on every OS.</summary>
    public int Port
    {
        readonly get => BinaryPrimitives.ReadUInt16BigEndian(((ReadOnlySpan<byte>)_bytes)[2..]);
        set => BinaryPrimitives.WriteUInt16BigEndian(((Span<byte>)_bytes)[2..], checked((ushort)value));
    }

    /// <summary>The sockaddr's bytes (16 or 28), where they are: no copy.</summary>
    [UnscopedRef]
    internal readonly ReadOnlySpan<byte> Bytes => ((ReadOnlySpan<byte>)_bytes)[..Length];

    private int Length { get; }

    public readonly IPEndPoint ToIPEndPoint() => new(Address, Port);

    public override readonly string ToString() => ToIPEndPoint().ToString();

    [InlineArray(SockAddr.MaxLength)]
    private struct SockAddrBytes
    {
        private byte _first;
    }
}
