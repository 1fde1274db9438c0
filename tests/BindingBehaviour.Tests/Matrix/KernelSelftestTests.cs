using BindingBehaviour.Matrix;
using BindingBehaviour.Native;
using BindingBehaviour.Probe;

namespace BindingBehaviour.Tests.Matrix;

/// <summary>
/// The pair rows of torvalds/linux tools/testing/selftests/net/bind_wildcard.c, against the Linux model and against
/// this kernel. The table is TCP without listen; IPV6_V6ONLY is set explicitly, so net.ipv6.bindv6only does not matter.
/// </summary>
[Collection(MatrixCollection.Name)]
public sealed class KernelSelftestTests
{
    [Fact]
    public void The_Linux_model_predicts_every_row_of_the_kernel_selftest()
    {
        var wrong = new List<string>();
        foreach (var check in KernelSelftestTable.Cases)
        {
            var predicted = LinuxBindModel.Instance.Predict(check.First, check.Second);
            if (predicted != check.Expected)
            {
                wrong.Add($"  {check.Name}: the selftest expects {check.Expected.Code}, the model predicts {predicted.Code}");
            }
        }

        KernelSelftestTable.Rows.Should().HaveCount(44);
        wrong.Should().BeEmpty($"the model must agree with {KernelSelftestTable.Source}:\n{string.Join('\n', wrong)}\n");
    }

    [SkippableFact]
    public void This_kernel_answers_every_row_of_the_kernel_selftest()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "The selftest table is Linux's.");
        Skip.IfNot(MatrixCapabilities.OfThisMachine.Has(MatrixCapabilities.IPv6),
            $"The table needs IPv6: {MatrixCapabilities.OfThisMachine}");

        // A kernel with a cited difference from the newest rules (LinuxBindModel.KernelChanges, e.g. 6.1's bhash2) answers
        // some rows as its model says instead; any other difference from the table is a failure.
        var model = LinuxBindModel.For(LinuxBindModel.ThisKernelRelease());
        var wrong = new List<string>();
        var explained = new List<string>();
        foreach (var check in KernelSelftestTable.Cases)
        {
            var result = ProbeRunner.Run(new ProbeSequenceCommand(Layer.Native, false,
            [
                new ProbeSocket(Transport.Tcp, check.First.Address, 0, (int)check.First.Options, false),
                new ProbeSocket(Transport.Tcp, check.Second.Address, null, (int)check.Second.Options, false),
            ]));
            result.Steps[0].Observed!.OrThrow($"{check.Name}: socket 0");
            var observed = CellOutcome.From(result.Steps[1].Observed!);
            var predicted = model.Predict(check.First, check.Second);
            if (observed != predicted)
            {
                wrong.Add($"  {check.Name}: the selftest expects {check.Expected.Code}, the model of this kernel {predicted.Code}, this kernel answered {observed.Code}");
            }
            else if (observed != check.Expected)
            {
                explained.Add($"  {check.Name}: {observed.Code}, as {string.Join("; ", model.Changes.Select(c => c.Id))}");
            }
        }

        wrong.Should().BeEmpty($"this kernel ({Environment.OSVersion}) must answer as {KernelSelftestTable.Source} expects, or as a " +
            $"kernel change of its model explains:\n{string.Join('\n', wrong)}\nexplained by the model of this kernel:\n{string.Join('\n', explained)}\n");
    }
}
