using BindingBehaviour.Matrix;
using BindingBehaviour.Tests.Infrastructure;

namespace BindingBehaviour.Tests.Matrix;

/// <summary>
/// The committed matrix exports of every Linux kernel the sweep ran (tools/kernels/sweep: Debian's user-mode Linux
/// kernels and the host, <c>results/matrix/linux-&lt;release&gt;[-qualifier]-&lt;layer&gt;.tsv</c>), judged without
/// running anything: every cell against the Linux model of that kernel (<see cref="LinuxBindModel.For"/>), and the
/// kernel selftest rows against each native export. A kernel that answers differently from the newest rules is a
/// finding only with a <see cref="KernelChange"/> that names the kernel change behind it.
/// </summary>
public sealed class KernelExportTests
{
    private static string ResultsDirectory => Path.Combine(Repository.Root, "results", "matrix");

    /// <summary>A committed export of one kernel run: its run name, layer, kernel release and rows.</summary>
    private sealed record KernelExport(string Name, Layer Layer, string Kernel, IReadOnlyList<MatrixRow> Rows);

    private static readonly Lazy<IReadOnlyList<KernelExport>> Exports = new(ReadExports);

    private static IReadOnlyList<KernelExport> ReadExports()
    {
        var exports = new List<KernelExport>();
        foreach (var layer in new[] { Layer.Native, Layer.Managed })
        {
            var suffix = $"-{MatrixWords.Layer(layer)}.tsv";
            foreach (var file in Directory.GetFiles(ResultsDirectory, "linux-*" + suffix).Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileName(file)[..^suffix.Length];
                if (name == "linux")
                {
                    continue; // linux-<layer>.tsv: the export named by OS only, from before one file per run
                }

                var environmentFile = Path.Combine(ResultsDirectory, $"{name}-{MatrixWords.Layer(layer)}.environment.txt");
                File.Exists(environmentFile).Should().BeTrue($"{Repository.Relative(file)} comes with the environment that made it");
                var kernel = MatrixExport.ReadEnvironment(File.ReadAllText(environmentFile)).GetValueOrDefault("kernel");
                kernel.Should().NotBeNullOrEmpty($"{Repository.Relative(environmentFile)} names its kernel");
                exports.Add(new KernelExport(name, layer, kernel!, MatrixTsv.Parse(File.ReadAllText(file))));
            }
        }

        return exports;
    }

    [Fact]
    public void The_sweep_has_committed_both_matrices_of_the_oldest_and_newest_kernels_and_the_ones_between()
    {
        foreach (var layer in new[] { Layer.Native, Layer.Managed })
        {
            var kernels = Exports.Value.Where(e => e.Layer == layer).Select(e => LinuxBindModel.ParseRelease(e.Kernel)).ToList();
            foreach (var series in new[] { "5.10", "6.1", "6.12" })
            {
                kernels.Should().Contain(v => v != null && $"{v.Major}.{v.Minor}" == series,
                    $"tools/kernels/sweep commits the {MatrixWords.Layer(layer)} matrix of Linux {series} (Debian's user-mode Linux)");
            }

            kernels.Should().Contain(v => v != null && v.Major >= 7, $"the sweep commits the {MatrixWords.Layer(layer)} matrix of the newest kernel (Debian sid)");
        }
    }

    [Fact]
    public void Every_cell_of_every_kernel_export_is_answered_as_the_model_of_that_kernel_predicts()
    {
        Exports.Value.Should().NotBeEmpty("results/matrix holds the sweep's kernel exports");
        var wrong = new List<string>();
        foreach (var export in Exports.Value)
        {
            var model = LinuxBindModel.For(export.Kernel);
            var layout = MatrixLayout.For(Os.Linux, export.Layer);
            var disagreeing = 0;
            foreach (var row in export.Rows)
            {
                var cell = layout.Find(row.A, row.B);
                cell.Should().NotBeNull($"{export.Name}: {row.Key} is a cell of the Linux layout");
                var predicted = DotNetOptionMapping.Predict(model, layout, cell!.Value).Code;
                if (predicted != row.Outcome && ++disagreeing <= 20)
                {
                    wrong.Add($"  {export.Name} {MatrixWords.Layer(export.Layer)} (kernel {export.Kernel}): {row.Key.Replace('\t', ' ')}: " +
                        $"the model ({model.Title}) predicts {predicted}, the kernel answered {row.Outcome}");
                }
            }
        }

        wrong.Should().BeEmpty("every kernel answers every cell as the Linux model of that kernel predicts; a new difference " +
            $"needs a LinuxBindModel.KernelChanges entry citing the kernel change:\n{string.Join('\n', wrong)}\n");
    }

    [Fact]
    public void Each_native_kernel_export_answers_the_kernel_selftest_rows_or_a_cited_kernel_change_explains_why_not()
    {
        var wrong = new List<string>();
        var checkedRows = 0;
        foreach (var export in Exports.Value.Where(e => e.Layer == Layer.Native))
        {
            var outcomes = export.Rows.ToDictionary(r => r.Key, r => r.Outcome, StringComparer.Ordinal);
            var model = LinuxBindModel.For(export.Kernel);
            foreach (var check in KernelSelftestTable.Cases)
            {
                if (!outcomes.TryGetValue(MatrixTsv.Key(Layer.Native, check.Cell.A, check.Cell.B), out var observed))
                {
                    continue; // an IPv6 row on a kernel run without IPv6
                }

                checkedRows++;
                var expected = check.Expected.Code;
                var predicted = model.Predict(check.First, check.Second).Code;
                if (observed != predicted)
                {
                    wrong.Add($"  {export.Name}: {check.Name}: the model of {export.Kernel} predicts {predicted}, the kernel answered {observed}");
                }
                else if (observed != expected && model.Changes.Count == 0)
                {
                    wrong.Add($"  {export.Name}: {check.Name}: {KernelSelftestTable.Source} expects {expected}, the kernel answered {observed}, and no kernel change explains it");
                }
            }
        }

        checkedRows.Should().BeGreaterThan(0, "the native exports hold the selftest's cells");
        wrong.Should().BeEmpty($"each kernel answers {KernelSelftestTable.Source} as its model says:\n{string.Join('\n', wrong)}\n");
    }

    [Fact]
    public void Every_kernel_change_changes_a_cell_some_committed_kernel_answered_and_only_on_the_kernels_it_names()
    {
        foreach (var change in LinuxBindModel.KernelChanges)
        {
            var seen = false;
            foreach (var export in Exports.Value)
            {
                var version = LinuxBindModel.ParseRelease(export.Kernel);
                var model = LinuxBindModel.For(export.Kernel);
                if (version is null || !change.AppliesTo(version))
                {
                    model.Changes.Should().NotContain(change, $"{change.Id} does not apply to {export.Kernel}");
                    continue;
                }

                var layout = MatrixLayout.For(Os.Linux, export.Layer);
                seen |= export.Rows.Any(row =>
                {
                    var cell = layout.Find(row.A, row.B)!.Value;
                    return DotNetOptionMapping.Predict(LinuxBindModel.Instance, layout, cell).Code != row.Outcome
                        && DotNetOptionMapping.Predict(model, layout, cell).Code == row.Outcome;
                });
            }

            seen.Should().BeTrue($"\"{change.Id}\" is a rule only if a committed kernel export shows a cell the newest rules get wrong and it gets right");
            change.Cause.Should().MatchRegex("[0-9a-f]{12}", "each kernel change cites the torvalds/linux commit behind it");
        }
    }

    [Theory]
    [InlineData("6.1.176", true)]
    [InlineData("6.1.0-26-amd64", true)]
    [InlineData("5.10.46", false)]
    [InlineData("6.12.113", false)]
    [InlineData("6.18.44-fc-v1045", false)]
    [InlineData("7.2.7", false)]
    [InlineData("not a release", false)]
    public void The_Linux_model_of_a_kernel_release_takes_the_changes_of_its_series(string release, bool bhash2MissesMappedWildcard)
    {
        var model = LinuxBindModel.For(release);
        model.Changes.Any(c => c.Id == KernelChange.MappedWildcardMissedByMappedAddress).Should().Be(bhash2MissesMappedWildcard);
        if (!bhash2MissesMappedWildcard)
        {
            model.Should().BeSameAs(LinuxBindModel.Instance, "a kernel with no known difference gets the newest rules");
        }

        BindModel.For(Os.Linux).Should().BeSameAs(LinuxBindModel.Instance, "the model of Linux without a release is the newest kernels'");
        LinuxBindModel.ParseRelease("6.18.44-fc-v1045").Should().Be(new Version(6, 18, 44));
    }
}
