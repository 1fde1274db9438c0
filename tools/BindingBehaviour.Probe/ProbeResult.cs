using BindingBehaviour.Matrix;

namespace BindingBehaviour.Probe;

/// <summary>The result of a probe run on this machine.</summary>
public sealed record ProbeResult(Layer Layer, Os Os, string Model, int Attempts, int? Port, IReadOnlyList<ProbeStepResult> Steps)
{
    public bool AgreesWithModel => Steps.All(s => s.Agrees);
}

/// <summary>
/// One step of a probe run: what it was, what the OS answered, and what the model predicted. For a connect step the local
/// end point is the connecting socket's; for a receive step <see cref="Received"/> counts the datagrams that arrived.
/// </summary>
public sealed record ProbeStepResult(ProbeStep Step, string Described, Outcome? Observed, string? LocalEndPoint, CellOutcome? Predicted, int? Received = null)
{
    /// <summary>
    /// True when the observation is the prediction; a step that could not run (no port to share, no socket to listen)
    /// agrees vacuously, and so do connect and receive, which the bind models do not predict.
    /// </summary>
    public bool Agrees => Observed is null || !Modelled || CellOutcome.From(Observed) == Predicted;

    /// <summary>Whether the bind models predict this step: sockets and later listens, not connects or receives.</summary>
    public bool Modelled => Step is ProbeSocket or ProbeListen;

    public string ObservedCode => Observed is null ? "not run" : CellOutcome.From(Observed).Code;

    public string PredictedCode => Modelled ? Predicted?.Code ?? "not run" : "not modelled";
}
