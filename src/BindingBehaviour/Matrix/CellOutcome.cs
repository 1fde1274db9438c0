using System.Net.Sockets;

namespace BindingBehaviour.Matrix;

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
