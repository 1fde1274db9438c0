using System.Globalization;
using System.Text;
using BindingBehaviour.Matrix;
using BindingBehaviour.Results;

namespace BindingBehaviour.Probe;

/// <summary>
/// The probe's entry point, in tools/BindingBehaviour.Probe, called by Program.cs and by the tests: parses the arguments, runs the
/// sockets (or the matrix) on this machine and prints each step's outcome beside the model's prediction.
/// Exit codes: 0 when it ran (whatever the OS answered) or printed --help, 2 for bad arguments (one usage line on stderr),
/// 1 when the doctor could not do its job here (one line on stderr: what it could not read, and why).
/// </summary>
public static class ProbeCli
{
    public const int UsageError = 2;

    /// <summary>The command was understood but could not be carried out here (the doctor cannot read a socket table).</summary>
    public const int CannotRun = 1;

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Any(a => a is "-h" or "--help"))
        {
            stdout.WriteLine(ProbeArguments.Usage);
            return 0;
        }

        ProbeCommand command;
        try
        {
            command = ProbeArguments.Parse(args);
        }
        catch (ProbeUsageException e)
        {
            stderr.WriteLine($"probe: {e.Message} (run probe --help for the syntax)");
            return UsageError;
        }

        return command switch
        {
            ProbeSequenceCommand sequence => RunSequence(sequence, stdout, stderr),
            ProbeMatrixCommand matrix => RunMatrix(matrix, stdout, stderr),
            ProbePredictCommand predict => RunPredict(predict, stdout),
            ProbeDoctorCommand doctor => Doctor.ProbeDoctor.Run(doctor, stdout, stderr),
            _ => UsageError,
        };
    }

    private static int RunSequence(ProbeSequenceCommand command, TextWriter stdout, TextWriter stderr)
    {
        var result = ProbeRunner.Run(command, stderr);
        stdout.Write(command.Json ? Json(result) : Text(result));
        return 0;
    }

    private static int RunPredict(ProbePredictCommand command, TextWriter stdout)
    {
        var report = ProbePredict.Run(command);
        stdout.Write(command.Json ? ProbePredict.Json(report) : ProbePredict.Text(report));
        return 0;
    }

    /// <summary>The result as a table a person reads: one line per socket, the observation, then the model's prediction.</summary>
    public static string Text(ProbeResult result)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{MatrixWords.Layer(result.Layer)} layer on {Machine()}; model: {result.Model}\n");
        var rows = result.Steps.Select((s, i) => (
            Number: (i + 1).ToString(CultureInfo.InvariantCulture),
            Socket: s.Described,
            Observed: s.Observed is null ? (s.Step is ProbeSocket ? "not run: the first socket holds no port to share" : "not run: that socket holds nothing")
                : s.Observed.Succeeded ? s.Step switch
                {
                    ProbeListen => "ok, listening",
                    ProbeConnect => $"ok, connected from {s.LocalEndPoint}",
                    ProbeReceive receive => $"ok, received {s.Received} of {receive.Count}",
                    _ => $"ok, bound {s.LocalEndPoint}",
                }
                : $"{s.ObservedCode} ({s.Observed.NativeCode}: {s.Observed.Message})" + (s.Received is { } got ? $", received {got}" : ""),
            Model: s.PredictedCode + (s.Agrees ? "" : "   <- differs"))).ToList();
        var socketWidth = Math.Max("step".Length, rows.Max(r => r.Socket.Length));
        var observedWidth = Math.Max("observed".Length, rows.Max(r => r.Observed.Length));
        text.Append(CultureInfo.InvariantCulture, $"#  {"step".PadRight(socketWidth)}  {"observed".PadRight(observedWidth)}  model\n");
        foreach (var row in rows)
        {
            text.Append(CultureInfo.InvariantCulture, $"{row.Number,-2} {row.Socket.PadRight(socketWidth)}  {row.Observed.PadRight(observedWidth)}  {row.Model}\n");
        }

        if (result.Attempts > 1)
        {
            text.Append(CultureInfo.InvariantCulture, $"(took {result.Attempts} attempts: a port was held by another process; each attempt used a fresh port)\n");
        }

        text.Append(result.AgreesWithModel ? "The OS answered as the model predicts.\n" : "The OS did not answer as the model predicts: see <- differs.\n");
        return text.ToString();
    }

    public static string Json(ProbeResult result) => ProbeJson.Write(SequenceReport.From(result, Machine()));

    private static int RunMatrix(ProbeMatrixCommand command, TextWriter stdout, TextWriter stderr)
    {
        if (command.BenchRuns is { } runs)
        {
            return Bench(command, runs, stdout);
        }

        var run = MatrixRunner.Run(command.Layer);
        var summary = new StringBuilder();
        if (command.Out is { } directory)
        {
            foreach (var file in MatrixExport.Write(run, directory))
            {
                summary.Append("wrote ").Append(file).Append('\n');
            }
        }
        else
        {
            stdout.Write(MatrixTsv.Export(run));
        }

        summary.Append(Summary(run));
        var report = command.Out is null ? stderr : stdout;
        report.Write(command.Json ? MatrixJson(run) : summary.ToString());
        return 0;
    }

    /// <summary>What a matrix run found, for a person: counts, skips, speed and every disagreement with the model.</summary>
    public static string Summary(MatrixRun run)
    {
        var text = new StringBuilder();
        var layout = run.Layout;
        text.Append(CultureInfo.InvariantCulture, $"{MatrixWords.Layer(layout.Layer)} matrix on {Machine()}: {run.CellsRun} of {layout.Cells.Count} cells run, {run.Scenarios} scenarios in {run.Elapsed.TotalSeconds:0.000} s ({run.ScenariosPerSecond:0} scenarios/s), {run.CellsRetried} cells retried with a fresh port\n");
        foreach (var (reason, cells) in run.SkipReasons())
        {
            text.Append(CultureInfo.InvariantCulture, $"skipped {cells} cells: {reason}\n");
        }

        var disagreements = run.Disagreements();
        text.Append(CultureInfo.InvariantCulture, $"{disagreements.Count} cells disagree with the model ({BindModel.ForThisMachine(layout.Os).Title})\n");
        foreach (var (cell, predicted, observed) in disagreements)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {MatrixRun.Describe(layout, cell)}: predicted {predicted.Code}, observed {observed.Code}\n");
        }

        return text.ToString();
    }

    private static string MatrixJson(MatrixRun run) => ProbeJson.Write(MatrixReport.From(run));

    private static int Bench(ProbeMatrixCommand command, int runs, TextWriter stdout)
    {
        var rates = new List<double>();
        stdout.WriteLine($"{MatrixWords.Layer(command.Layer)} matrix, {runs} runs on one thread, {Machine()}:");
        for (var i = 0; i < runs; i++)
        {
            var run = MatrixRunner.Run(command.Layer);
            rates.Add(run.ScenariosPerSecond);
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  run {i + 1}: {run.Scenarios} scenarios ({run.CellsRun} cells) in {run.Elapsed.TotalSeconds:0.000} s = {run.ScenariosPerSecond:0} scenarios/s"));
        }

        rates.Sort();
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median {rates[rates.Count / 2]:0} scenarios/s, best {rates[^1]:0}"));
        return 0;
    }

    private static string Machine()
    {
        var info = RunEnvironment.Capture(DateTime.UnixEpoch);
        return $"{info.Os} {info.Kernel}, {info.Runtime}";
    }
}
