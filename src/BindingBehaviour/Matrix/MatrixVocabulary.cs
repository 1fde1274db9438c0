using System.Net;
using System.Net.Sockets;

namespace BindingBehaviour.Matrix;

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
