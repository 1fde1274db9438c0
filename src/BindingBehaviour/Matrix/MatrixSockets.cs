using System.Net;
using System.Net.Sockets;
using BindingBehaviour.Native;

namespace BindingBehaviour.Matrix;

/// <summary>
/// How the matrix and the probe open one managed socket, so both run exactly the same calls; natively both run
/// <see cref="NativeDescriptor.OpenBound(in NativeSetup, in NativeEndPoint, out NativeDescriptor)"/>.
/// </summary>
public static class MatrixSockets
{
    /// <summary>
    /// Managed: the C# a user writes. <c>new Socket(...)</c>, then the managed options (<c>ReuseAddress</c> through
    /// <c>SetSocketOption</c>, <c>ExclusiveAddressUse = true</c>, <c>DualMode = true</c>), <c>Bind</c>, and <c>Listen()</c>
    /// when asked. On success the socket is returned open; on a refusal it is disposed. <paramref name="beforeBind"/>, when
    /// given, sets what the vocabulary does not name (the probe's +freebind) after the options; a SocketException there is
    /// a refusal at the option step.
    /// </summary>
    public static Outcome OpenManaged(Transport transport, IPEndPoint endPoint, ManagedOptions options, bool listen, out Socket? socket, Action<Socket>? beforeBind = null)
    {
        socket = null;
        var opened = ManagedCall.TryOpen(transport, endPoint.AddressFamily, out var open);
        if (!opened.Succeeded)
        {
            return opened;
        }

        var created = open!;
        var outcome = ManagedCall.Steps(
            (Step.SetOption, () => SetManaged(created, options)),
            (Step.SetOption, () => beforeBind?.Invoke(created)),
            (Step.Bind, () => created.Bind(endPoint)),
            (Step.Listen, () => ListenIf(created, listen)));
        if (!outcome.Succeeded)
        {
            created.Dispose();
            return outcome;
        }

        socket = created;
        return outcome;
    }

    private static void SetManaged(Socket socket, ManagedOptions options)
    {
        if ((options & ManagedOptions.ReuseAddress) != 0)
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        }

        if ((options & ManagedOptions.ExclusiveAddressUse) != 0)
        {
            socket.ExclusiveAddressUse = true;
        }

        if ((options & ManagedOptions.DualMode) != 0)
        {
            socket.DualMode = true;
        }
    }

    private static void ListenIf(Socket socket, bool listen)
    {
        if (listen)
        {
            socket.Listen();
        }
    }
}
