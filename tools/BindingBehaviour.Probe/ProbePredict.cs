using System.Globalization;
using System.Text;
using BindingBehaviour.Matrix;

namespace BindingBehaviour.Probe;

/// <summary>
/// What <c>probe --predict --json</c> prints: the OS and model that answered, and every step with its predicted outcome
/// (the matrix's codes: <c>ok</c>, <c>bind:AddressAlreadyInUse</c>, <c>setoption:OperationNotSupported</c>; <c>not run</c>
/// for a step whose socket was refused; <c>not modelled</c> for connect and receive) and the rule that decided it.
/// </summary>
public sealed record PredictionReport(
    string Os,
    string Layer,
    string Model,
    string? Kernel,
    string? KernelNote,
    IReadOnlyList<PredictedStep> Steps);

/// <summary>One step: as written (port 0 and <c>same</c> kept), the outcome code, the rule, and the socket number it conflicted with.</summary>
public sealed record PredictedStep(string Step, string Predicted, string Reason, int? ConflictsWith);

/// <summary>Answers <see cref="ProbePredictCommand"/> from the bind models alone; no socket is opened.</summary>
public static class ProbePredict
{
    /// <summary>The OS's word in the syntax: linux, windows, macos.</summary>
    public static string OsWord(Os os) => os switch
    {
        Os.Linux => "linux",
        Os.Windows => "windows",
        _ => "macos",
    };

    /// <summary>
    /// The model for <paramref name="os"/>, and a note saying which rules answered when <paramref name="kernel"/> names a
    /// Linux release: <see cref="LinuxBindModel.For"/>, the newest rules plus the kernel changes that apply to it.
    /// </summary>
    public static (BindModel Model, string? Note) Model(Os os, Version? kernel)
    {
        if (kernel is null || os != Os.Linux)
        {
            return (BindModel.For(os), null);
        }

        var model = LinuxBindModel.For(kernel.ToString());
        return model.Changes.Count == 0
            ? (model, $"Linux {kernel}: no kernel change is known to apply to it (LinuxBindModel.KernelChanges), so the newest rules answered")
            : (model, $"Linux {kernel}: the newest rules with {string.Join("; ", model.Changes.Select(c => $"{c.Id} ({c.Kernels})"))}");
    }

    public static PredictionReport Run(ProbePredictCommand command)
    {
        var (model, note) = Model(command.Os, command.Kernel);
        var explained = ProbeRunner.Explain(model, command.Os, command.Layer, command.Steps);
        var steps = command.Steps.Select((step, i) => new PredictedStep(
            Describe(command.Layer, step),
            step is ProbeSocket or ProbeListen ? explained[i].Outcome?.Code ?? "not run" : "not modelled",
            explained[i].Reason,
            explained[i].ConflictsWith)).ToList();
        return new PredictionReport(OsWord(command.Os), MatrixWords.Layer(command.Layer), model.Title, command.Kernel?.ToString(), note, steps);
    }

    public static string Json(PredictionReport report) => ProbeJson.Write(report);

    public static string Text(PredictionReport report)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"prediction for {report.Os}, {report.Layer} layer, no socket opened; model: {report.Model}\n");
        if (report.KernelNote is { } note)
        {
            text.Append(CultureInfo.InvariantCulture, $"--kernel {report.Kernel}: {note}\n");
        }

        var stepWidth = Math.Max("step".Length, report.Steps.Max(s => s.Step.Length));
        var predictedWidth = Math.Max("predicted".Length, report.Steps.Max(s => s.Predicted.Length));
        text.Append(CultureInfo.InvariantCulture, $"#  {"step".PadRight(stepWidth)}  {"predicted".PadRight(predictedWidth)}  why\n");
        for (var i = 0; i < report.Steps.Count; i++)
        {
            var step = report.Steps[i];
            text.Append(CultureInfo.InvariantCulture, $"{i + 1,-2} {step.Step.PadRight(stepWidth)}  {step.Predicted.PadRight(predictedWidth)}  {step.Reason}\n");
        }

        return text.ToString();
    }

    private static string Describe(Layer layer, ProbeStep step) => step switch
    {
        ProbeSocket socket => socket.Describe(layer),
        ProbeListen listen => $"listen {listen.Socket}",
        ProbeConnect connect => $"connect {connect.Socket}",
        ProbeReceive receive => $"receive {receive.Socket} {receive.Count}",
        _ => step.ToString() ?? "",
    };
}
