using System.Runtime.CompilerServices;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace BindingBehaviour.Tests.Infrastructure;

/// <summary>Marks a class as one claim: its id, its topic (an id from <see cref="Topic"/>) and the sentence it asserts.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ClaimAttribute(string id, string topic, string sentence) : Attribute
{
    public string Id { get; } = id;

    public string Topic { get; } = topic;

    public string Sentence { get; } = sentence;
}

/// <summary>A claim's test on one layer. It may skip (for a missing capability), so it is a SkippableFact.</summary>
[AttributeUsage(AttributeTargets.Method)]
[XunitTestCaseDiscoverer("BindingBehaviour.Tests.Infrastructure.ClaimFactDiscoverer", "BindingBehaviour.Tests")]
public sealed class ClaimFactAttribute(Layer layer, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    : SkippableFactAttribute
{
    public Layer Layer { get; } = layer;

    public string File { get; } = file;

    public int Line { get; } = line;
}

/// <summary>
/// What a claim expects on one OS, and the source that says so. The outcome is an outcome code ("ok",
/// "bind:AddressAlreadyInUse"), a measured value, "n/a", or alternatives joined by " | " where sources disagree.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class ExpectAttribute(Os os, string outcome, string source) : Attribute
{
    public Os Os { get; } = os;

    public string Outcome { get; } = outcome;

    public string Source { get; } = source;
}

/// <summary>
/// Discovers [ClaimFact] methods as SkippableFact test cases. SkippableFact's own discoverer reads the attribute's
/// first constructor argument as its list of skip exceptions, which a claim's layer is not.
/// </summary>
public sealed class ClaimFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    private static readonly string[] SkipExceptions = [typeof(Xunit.SkipException).FullName!];

    public IEnumerable<IXunitTestCase> Discover(
        ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute) =>
    [
        new SkippableFactTestCase(
            SkipExceptions,
            diagnosticMessageSink,
            discoveryOptions.MethodDisplayOrDefault(),
            discoveryOptions.MethodDisplayOptionsOrDefault(),
            testMethod),
    ];
}
