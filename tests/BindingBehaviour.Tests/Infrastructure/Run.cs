using BindingBehaviour.Results;

namespace BindingBehaviour.Tests.Infrastructure;

/// <summary>The recorder of this test run: every claim writes its observation here, whatever its verdict.</summary>
public static class Run
{
    private static readonly Lazy<RunRecorder> Lazy = new(() =>
        new RunRecorder(RunRecorder.DefaultDirectory(Repository.Root), Repository.Root, ClaimCatalog.Manifest));

    public static RunRecorder Recorder => Lazy.Value;
}
