namespace BindingBehaviour.Probe;

/// <summary>What the probe was asked to do.</summary>
public abstract record ProbeCommand(Layer Layer, bool Json);

/// <summary>Run sockets in order on this machine and show each step's outcome beside the model's prediction.</summary>
public sealed record ProbeSequenceCommand(Layer Layer, bool Json, IReadOnlyList<ProbeStep> Steps) : ProbeCommand(Layer, Json)
{
    /// <summary>The sockets of the sequence, in order: socket N of a <see cref="ProbeListen"/> is Sockets[N - 1].</summary>
    public IReadOnlyList<ProbeSocket> Sockets { get; } = [.. Steps.OfType<ProbeSocket>()];
}

/// <summary>
/// <c>probe --predict --os OS</c>: the model's answer for <see cref="Os"/> to every step, and the rule that decided it,
/// without opening a socket. <see cref="Kernel"/> (Linux only) asks for the model of that kernel release.
/// </summary>
public sealed record ProbePredictCommand(Layer Layer, bool Json, Os Os, Version? Kernel, IReadOnlyList<ProbeStep> Steps) : ProbeCommand(Layer, Json)
{
    public IReadOnlyList<ProbeSocket> Sockets { get; } = [.. Steps.OfType<ProbeSocket>()];
}

/// <summary><c>probe doctor SOCKET</c>: try the bind on this machine, list who holds the port, and explain.</summary>
public sealed record ProbeDoctorCommand(Layer Layer, bool Json, ProbeSocket Socket) : ProbeCommand(Layer, Json)
{
    public int Port => Socket.Port ?? 0;
}

/// <summary>Run the whole matrix; write the TSV and drawings to <see cref="Out"/>, or measure with <see cref="BenchRuns"/>.</summary>
public sealed record ProbeMatrixCommand(Layer Layer, bool Json, string? Out, int? BenchRuns) : ProbeCommand(Layer, Json);
