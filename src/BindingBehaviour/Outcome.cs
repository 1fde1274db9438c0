using System.Net.Sockets;

namespace BindingBehaviour;

/// <summary>
/// What the OS answered to an attempt: success, or a refusal at one step with the portable
/// <see cref="SocketError"/>, the OS's own error number and its message.
/// Assertions compare <see cref="Code"/>; the native number and the message go into snapshots and docs.
/// </summary>
public sealed record Outcome
{
    public static readonly Outcome Ok = new(null, SocketError.Success, 0, "");

    private Outcome(Step? failedStep, SocketError error, int nativeCode, string message)
    {
        FailedStep = failedStep;
        Error = error;
        NativeCode = nativeCode;
        Message = message;
    }

    public Step? FailedStep { get; }

    public SocketError Error { get; }

    public int NativeCode { get; }

    public string Message { get; }

    public bool Succeeded => FailedStep is null;

    /// <summary>"ok", or "step:SocketError" such as "bind:AddressAlreadyInUse".</summary>
    public string Code => FailedStep is { } step ? FormatCode(step, Error) : "ok";

    public static Outcome Refused(Step step, SocketError error, int nativeCode, string message) =>
        new(step, error, nativeCode, message);

    public static Outcome From(Step step, SocketException exception) =>
        Refused(step, exception.SocketErrorCode, exception.NativeErrorCode, exception.Message);

    public static string FormatCode(Step step, SocketError error) =>
        $"{step.ToString().ToLowerInvariant()}:{error}";

    /// <summary>Reads an outcome code back into its step and error, or null for "ok" and for text that is not a code.</summary>
    public static (Step Step, SocketError Error)? ParseCode(string code)
    {
        var colon = code.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return null;
        }

        var step = code[..colon];
        var error = code[(colon + 1)..];
        foreach (var candidate in Enum.GetValues<Step>())
        {
            // Only the canonical spelling: a defined name, not a number or another case.
            if (candidate.ToString().ToLowerInvariant() == step)
            {
                return Enum.TryParse<SocketError>(error, out var parsed) && Enum.IsDefined(parsed) && parsed.ToString() == error
                    ? (candidate, parsed)
                    : null;
            }
        }

        return null;
    }

    /// <summary>Runs native steps in order and stops at the first refusal, which is the outcome of the whole attempt.</summary>
    public static Outcome Sequence(params Func<Outcome>[] steps)
    {
        foreach (var step in steps)
        {
            var outcome = step();
            if (!outcome.Succeeded)
            {
                return outcome;
            }
        }

        return Ok;
    }

    /// <summary>Throws when an attempt the scenario depends on was refused, so a broken setup never passes as a finding.</summary>
    public Outcome OrThrow(string what)
    {
        if (!Succeeded)
        {
            throw new InvalidOperationException($"{what} was refused: {Code} ({NativeCode}: {Message})");
        }

        return this;
    }

    public override string ToString() => Succeeded ? "ok" : $"{Code} ({NativeCode}: {Message})";
}
