using System.Globalization;
using BindingBehaviour.Matrix;

namespace BindingBehaviour.Docs.Tests;

/// <summary>
/// Small matrix exports written as the probe writes them (the TSV, its four drawings, its environment file), by default as
/// a machine without 127.0.0.2 and without IPv6 would make them: only the cells of 0.0.0.0 and 127.0.0.1, answered as the
/// model of the OS predicts, unless a test says otherwise for some cells.
/// </summary>
internal static class MatrixFixtures
{
    public const string Kernel = "6.1.0-fixture";

    public static string Folder(string results) => Path.Combine(results, "matrix");

    /// <summary>The run each OS's fixture export is named after.</summary>
    public static string RunName(Os os) => os switch
    {
        Os.Linux => "linux-" + Kernel,
        Os.Windows => "windows-10.0.26100.0",
        _ => "macos-15.5",
    };

    /// <summary>Cells a machine with IPv4 loopback only can run.</summary>
    public static bool Ipv4Only(MatrixCell cell) => cell.A.Address.Needs is null && cell.B.Address.Needs is null;

    /// <summary>The model's prediction for a cell of a layout.</summary>
    public static string Predicted(MatrixLayout layout, MatrixCell cell) => DotNetOptionMapping.Predict(layout, cell).Code;

    /// <summary>Writes an export; <paramref name="observe"/> returns an outcome for the cells that must not answer as predicted.</summary>
    public static string Write(string results, Os os, Layer layer, Func<MatrixCell, bool>? include = null, Func<MatrixCell, string?>? observe = null, string? run = null)
    {
        run ??= RunName(os);
        var layout = MatrixLayout.For(os, layer);
        include ??= Ipv4Only;
        var tsv = MatrixTsv.Export(layout, i =>
        {
            var cell = layout.Cells[i];
            if (!include(cell))
            {
                return null;
            }

            var outcome = observe?.Invoke(cell) ?? Predicted(layout, cell);
            CellOutcome.TryParse(outcome, out var parsed).Should().BeTrue(outcome);
            return parsed;
        });

        var folder = Folder(results);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, MatrixTsv.FileName(run, layer));
        File.WriteAllText(path, tsv);
        var rows = MatrixTsv.Parse(tsv);
        Draw(results, run, layout, rows);
        File.WriteAllText(
            Path.Combine(folder, MatrixExport.EnvironmentFileName(run, layer)),
            $"os: {os}\nkernel: {Kernel}\nruntime: .NET 10.0.0\nmissing: 127.0.0.2; IPv6\n"
            + $"cells: {rows.Count.ToString(CultureInfo.InvariantCulture)} run, {(layout.Cells.Count - rows.Count).ToString(CultureInfo.InvariantCulture)} skipped\n"
            + $"command: {string.Format(CultureInfo.InvariantCulture, MatrixExport.Command, MatrixWords.Layer(layer))}\n");
        return path;
    }

    /// <summary>Draws the four pictures of an export from its rows, as the probe does.</summary>
    private static void Draw(string results, string run, MatrixLayout layout, IReadOnlyList<MatrixRow> rows)
    {
        foreach (var (a, b) in MatrixLayout.ProtocolPairs)
        {
            File.WriteAllText(
                Path.Combine(Folder(results), MatrixSvg.FileName(run, layout.Layer, a, b)),
                MatrixSvg.Draw(rows, a, b, MatrixExport.Title(layout, a, b)));
        }
    }

    /// <summary>The rows of a written export.</summary>
    public static IReadOnlyList<MatrixRow> Rows(string results, Os os, Layer layer) =>
        MatrixTsv.Parse(File.ReadAllText(Path.Combine(Folder(results), MatrixTsv.FileName(RunName(os), layer))));

    /// <summary>A cell as the docs write it in a table: "`tcp 0.0.0.0 - bound`".</summary>
    public static string Code(Layer layer, MatrixConfig config) => $"`{MatrixRun.Describe(layer, config)}`";

    /// <summary>The lines of a page between a heading and the next heading of the same or a higher level.</summary>
    public static string Section(string page, string heading)
    {
        var start = page.IndexOf("\n" + heading + "\n", StringComparison.Ordinal);
        start.Should().BeGreaterThanOrEqualTo(0, $"the page has the heading \"{heading}\"");
        var level = heading.TakeWhile(c => c == '#').Count();
        var lines = page[(start + 1)..].Split('\n');
        var section = new List<string> { lines[0] };
        foreach (var line in lines.Skip(1))
        {
            var hashes = line.TakeWhile(c => c == '#').Count();
            if (hashes > 0 && hashes <= level && line.Length > hashes && line[hashes] == ' ')
            {
                break;
            }

            section.Add(line);
        }

        return string.Join('\n', section);
    }
}
