using BindingBehaviour.Matrix;
using Xunit.Abstractions;

namespace BindingBehaviour.Tests.Matrix;

/// <summary>
/// The exhaustive pairwise matrix, run on this OS, against the model of this OS cell by cell. Natively the model is the
/// OS's rules as code; in .NET it is the same model after .NET's option mapping (<see cref="DotNetOptionMapping"/>).
/// Every disagreement is a finding and is named in the failure message.
/// </summary>
[Collection(MatrixCollection.Name)]
public sealed class MatrixModelTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void Every_native_cell_is_answered_as_the_model_of_this_OS_predicts() => AgreesEverywhere(Layer.Native);

    [SkippableFact]
    public void Every_managed_cell_is_answered_as_the_model_predicts_after_dotnet_option_mapping() => AgreesEverywhere(Layer.Managed);

    [Fact]
    public void The_Linux_layout_has_the_cells_the_issue_counts()
    {
        var layout = MatrixLayout.For(Os.Linux, Layer.Native);
        layout.TcpConfigs.Should().HaveCount(88);
        layout.UdpConfigs.Should().HaveCount(44);
        layout.Cells.Should().HaveCount((88 * 88) + (2 * 88 * 44) + (44 * 44)).And.HaveCount(17_424);
        MatrixLayout.For(Os.Windows, Layer.Native).TcpConfigs.Should().NotContain(c => (c.Native & NativeOptions.ReusePort) != 0,
            "Windows has no SO_REUSEPORT, so no cell of its matrix sets it");
    }

    [Fact]
    public void Every_model_describes_itself_with_its_sources()
    {
        foreach (var model in BindModel.All)
        {
            model.Title.Should().NotBeNullOrWhiteSpace();
            model.Description.Should().Contain("Sources:", $"the {model.Os} model cites where its rules come from");
        }

        DotNetOptionMapping.Description.Should().Contain("pal_networking.c");
    }

    private void AgreesEverywhere(Layer layer)
    {
        Skip.If(HostOs.Current is null, "Only Linux, Windows and macOS have a model.");
        var run = MatrixRuns.Of(layer);
        output.WriteLine(ProbeSummary(run));
        Skip.If(run.CellsRun == 0, $"No cell could run here: {MatrixRuns.Skips(run)}");

        var disagreements = run.Disagreements();
        disagreements.Should().BeEmpty(
            $"the {run.Layout.Os} {MatrixWords.Layer(layer)} model must predict every cell; {disagreements.Count} of {run.CellsRun} disagree:\n{MatrixRuns.Describe(run)}\n");
    }

    private static string ProbeSummary(MatrixRun run) => BindingBehaviour.Probe.ProbeCli.Summary(run);
}
