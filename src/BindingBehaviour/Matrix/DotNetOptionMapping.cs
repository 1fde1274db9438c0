using BindingBehaviour.Native;

namespace BindingBehaviour.Matrix;

/// <summary>
/// What .NET really sets in the kernel for the managed option vocabulary, so that the managed matrix is predicted by the
/// native model of the same OS. Sources: dotnet/runtime src/native/libs/System.Native/pal_networking.c
/// (SystemNative_SetSockOpt, SystemNative_Bind), src/libraries/System.Net.Sockets/src/System/Net/Sockets/SocketPal.Unix.cs
/// (IPV6_V6ONLY=1 on every new AF_INET6 socket), and strace of .NET 10.0.12 on Linux 6.18 (2026-11-27).
/// </summary>
public static class DotNetOptionMapping
{
    public const string Description = """
        **.NET's option mapping** (the managed layer is predicted by the native model after applying it):

        | you write | Linux and macOS set | Windows sets |
        |---|---|---|
        | nothing, TCP | SO_REUSEADDR=1 right before every `bind` (`SystemNative_Bind`) | nothing |
        | nothing, UDP | nothing | nothing |
        | `ReuseAddress` (`SetSocketOption(Socket, ReuseAddress, true)`) | SO_REUSEPORT=1 and SO_REUSEADDR=1 | SO_REUSEADDR |
        | `ExclusiveAddressUse = true` | SO_REUSEPORT=0 and SO_REUSEADDR=0 (TCP: SO_REUSEADDR is set again at `bind`) | SO_EXCLUSIVEADDRUSE |
        | IPv6 socket without `DualMode` | IPV6_V6ONLY=1 (every new AF_INET6 socket) | IPV6_V6ONLY=1 (the OS default) |
        | `DualMode = true` | IPV6_V6ONLY=0 | IPV6_V6ONLY=0 |

        Sources: dotnet/runtime `src/native/libs/System.Native/pal_networking.c` (`SystemNative_SetSockOpt`: "We make both
        SocketOptionName_SO_REUSEADDR and SocketOptionName_SO_EXCLUSIVEADDRUSE control SO_REUSEPORT/SO_REUSEADDR";
        `SystemNative_Bind`: "On Unix, we set SO_REUSEADDR to get the same behavior" for TCP), `SocketPal.Unix.cs`
        (IPV6_V6ONLY on new AF_INET6 sockets); strace of .NET 10 on Linux.
        """;

    /// <summary>The native options a managed socket carries when it binds on <paramref name="os"/>.</summary>
    public static NativeOptions ToNative(Os os, Transport transport, bool ipv6, ManagedOptions options)
    {
        var native = NativeOptions.None;
        if (os == Os.Windows)
        {
            if ((options & ManagedOptions.ReuseAddress) != 0)
            {
                native |= NativeOptions.ReuseAddress;
            }

            if ((options & ManagedOptions.ExclusiveAddressUse) != 0)
            {
                native |= NativeOptions.ExclusiveAddressUse;
            }
        }
        else
        {
            // ReuseAddress sets both; ExclusiveAddressUse clears both (the matrix never sets the two together).
            if ((options & ManagedOptions.ReuseAddress) != 0)
            {
                native |= NativeOptions.ReuseAddress | NativeOptions.ReusePort;
            }

            if (transport == Transport.Tcp)
            {
                native |= NativeOptions.ReuseAddress;
            }
        }

        if (ipv6 && (options & ManagedOptions.DualMode) == 0)
        {
            native |= NativeOptions.V6Only;
        }

        return native;
    }

    /// <summary>The socket a managed configuration is, as the native model sees it.</summary>
    public static SocketSpec ToSpec(Os os, MatrixConfig config) =>
        new(config.Transport, config.Address.Address, ToNative(os, config.Transport, config.Address.IsIPv6, config.Managed), config.Listening);

    /// <summary>The socket a configuration of either layer is, as the native model of <paramref name="os"/> sees it.</summary>
    public static SocketSpec ToSpec(Os os, Layer layer, MatrixConfig config) =>
        layer == Layer.Native ? SocketSpec.Of(config) : ToSpec(os, config);

    /// <summary>Predicts a cell of either layer with the native model of the layout's OS.</summary>
    public static CellOutcome Predict(MatrixLayout layout, MatrixCell cell) => Predict(BindModel.For(layout.Os), layout, cell);

    /// <summary>Predicts a cell of either layer with <paramref name="model"/> (for instance the Linux model of one kernel).</summary>
    public static CellOutcome Predict(BindModel model, MatrixLayout layout, MatrixCell cell) =>
        model.Predict(ToSpec(layout.Os, layout.Layer, cell.A), ToSpec(layout.Os, layout.Layer, cell.B));
}
