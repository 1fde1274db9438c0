using System.Net;
using System.Net.Sockets;

namespace BindingBehaviour.Matrix;

/// <summary>
/// Why a model answers as it does for one socket: the outcome, which held socket it conflicted with (an index into the
/// list of held sockets the model was given, null when none alone decides), and the rule, one line for a person.
/// </summary>
public sealed record BindExplanation(CellOutcome Outcome, int? ConflictsWith, string Rule);

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

    /// <summary>
    /// Explains <see cref="PredictSocket"/>. The default derives it from the model's own answers: the first held socket
    /// that refuses the newcomer the same way when it is the only one held, and which option set on both (or V6ONLY on
    /// the newcomer) the model would accept for that pair. A model may override it with its own rule text.
    /// </summary>
    public virtual BindExplanation ExplainSocket(SocketSpec socket, IReadOnlyList<SocketSpec> holding) =>
        Explain(socket, holding, PredictSocket);

    /// <summary>Explains <see cref="Listen"/> on a bound socket beside the others, as <see cref="ExplainSocket"/> does a bind.</summary>
    public virtual BindExplanation ExplainListen(SocketSpec socket, IReadOnlyList<SocketSpec> others) =>
        Explain(socket with { Listen = false }, others, (s, o) => Listen(s, o));

    private BindExplanation Explain(SocketSpec socket, IReadOnlyList<SocketSpec> holding, Func<SocketSpec, IReadOnlyList<SocketSpec>, CellOutcome> answer)
    {
        var outcome = answer(socket, holding);
        var unsupported = socket.Options & ~Supported;
        if (unsupported != 0)
        {
            return new(outcome, null, $"{Os} has no {MatrixWords.Options(Layer.Native, (int)unsupported)}: setsockopt refuses it before any port check");
        }

        if (outcome.Succeeded)
        {
            var same = holding.Count(h => h.Transport == socket.Transport);
            var parts = new List<string>();
            if (same > 0)
            {
                parts.Add($"{same} {MatrixWords.Proto(socket.Transport)} socket(s) on the port share it with this one or do not overlap its address");
            }

            if (holding.Count > same)
            {
                parts.Add($"{holding.Count - same} socket(s) of the other protocol are in the other protocol's table");
            }

            return new(outcome, null, parts.Count == 0 ? "nothing else holds the port" : "no held socket conflicts: " + string.Join("; ", parts));
        }

        var alone = answer(socket, []);
        if (!alone.Succeeded)
        {
            return new(outcome, null, $"refused with nothing else on the port ({alone.Code}): the socket itself, not a conflict");
        }

        for (var i = 0; i < holding.Count; i++)
        {
            if (answer(socket, [holding[i]]) == outcome)
            {
                return new(outcome, i, $"conflicts with {Describe(holding[i])}: the two alone answer {outcome.Code}; {WhatWouldShare(socket, holding[i], answer)}");
            }
        }

        return new(outcome, null, $"refused beside the held sockets together ({outcome.Code}), though beside none of them alone");
    }

    /// <summary>Which option on both sockets (or V6ONLY on the newcomer) would let the pair bind, according to this model.</summary>
    private string WhatWouldShare(SocketSpec socket, SocketSpec held, Func<SocketSpec, IReadOnlyList<SocketSpec>, CellOutcome> answer)
    {
        var ways = new List<string>();
        foreach (var option in new[] { NativeOptions.ReuseAddress, NativeOptions.ReusePort, NativeOptions.ExclusiveAddressUse })
        {
            if ((Supported & option) != 0 && answer(socket with { Options = socket.Options | option }, [held with { Options = held.Options | option }]).Succeeded)
            {
                ways.Add($"{MatrixWords.Options(Layer.Native, (int)option)} on both");
            }
        }

        if (socket.IsIPv6 && !socket.V6Only && (Supported & NativeOptions.V6Only) != 0
            && answer(socket with { Options = socket.Options | NativeOptions.V6Only }, [held]).Succeeded)
        {
            ways.Add("V6ONLY on this socket");
        }

        return ways.Count == 0 ? "no option on both sockets changes that" : "the model lets them share with " + string.Join(" or ", ways);
    }

    /// <summary>A socket as the explanations name it: "tcp 0.0.0.0 (REUSEADDR, listening)".</summary>
    public static string Describe(SocketSpec socket)
    {
        var address = socket.IsIPv6 ? $"[{socket.Address}]" : socket.Address.ToString();
        var options = socket.Options == NativeOptions.None ? "no options" : MatrixWords.Options(Layer.Native, (int)socket.Options);
        return $"{MatrixWords.Proto(socket.Transport)} {address} ({options}, {MatrixWords.State(socket.Listen)})";
    }

    public static BindModel For(Os os) => os switch
    {
        Os.Linux => LinuxBindModel.Instance,
        Os.MacOS => MacOSBindModel.Instance,
        _ => WindowsBindModel.Instance,
    };

    /// <summary>The model of <paramref name="os"/> as this machine runs it: on Linux, the rules of this kernel release
    /// (<see cref="LinuxBindModel.For"/>); elsewhere <see cref="For(Os)"/>.</summary>
    public static BindModel ForThisMachine(Os os) =>
        os == Os.Linux && OperatingSystem.IsLinux() ? LinuxBindModel.For(LinuxBindModel.ThisKernelRelease()) : For(os);

    public static IReadOnlyList<BindModel> All { get; } = [LinuxBindModel.Instance, WindowsBindModel.Instance, MacOSBindModel.Instance];

    protected static bool IsV4Mapped(IPAddress address) => address.IsIPv4MappedToIPv6;

    protected static bool IsWildcard(IPAddress address) =>
        address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);
}
