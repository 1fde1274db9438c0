namespace BindingBehaviour.Probe.Doctor;

/// <summary>
/// What <c>probe doctor --json</c> prints, and reads back (System.Text.Json, camelCase): the contract for scripts.
/// <see cref="Attempt"/> is the bind tried here; <see cref="Holders"/> every socket on the port; <see cref="Remedies"/>
/// what the models say would let the bind succeed; <see cref="Limits"/> what this machine's socket list cannot show.
/// </summary>
public sealed record DoctorReport(
    string Os,
    string Machine,
    string Layer,
    string Model,
    string Source,
    DoctorAttempt Attempt,
    IReadOnlyList<DoctorHolder> Holders,
    IReadOnlyList<DoctorRemedy> Remedies,
    IReadOnlyList<string> Limits,
    string Verdict)
{
    public string ToJson() => ProbeJson.Write(this);

    public static DoctorReport FromJson(string json) => ProbeJson.Read<DoctorReport>(json);
}

/// <summary>
/// The bind as given, tried on this machine and closed at once: <see cref="Observed"/> is the outcome code (matrix
/// vocabulary: <c>ok</c>, <c>bind:AddressAlreadyInUse</c>, <c>listen:AddressAlreadyInUse</c>), with the OS's error
/// number and message; <see cref="Predicted"/> is this OS's model's answer beside the listed holders, under the stated
/// assumptions about their options.
/// </summary>
public sealed record DoctorAttempt(string Socket, string Observed, int NativeCode, string Message, string Predicted, string Reason);

/// <summary>
/// One socket on the port. <see cref="Pid"/>, <see cref="Process"/> and <see cref="User"/> are null where the OS does not
/// let this process see them (<see cref="OwnerNote"/> says why). <see cref="Options"/> holds the matrix words
/// (REUSEADDR, REUSEPORT, EXCLUSIVEADDRUSE, V6ONLY) the holder set, null when unknown; <see cref="OptionsSource"/>
/// says who read them (null: nobody could; the OS does not report them through its socket lists).
/// <see cref="Conflicts"/> is the model's answer for this holder alone beside the attempted bind.
/// </summary>
public sealed record DoctorHolder(
    string Protocol,
    string Address,
    int Port,
    string State,
    string? Remote,
    int? Pid,
    string? Process,
    string? User,
    int? Uid,
    string? OwnerNote,
    IReadOnlyList<string>? Options,
    string? OptionsSource,
    bool Conflicts,
    string Reason);

/// <summary>
/// A change that may let the bind succeed, tried against this OS's model (<see cref="Here"/>: the outcome code) and the
/// other OSes' models (<see cref="Elsewhere"/>), with the docs pages whose claims show it (docs/topics/*.md#claim-id).
/// </summary>
public sealed record DoctorRemedy(string Change, string Here, IReadOnlyList<DoctorElsewhere> Elsewhere, IReadOnlyList<string> Docs);

/// <summary>Another OS's model's answer to the same change: <c>linux</c>, <c>windows</c> or <c>macos</c>, and the outcome code.</summary>
public sealed record DoctorElsewhere(string Os, string Answer);
