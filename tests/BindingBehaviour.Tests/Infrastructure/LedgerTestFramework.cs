using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestFramework("BindingBehaviour.Tests.Infrastructure.LedgerTestFramework", "BindingBehaviour.Tests")]

namespace BindingBehaviour.Tests.Infrastructure;

/// <summary>
/// xunit's own framework, with the descriptor ledger around the run: it looks at the process's descriptors right before
/// the first test collection starts and right after the last one finishes. A hook here, not AppDomain.ProcessExit: at
/// ProcessExit the test host has already torn down part of itself and may exit before the file is written, and a
/// module initializer runs before xunit's discovery, which opens descriptors of its own. Between these two moments only
/// the tests (and their fixtures, disposed by xunit when their class or collection ends) have run.
/// </summary>
public sealed class LedgerTestFramework(IMessageSink messageSink) : XunitTestFramework(messageSink)
{
    protected override ITestFrameworkExecutor CreateExecutor(AssemblyName assemblyName) =>
        new Executor(assemblyName, SourceInformationProvider, DiagnosticMessageSink);

    private sealed class Executor(AssemblyName assemblyName, ISourceInformationProvider sourceInformationProvider, IMessageSink diagnosticMessageSink)
        : XunitTestFrameworkExecutor(assemblyName, sourceInformationProvider, diagnosticMessageSink)
    {
        protected override async void RunTestCases(IEnumerable<IXunitTestCase> testCases, IMessageSink executionMessageSink, ITestFrameworkExecutionOptions executionOptions)
        {
            using var runner = new AssemblyRunner(TestAssembly, testCases, DiagnosticMessageSink, executionMessageSink, executionOptions);
            await runner.RunAsync();
        }
    }

    private sealed class AssemblyRunner(
        ITestAssembly testAssembly,
        IEnumerable<IXunitTestCase> testCases,
        IMessageSink diagnosticMessageSink,
        IMessageSink executionMessageSink,
        ITestFrameworkExecutionOptions executionOptions)
        : XunitTestAssemblyRunner(testAssembly, testCases, diagnosticMessageSink, executionMessageSink, executionOptions)
    {
        protected override async Task<RunSummary> RunTestCollectionsAsync(IMessageBus messageBus, CancellationTokenSource cancellationTokenSource)
        {
            DescriptorLedger.Begin();
            var summary = await base.RunTestCollectionsAsync(messageBus, cancellationTokenSource);
            try
            {
                var written = DescriptorLedger.End(Run.Recorder.Directory);
                DiagnosticMessageSink.OnMessage(new DiagnosticMessage($"The descriptor ledger is in {written}"));
            }
            catch (Exception e)
            {
                // The run's verdict stays the tests'; the CI judge (tools/BindingBehaviour.Ci) fails on the missing file.
                DiagnosticMessageSink.OnMessage(new DiagnosticMessage($"The descriptor ledger could not be written: {e}"));
            }

            return summary;
        }
    }
}
