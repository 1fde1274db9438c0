using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace BindingBehaviour.Native;

/// <summary>
/// Writes and reads sockaddr_in / sockaddr_in6. Linux and Windows (ws2def.h, ws2ipdef.h) start with a two-byte family in
/// host order, little-endian; BSD and macOS start with a length byte and a one-byte family. The port is in network byte
/// order everywhere.
/// </summary>
internal static class SockAddr
{
    public const int MaxLength = 28;

    public static int Write(Os os, IPEndPoint endPoint, Span<byte> buffer)
    {
        buffer[..MaxLength].Clear();
        var v6 = endPoint.AddressFamily == AddressFamily.InterNetworkV6;
        var length = v6 ? 28 : 16;
        var family = v6 ? NativeNumbers.AfInet6(os) : NativeNumbers.AfInet;
        if (os != Os.MacOS)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(buffer, (ushort)family);
        }
        else
        {
            buffer[0] = (byte)length;
            buffer[1] = (byte)family;
        }

        BinaryPrimitives.WriteUInt16BigEndian(buffer[2..], (ushort)endPoint.Port);
        if (v6)
        {
            endPoint.Address.TryWriteBytes(buffer.Slice(8, 16), out _);
            BinaryPrimitives.WriteUInt32LittleEndian(buffer[24..], (uint)endPoint.Address.ScopeId);
        }
        else
        {
            endPoint.Address.TryWriteBytes(buffer.Slice(4, 4), out _);
        }

        return length;
    }

    public static IPEndPoint Read(Os os, ReadOnlySpan<byte> buffer)
    {
        int family = os != Os.MacOS ? BinaryPrimitives.ReadUInt16LittleEndian(buffer) : buffer[1];
        var port = BinaryPrimitives.ReadUInt16BigEndian(buffer[2..]);
        return family == NativeNumbers.AfInet
            ? new IPEndPoint(new IPAddress(buffer.Slice(4, 4)), port)
            : new IPEndPoint(new IPAddress(buffer.Slice(8, 16), BinaryPrimitives.ReadUInt32LittleEndian(buffer[24..])), port);
    }
}
