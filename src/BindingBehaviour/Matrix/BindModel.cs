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

    public bool ReuseAddr => (Options & NativeOptions.ReuseAddr) != 0;

    public bool ReusePort => (Options & NativeOptions.ReusePort) != 0;

    public bool Exclusive => (Options & NativeOptions.ExclusiveAddrUse) != 0;

    /// <summary>IPV6_V6ONLY as set before bind (always explicit in the matrix); false for IPv4 sockets.</summary>
    public bool V6Only => IsIPv6 && (Options & NativeOptions.V6Only) != 0;

    public static SocketSpec Of(MatrixConfig config) =>
        new(config.Transport, config.Address.Address, config.Native, config.Listening);
}

/// <summary>
/// An OS's bind-conflict rules as a small, readable model that predicts what the OS answers when sockets bind one port
/// in order. Each model cites its sources in its comments and in <see cref="Description"/>, which the docs show.
/// </summary>
public abstract class BindModel
{
    public abstract Os Os { get; }

    /// <summary>A one-line name, e.g. "Linux: inet_bind_conflict and udp_lib_lport_inuse".</summary>
    public abstract string Title { get; }

    /// <summary>The rules in prose (markdown), with their sources, for the docs.</summary>
    public abstract string Description { get; }

    /// <summary>The native options this OS has; setting any other is refused at setoption.</summary>
    public abstract NativeOptions Supported { get; }

    /// <summary>What binding <paramref name="socket"/> answers while <paramref name="bound"/> hold the port (in bind order).</summary>
    public abstract CellOutcome Bind(SocketSpec socket, IReadOnlyList<SocketSpec> bound);

    /// <summary>What listen() on <paramref name="socket"/>, already bound, answers beside <paramref name="others"/>.</summary>
    public abstract CellOutcome Listen(SocketSpec socket, IReadOnlyList<SocketSpec> others);

    /// <summary>
    /// Predicts a sequence: each socket sets its options, binds the shared port and listens if it says so, before the
    /// next one starts. Returns each socket's outcome; a refused socket holds nothing for the later ones.
    /// </summary>
    public IReadOnlyList<CellOutcome> PredictSequence(IReadOnlyList<SocketSpec> sockets)
    {
        var outcomes = new CellOutcome[sockets.Count];
        var holding = new List<SocketSpec>();
        for (var i = 0; i < sockets.Count; i++)
        {
            outcomes[i] = PredictSocket(sockets[i], holding);
            if (outcomes[i].Succeeded)
            {
                holding.Add(sockets[i]);
            }
        }

        return outcomes;
    }

    /// <summary>One socket sets its options, binds the shared port and listens if it says so, while <paramref name="holding"/> hold it.</summary>
    public CellOutcome PredictSocket(SocketSpec socket, IReadOnlyList<SocketSpec> holding)
    {
        var outcome = (socket.Options & ~Supported) != 0
            ? CellOutcome.Refused(Step.SetOption, SocketError.OperationNotSupported)
            : Bind(socket with { Listen = false }, holding);
        return outcome.Succeeded && socket.Listen ? Listen(socket, holding) : outcome;
    }

    /// <summary>The outcome of a matrix cell: A alone first (a refusal there is written <c>first:</c>), then B beside A.</summary>
    public CellOutcome Predict(SocketSpec a, SocketSpec b)
    {
        var outcomes = PredictSequence([a, b]);
        return outcomes[0].Succeeded ? outcomes[1] : outcomes[0] with { First = true };
    }

    public static BindModel For(Os os) => os switch
    {
        Os.Linux => LinuxBindModel.Instance,
        Os.OSX => BsdBindModel.Instance,
        _ => WindowsBindModel.Instance,
    };

    /// <summary>The model of <paramref name="os"/> as this machine runs it: on Linux, the rules of this kernel release
    /// (<see cref="LinuxBindModel.For"/>); elsewhere <see cref="For(Os)"/>.</summary>
    public static BindModel ForThisMachine(Os os) =>
        os == Os.Linux && OperatingSystem.IsLinux() ? LinuxBindModel.For(LinuxBindModel.ThisKernelRelease()) : For(os);

    public static IReadOnlyList<BindModel> All { get; } = [LinuxBindModel.Instance, WindowsBindModel.Instance, BsdBindModel.Instance];

    protected static bool IsV4Mapped(IPAddress address) => address.IsIPv4MappedToIPv6;

    protected static bool IsWildcard(IPAddress address) =>
        address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);
}
