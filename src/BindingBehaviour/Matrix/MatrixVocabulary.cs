using System.Net;
using System.Net.Sockets;
using BindingBehaviour.Native;

namespace BindingBehaviour.Matrix;

/// <summary>
/// The native options a matrix socket can carry. The TSV writes them <c>+</c>-joined in this order:
/// REUSEADDR, REUSEPORT, EXCLUSIVEADDRUSE, V6ONLY, or <c>-</c> for none. An IPv6 socket without V6ONLY
/// has IPV6_V6ONLY set to 0 explicitly, whatever the OS default (Linux net.ipv6.bindv6only, Windows 1, macOS 0).
/// </summary>
[Flags]
public enum NativeOptions
{
    None = 0,
    ReuseAddr = 1,
    ReusePort = 2,
    ExclusiveAddrUse = 4,
    V6Only = 8,
}

/// <summary>
/// The managed option vocabulary: what a C# user writes on a <see cref="Socket"/> before Bind.
/// <list type="bullet">
/// <item><c>ReuseAddress</c>: <c>SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true)</c>.</item>
/// <item><c>ExclusiveAddressUse</c>: <c>socket.ExclusiveAddressUse = true</c>.</item>
/// <item><c>DualMode</c> (IPv6 sockets only): <c>socket.DualMode = true</c>; without it the socket keeps .NET's default,
/// DualMode false (IPV6_V6ONLY=1 on every OS).</item>
/// </list>
/// The TSV writes them <c>+</c>-joined in this order, or <c>-</c> for none.
/// </summary>
[Flags]
public enum ManagedOptions
{
    None = 0,
    ReuseAddress = 1,
    ExclusiveAddressUse = 2,
    DualMode = 4,
}

/// <summary>One of the seven addresses the matrix binds, written exactly as the TSV writes it.</summary>
public sealed class MatrixAddress
{
    private MatrixAddress(int index, string text, IPAddress address, string? needs)
    {
        Index = index;
        Text = text;
        Address = address;
        Needs = needs;
    }

    public int Index { get; }

    /// <summary>As the TSV writes it: <c>0.0.0.0</c>, <c>[::1]</c>, ...</summary>
    public string Text { get; }

    public IPAddress Address { get; }

    /// <summary>The capability this address needs beyond IPv4 loopback, or null.</summary>
    public string? Needs { get; }

    public bool IsIPv6 => Address.AddressFamily == AddressFamily.InterNetworkV6;

    public AddressFamily Family => Address.AddressFamily;

    public static IReadOnlyList<MatrixAddress> All { get; } =
    [
        new(0, "0.0.0.0", IPAddress.Any, null),
        new(1, "127.0.0.1", IPAddress.Loopback, null),
        new(2, "127.0.0.2", IPAddress.Parse("127.0.0.2"), MatrixCapabilities.SecondLoopback),
        new(3, "[::]", IPAddress.IPv6Any, MatrixCapabilities.IPv6),
        new(4, "[::1]", IPAddress.IPv6Loopback, MatrixCapabilities.IPv6),
        new(5, "[::ffff:0.0.0.0]", IPAddress.Parse("::ffff:0.0.0.0"), MatrixCapabilities.IPv6),
        new(6, "[::ffff:127.0.0.1]", IPAddress.Parse("::ffff:127.0.0.1"), MatrixCapabilities.IPv6),
    ];

    public static MatrixAddress? Parse(string text) => All.FirstOrDefault(a => a.Text == text);

    public override string ToString() => Text;
}

/// <summary>
/// The outcome of one matrix cell, without allocation: success, or the step at which socket B (or, with
/// <see cref="First"/>, socket A itself) was refused and the portable <see cref="SocketError"/>.
/// Written as <c>ok</c>, <c>bind:AddressAlreadyInUse</c>, or <c>first:bind:InvalidArgument</c>.
/// </summary>
public readonly record struct CellOutcome(bool First, Step? Step, SocketError Error)
{
    public static readonly CellOutcome Ok = new(false, null, SocketError.Success);

    public bool Succeeded => Step is null;

    public static CellOutcome Refused(Step step, SocketError error) => new(false, step, error);

    public static CellOutcome RefusedFirst(Step step, SocketError error) => new(true, step, error);

    public static CellOutcome From(Outcome outcome, bool first = false) =>
        outcome.Succeeded ? Ok : new(first, outcome.FailedStep, outcome.Error);

    /// <summary>The text the TSV and the probe print.</summary>
    public string Code => Step is { } step ? (First ? "first:" : "") + Outcome.FormatCode(step, Error) : "ok";

    public static bool TryParse(string text, out CellOutcome outcome)
    {
        outcome = Ok;
        if (text == "ok")
        {
            return true;
        }

        var first = text.StartsWith("first:", StringComparison.Ordinal);
        var code = first ? text["first:".Length..] : text;
        if (Outcome.ParseCode(code) is not var (step, error))
        {
            return false;
        }

        outcome = new CellOutcome(first, step, error);
        return true;
    }

    public override string ToString() => Code;
}

/// <summary>The option and state words of a layer, as the TSV writes them.</summary>
public static class MatrixWords
{
    private static readonly (NativeOptions Flag, string Word)[] NativeWords =
    [
        (NativeOptions.ReuseAddr, "REUSEADDR"),
        (NativeOptions.ReusePort, "REUSEPORT"),
        (NativeOptions.ExclusiveAddrUse, "EXCLUSIVEADDRUSE"),
        (NativeOptions.V6Only, "V6ONLY"),
    ];

    private static readonly (ManagedOptions Flag, string Word)[] ManagedWords =
    [
        (ManagedOptions.ReuseAddress, "ReuseAddress"),
        (ManagedOptions.ExclusiveAddressUse, "ExclusiveAddressUse"),
        (ManagedOptions.DualMode, "DualMode"),
    ];

    public static string Layer(Layer layer) => layer == BindingBehaviour.Layer.Native ? "native" : "managed";

    public static string Proto(Transport transport) => transport == Transport.Tcp ? "tcp" : "udp";

    public static string State(bool listening) => listening ? "listening" : "bound";

    public static string Options(Layer layer, int options) => layer == BindingBehaviour.Layer.Native
        ? Join(NativeWords, (NativeOptions)options)
        : Join(ManagedWords, (ManagedOptions)options);

    public static int? ParseOptions(Layer layer, string text) => layer == BindingBehaviour.Layer.Native
        ? Parse(NativeWords, text) is { } n ? (int)n : null
        : Parse(ManagedWords, text) is { } m ? (int)m : null;

    private static string Join<T>((T Flag, string Word)[] words, T value)
        where T : struct, Enum
    {
        var bits = Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture);
        if (bits == 0)
        {
            return "-";
        }

        var parts = words.Where(w => (bits & Convert.ToInt32(w.Flag, System.Globalization.CultureInfo.InvariantCulture)) != 0).Select(w => w.Word);
        return string.Join('+', parts);
    }

    /// <summary>Parses a <c>+</c>-joined list that must be in the canonical order, so that every set has one spelling.</summary>
    private static T? Parse<T>((T Flag, string Word)[] words, string text)
        where T : struct, Enum
    {
        if (text == "-")
        {
            return default(T);
        }

        var bits = 0;
        var next = 0;
        foreach (var part in text.Split('+'))
        {
            var index = Array.FindIndex(words, w => w.Word == part);
            if (index < next)
            {
                return null;
            }

            bits |= Convert.ToInt32(words[index].Flag, System.Globalization.CultureInfo.InvariantCulture);
            next = index + 1;
        }

        return (T)Enum.ToObject(typeof(T), bits);
    }
}
