using System.Globalization;
using System.Net;
using System.Net.Sockets;
using BindingBehaviour.Matrix;
using BindingBehaviour.Native;

namespace BindingBehaviour.Probe;

/// <summary>One step of a probe sequence: a socket, or a later listen on an earlier socket.</summary>
public abstract record ProbeStep;

/// <summary>A later <c>listen N</c> on socket N (counting sockets from 1), once other sockets have bound.</summary>
public sealed record ProbeListen(int Socket) : ProbeStep;

/// <summary>
/// A later <c>connect N</c>: a new socket of socket N's protocol and family, not bound first, connects to socket N's port
/// on loopback, so the OS chooses its local port as for any client. Connecting sockets are not numbered.
/// </summary>
public sealed record ProbeConnect(int Socket) : ProbeStep;

/// <summary>
/// A later <c>receive N COUNT TIMEOUT</c>: UDP socket N waits until COUNT datagrams have arrived or TIMEOUT has passed,
/// and the step reports how many arrived. Before it waits, the probe tells stderr it is ready, so a caller knows when to send.
/// </summary>
public sealed record ProbeReceive(int Socket, int Count, TimeSpan Timeout) : ProbeStep;

/// <summary>Probe options outside the matrix's vocabulary, which the bind models do not know.</summary>
[Flags]
public enum ProbeExtras
{
    None = 0,

    /// <summary>+v6default (native): leave IPV6_V6ONLY at the OS default (Linux: net.ipv6.bindv6only) instead of setting it to 0.</summary>
    V6Default = 1,

    /// <summary>+freebind: IP_FREEBIND (IPv4) or IPV6_FREEBIND (IPv6) before bind; managed, through SetRawSocketOption.</summary>
    FreeBind = 2,
}

/// <summary>One socket of a probe sequence: <c>tcp 127.0.0.1:0 +reuseaddr listen</c>.</summary>
public sealed record ProbeSocket(Transport Transport, IPAddress Address, int? Port, int Options, bool Listen, ProbeExtras Extras = ProbeExtras.None) : ProbeStep
{
    /// <summary>True when the port is "same": the port the first socket got.</summary>
    public bool SamePort => Port is null;

    public AddressFamily Family => Address.AddressFamily;

    public string Describe(Layer layer, int? samePort = null)
    {
        var address = Address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{Address}]" : Address.ToString();
        var port = Port?.ToString(CultureInfo.InvariantCulture) ?? (samePort is { } p ? p.ToString(CultureInfo.InvariantCulture) : "same");
        var options = string.Join(' ', new[] { ProbeArguments.OptionTokens(layer, Options), ProbeArguments.ExtraTokens(Extras) }.Where(t => t.Length > 0));
        return $"{MatrixWords.Proto(Transport)} {address}:{port}{(options.Length > 0 ? " " + options : "")}{(Listen ? " listen" : "")}";
    }
}
