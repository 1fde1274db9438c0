using System.Net;
using System.Net.Sockets;
using BindingBehaviour.Native;

namespace BindingBehaviour.Matrix;

/// <summary>
/// One socket as a bind model sees it: protocol, address, the native options it carries when it binds, and whether it
/// listens once bound. The port is always the shared one.
/// </summary>
public readonly record struct SocketSpec(Transport Transport, IPAddress Address, NativeOptions Options, bool Listen)
{
    public bool IsIPv6 => Address.AddressFamily == AddressFamily.InterNetworkV6;

    public bool ReuseAddress => (Options & NativeOptions.ReuseAddress) != 0;

    public bool ReusePort => (Options & NativeOptions.ReusePort) != 0;

    public bool ExclusiveAddressUse => (Options & NativeOptions.ExclusiveAddressUse) != 0;

    /// <summary>IPV6_V6ONLY as set before bind (always explicit in the matrix); false for IPv4 sockets.</summary>
    public bool V6Only => IsIPv6 && (Options & NativeOptions.V6Only) != 0;

    public static SocketSpec Of(MatrixConfig config) =>
        new(config.Transport, config.Address.Address, config.Native, config.Listening);
}
