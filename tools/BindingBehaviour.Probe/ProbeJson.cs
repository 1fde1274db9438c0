using System.Text.Json;
using System.Text.Json.Serialization;
using BindingBehaviour.Matrix;

namespace BindingBehaviour.Probe;

/// <summary>
/// How every --json answer of the probe is written and read: the answers are typed records, serialized both ways with
/// these options, so a renamed field breaks the build of whoever reads them (the claims that run the probe in a child).
/// </summary>
public static class ProbeJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static string Write<T>(T report) => JsonSerializer.Serialize(report, Options) + "\n";

    public static T Read<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException($"a {typeof(T).Name} is an object, not null");
}

/// <summary>The answer to a sequence of sockets (--json): each step's observation beside the model's prediction.</summary>
public sealed record SequenceReport(
    string Layer,
    string Os,
    string Machine,
    string Model,
    int Attempts,
    int? Port,
    bool AgreesWithModel,
    IReadOnlyList<SequenceReportStep> Steps)
{
    public static SequenceReport From(ProbeResult result, string machine) => new(
        MatrixWords.Layer(result.Layer),
        result.Os.ToString(),
        machine,
        result.Model,
        result.Attempts,
        result.Port,
        result.AgreesWithModel,
        [.. result.Steps.Select(s => new SequenceReportStep(
            s.Described, s.ObservedCode, s.Observed?.NativeCode ?? 0, s.Observed?.Message ?? "", s.LocalEndPoint, s.Received, s.PredictedCode, s.Agrees))]);
}

/// <summary>
/// One step: as run (ports resolved), the observed outcome code ("not run" when a step it needed was refused), the OS's
/// error number and message (0 and empty on success), the local end point, the datagrams received (receive steps only),
/// the model's prediction and whether they agree.
/// </summary>
public sealed record SequenceReportStep(
    string Step,
    string Observed,
    int NativeCode,
    string Message,
    string? LocalEndPoint,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Received,
    string Predicted,
    bool Agrees);

/// <summary>What a matrix run found (--json): counts, speed, the skipped cells by reason, and every disagreement with the model.</summary>
public sealed record MatrixReport(
    string Layer,
    string Os,
    int Cells,
    int CellsRun,
    int Scenarios,
    double Seconds,
    double ScenariosPerSecond,
    IReadOnlyList<MatrixReportSkip> Skipped,
    IReadOnlyList<MatrixReportDisagreement> Disagreements)
{
    public static MatrixReport From(MatrixRun run) => new(
        MatrixWords.Layer(run.Layout.Layer),
        run.Layout.Os.ToString(),
        run.Layout.Cells.Count,
        run.CellsRun,
        run.Scenarios,
        Math.Round(run.Elapsed.TotalSeconds, 3),
        Math.Round(run.ScenariosPerSecond),
        [.. run.SkipReasons().Select(s => new MatrixReportSkip(s.Reason, s.Cells))],
        [.. run.Disagreements().Select(d => new MatrixReportDisagreement(MatrixRun.Describe(run.Layout, d.Cell), d.Predicted.Code, d.Observed.Code))]);
}

public sealed record MatrixReportSkip(string Reason, int Cells);

public sealed record MatrixReportDisagreement(string Cell, string Predicted, string Observed);
