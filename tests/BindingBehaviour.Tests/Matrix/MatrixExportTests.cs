using System.Xml.Linq;
using BindingBehaviour.Matrix;
using BindingBehaviour.Native;
using BindingBehaviour.Tests.Infrastructure;
using Xunit.Abstractions;

namespace BindingBehaviour.Tests.Matrix;

/// <summary>The TSV export: deterministic, in the documented vocabulary and order, and equal to what is committed.</summary>
[Collection(MatrixCollection.Name)]
public sealed class MatrixExportTests(ITestOutputHelper output)
{
    private static string ResultsDirectory => Path.Combine(Repository.Root, "results", "matrix");

    [SkippableTheory]
    [InlineData(Layer.Native)]
    [InlineData(Layer.Managed)]
    public void Exporting_the_matrix_twice_gives_identical_text(Layer layer)
    {
        Skip.If(HostOs.Current is null, "Only Linux, Windows and macOS have a matrix.");
        var first = MatrixTsv.Export(MatrixRuns.Of(layer));
        var second = MatrixTsv.Export(MatrixRuns.Fresh(layer));
        var changed = Diff(MatrixTsv.Parse(first), MatrixTsv.Parse(second));
        changed.Should().BeEmpty("the same machine must answer every cell the same way twice:\n" + string.Join('\n', changed));
        second.Should().Be(first);
    }

    [SkippableTheory]
    [InlineData(Layer.Native)]
    [InlineData(Layer.Managed)]
    public void The_export_matches_the_committed_results_of_this_OS(Layer layer)
    {
        var os = HostOs.Current;
        Skip.If(os is null, "Only Linux, Windows and macOS have a matrix.");
        // The committed export of this run (named after the OS, its kernel or version, and BINDINGBEHAVIOUR_RUN_QUALIFIER).
        var path = Path.Combine(ResultsDirectory, MatrixTsv.FileName(MatrixExport.ThisRunName(), layer));
        Skip.IfNot(File.Exists(path), $"No committed export of this run ({Repository.Relative(path)}) yet: a run on {os} with this kernel or version makes it.");

        var run = MatrixRuns.Of(layer);
        var committed = MatrixTsv.Parse(File.ReadAllText(path));
        var observed = MatrixTsv.Parse(MatrixTsv.Export(run));
        var committedEnvironment = MatrixExport.ReadEnvironment(File.ReadAllText(Path.Combine(ResultsDirectory, MatrixExport.EnvironmentFileName(MatrixExport.ThisRunName(), layer))));
        var environment = MatrixExport.ReadEnvironment(MatrixExport.Environment(run));

        // Rows this machine could not run (no 127.0.0.2, no IPv6) are not a difference: say so and compare the rest.
        var observedKeys = observed.Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
        var notRunHere = committed.Count(r => !observedKeys.Contains(r.Key));
        if (notRunHere > 0)
        {
            output.WriteLine($"{notRunHere} committed cells were not run on this machine: {MatrixRuns.Skips(run)}");
        }

        var changed = Diff(committed, observed);
        if (changed.Count > 0 && committedEnvironment.GetValueOrDefault("kernel") != environment.GetValueOrDefault("kernel"))
        {
            Skip.If(true, $"This machine answers {changed.Count} cells differently from {Repository.Relative(path)}, which was made on kernel " +
                $"{committedEnvironment.GetValueOrDefault("kernel")}; this is {environment.GetValueOrDefault("kernel")}. A different kernel is a different " +
                $"environment, not a failure here (the model test judges this kernel). First differences:\n{string.Join('\n', changed.Take(20))}");
        }

        changed.Should().BeEmpty($"{Repository.Relative(path)} was made on this environment and must match a fresh run; if the change is real, " +
            $"regenerate it with {string.Format(System.Globalization.CultureInfo.InvariantCulture, MatrixExport.Command, MatrixWords.Layer(layer))}:\n{string.Join('\n', changed)}\n");
    }

    [Fact]
    public void Committed_exports_use_the_documented_header_vocabulary_and_order()
    {
        var files = Directory.Exists(ResultsDirectory) ? Directory.GetFiles(ResultsDirectory, "*.tsv") : [];
        files.Should().NotBeEmpty("results/matrix holds at least this repository's Linux exports");
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            text.Should().StartWith(MatrixTsv.Header + "\n").And.NotContain("\r");
            var rows = MatrixTsv.Parse(text); // throws on any word outside the vocabulary, naming the line
            var name = Path.GetFileNameWithoutExtension(file);
            var os = Enum.GetValues<Os>().Single(o => name.StartsWith(MatrixTsv.OsWord(o) + "-", StringComparison.Ordinal));
            var layer = name.EndsWith("-native", StringComparison.Ordinal) ? Layer.Native : Layer.Managed;
            rows.Should().OnlyContain(r => r.Layer == layer, $"{name} is one layer");

            // The rows follow the layout's order, with only cells this machine could not run left out.
            var layout = MatrixLayout.For(os, layer);
            var indices = rows.Select(r => layout.Find(r.A, r.B)?.Index ?? -1).ToList();
            indices.Should().NotContain(-1, $"every row of {name} is a cell of the {os} {layer} layout");
            indices.Should().BeInAscendingOrder($"{name} is written in the layout's fixed order").And.OnlyHaveUniqueItems();
        }
    }

    [Fact]
    public void Parsing_rejects_words_outside_the_vocabulary()
    {
        var good = "native\ttcp\t127.0.0.1\tREUSEADDR\tbound\tudp\t[::]\tV6ONLY\tbound\tok";
        MatrixTsv.Parse($"{MatrixTsv.Header}\n{good}\n").Should().ContainSingle();
        foreach (var bad in new[]
        {
            good.Replace("REUSEADDR", "REUSEPORT+REUSEADDR", StringComparison.Ordinal), // not the canonical order
            good.Replace("[::]", "::", StringComparison.Ordinal),
            good.Replace("\tudp\t[::]\tV6ONLY\tbound", "\tudp\t[::]\tV6ONLY\tlistening", StringComparison.Ordinal), // udp never listens
            good.Replace("127.0.0.1\tREUSEADDR", "127.0.0.1\tV6ONLY", StringComparison.Ordinal), // V6ONLY on IPv4
            good.Replace("\tok", "\tbind:EADDRINUSE", StringComparison.Ordinal),
            good.Replace("\tok", "\tsecond:bind:AddressAlreadyInUse", StringComparison.Ordinal),
        })
        {
            var parse = () => MatrixTsv.Parse($"{MatrixTsv.Header}\n{bad}\n");
            parse.Should().Throw<FormatException>().WithMessage("line 2:*");
        }

        var header = () => MatrixTsv.Parse($"layer proto_a\n{good}\n");
        header.Should().Throw<FormatException>().WithMessage("line 1:*");
    }

    [Fact]
    public void Outcome_codes_read_back_as_written()
    {
        foreach (var code in new[] { "ok", "bind:AddressAlreadyInUse", "listen:AddressAlreadyInUse", "first:bind:InvalidArgument" })
        {
            CellOutcome.TryParse(code, out var outcome).Should().BeTrue(code);
            outcome.Code.Should().Be(code);
        }
    }

    [Fact]
    public void The_drawing_is_a_pure_function_of_the_rows_with_a_legend()
    {
        var layout = MatrixLayout.For(Os.Linux, Layer.Native);
        var rows = MatrixTsv.Parse(MatrixTsv.ExportPredicted(layout));
        var svg = MatrixSvg.Draw(rows, Transport.Tcp, Transport.Udp, "Linux native, predicted");
        MatrixSvg.Draw(rows, Transport.Tcp, Transport.Udp, "Linux native, predicted").Should().Be(svg);

        var document = XDocument.Parse(svg);
        document.Root!.Name.LocalName.Should().Be("svg");
        svg.Should().Contain("bind:InvalidArgument (").And.Contain("[::ffff:127.0.0.1]").And.Contain("RA+RP v6 L");
    }

    [Fact]
    public void Comparing_exports_lists_the_cells_where_they_differ()
    {
        const string A = "native\ttcp\t0.0.0.0\t-\tbound\ttcp\t127.0.0.1\t-\tbound\t";
        const string B = "native\ttcp\t127.0.0.1\t-\tbound\ttcp\t127.0.0.1\t-\tbound\t";
        const string C = "native\ttcp\t127.0.0.1\tREUSEPORT\tbound\ttcp\t127.0.0.1\tREUSEPORT\tbound\t";
        var linux = $"{MatrixTsv.Header}\n{A}bind:AddressAlreadyInUse\n{B}bind:AddressAlreadyInUse\n{C}ok\n";
        var windows = $"{MatrixTsv.Header}\n{A}ok\n{B}bind:AddressAlreadyInUse\n";

        var result = MatrixComparison.Compare([("linux", linux), ("windows", windows)]);

        result.Differences.Should().ContainSingle();
        result.Differences[0].Cell.Key.Should().Be(A.TrimEnd('\t'));
        result.Differences[0].Outcomes.Should().Equal("bind:AddressAlreadyInUse", "ok");
        result.SharedCells.Should().Be(2);
        result.UnsharedCells.Should().Equal(1, 0);
    }

    private static List<string> Diff(IReadOnlyList<MatrixRow> expected, IReadOnlyList<MatrixRow> actual)
    {
        var result = MatrixComparison.Compare([("expected", expected), ("actual", actual)]);
        return [.. result.Differences.Select(d => $"  {d.Cell.Key.Replace('\t', ' ')}: {d.Outcomes[0] ?? "absent"} -> {d.Outcomes[1] ?? "absent"}")];
    }
}
