using System.Globalization;
using BindingBehaviour.Matrix;
using BindingBehaviour.Native;

namespace BindingBehaviour.Docs.Rendering;

/// <summary>The words, numbers and links the matrix and rules pages share.</summary>
internal static class MatrixLabels
{
    /// <summary>
    /// The matrix exports as linked from the docs root. The pages describe the repository, where docs/ and results/ are
    /// siblings, so the links are fixed, whatever folders the generator was given (no machine path enters a page).
    /// </summary>
    public const string ResultsLink = "../results/matrix/";

    public const string ResultsReadme = ResultsLink + "README.md";

    public const string ProbeReadme = "../tools/BindingBehaviour.Probe/README.md";

    public const string DocsCommand = "dotnet run --project tools/BindingBehaviour.Docs -- render --results results --out docs";

    /// <summary>The symbol for a prediction where no export observed: the same ◻ the claims use for "expected only".</summary>
    public const string Expected = "◻";

    public static string Number(int value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A count and its verb, agreeing: "1 differs", "2 differ".</summary>
    public static string Counted(int count, string singular, string plural) => $"{Number(count)} {(count == 1 ? singular : plural)}";

    /// <summary>Names joined for a sentence: "Linux", "Linux and macOS", "Linux, Windows and macOS".</summary>
    public static string List(IReadOnlyList<string> names) =>
        names.Count <= 1 ? string.Concat(names) : $"{string.Join(", ", names.Take(names.Count - 1))} and {names[^1]}";

    public static string LayerWord(Layer layer) => MatrixWords.Layer(layer);

    public static string LayerHeading(Layer layer) => layer == Layer.Native ? "Native layer" : "Managed layer";

    public static string Pair((Transport A, Transport B) pair) => $"{MatrixWords.Proto(pair.A)} → {MatrixWords.Proto(pair.B)}";

    public static string Pair(MatrixCell cell) => Pair((cell.A.Transport, cell.B.Transport));

    /// <summary>One socket of a cell as code: <c>tcp 0.0.0.0 REUSEADDR listening</c>.</summary>
    public static string Config(Layer layer, MatrixConfig config) => Markdown.Code(MatrixRun.Describe(layer, config));

    public static string Outcome(string? outcome) => outcome is null ? "not in this export" : Markdown.Code(outcome);

    /// <summary>The file an export of an OS would have, for a sentence that says there is none: "linux-&lt;release&gt;-native.tsv".</summary>
    public static string TsvFile(Os os, Layer layer) => MatrixTsv.FileName($"{MatrixTsv.OsWord(os)}-<release>", layer);

    public static string TsvLink(LoadedMatrix export) => Markdown.Link(export.FileName, ResultsLink + export.FileName);

    public static string ModelLink(BindModel model) =>
        Markdown.Link($"{model.GetType().Name}.cs", $"../src/BindingBehaviour/Matrix/{model.GetType().Name}.cs");

    /// <summary>The command that exports one layer on the OS it runs on.</summary>
    public static string ExportCommand(Layer layer) => string.Format(CultureInfo.InvariantCulture, MatrixExport.Command, LayerWord(layer));

    /// <summary>
    /// Which run observed an export: the run it is named after (its claims run, if that run's file is here), and the machine
    /// of its environment file.
    /// </summary>
    public static string Machine(LoadedMatrix export, MergedResults results)
    {
        var run = results.Run(export.RunName) is { } claims ? Labels.RunLink(claims, "") : Markdown.Code(export.RunName) + " (no claims run of that name)";
        if (export.Machine is { } machine)
        {
            return $"{run}: {Labels.OsName(export.Os)}, kernel {Markdown.Text(machine.Kernel)}, {Markdown.Text(machine.Runtime)} "
                + $"(`{machine.FileName}`); missing: {Markdown.Text(machine.Missing)}";
        }

        return $"{run}; no `{MatrixExport.EnvironmentFileName(export.RunName, export.Layer)}`";
    }

    /// <summary>A count, observed or predicted; predictions carry the ◻.</summary>
    public static string Count(int count, bool predicted) => predicted ? $"{Expected} {Number(count)}" : Number(count);
}
