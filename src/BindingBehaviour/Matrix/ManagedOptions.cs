using System.Net.Sockets;

namespace BindingBehaviour.Matrix;

/// <summary>
/// The managed option vocabulary: what a C# user writes on a <see cref="Socket"/> before Bind.
/// <list type="bullet">
/// <item><c>ReuseAddress</c>: <c>SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true)</c>.</item>
/// <item><c>ExclusiveAddressUse</c>: <c>socket.ExclusiveAddressUse = true</c>.</item>
/// <item><c>DualMode</c> (IPv6 sockets only): <c>socket.DualMode = true</c>; without it the socket keeps .NET's default,
/// DualMode false (IPV6_V6ONLY=1 on every OS).</item>
/// </list>
/// The TSV writes them <c>+</c>-joined in this order, or <c>-</c> for none (<see cref="MatrixWords.ManagedOptionWords"/>).
/// </summary>
[Flags]
public enum ManagedOptions
{
    None = 0,
    ReuseAddress = 1,
    ExclusiveAddressUse = 2,
    DualMode = 4,
}
