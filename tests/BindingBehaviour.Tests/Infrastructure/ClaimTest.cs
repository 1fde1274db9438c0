using System.Net;
using System.Reflection;
using System.Runtime.CompilerServices;
using BindingBehaviour.Results;
using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: BindingBehaviour.Tests.Infrastructure.BeforeTheBody]

namespace BindingBehaviour.Tests.Infrastructure;

/// <summary>
/// The base of every claim: a test observes an outcome, and this class records it, compares it with the expectation
/// for the OS that runs it, and verifies the OS's error number and message against the per-OS snapshot.
/// </summary>
public abstract class ClaimTest(ITestOutputHelper output)
{
    protected static readonly IPAddress Loopback = IPAddress.Loopback;
    protected static readonly IPAddress Any = IPAddress.Any;

    protected ITestOutputHelper Output { get; } = output;

    /// <summary>Records what the OS answered, then asserts it is what the claim expects on this OS.</summary>
    protected void Observe(Outcome outcome, string? detail = null, [CallerMemberName] string method = "")
    {
        var (layer, expectation) = ExpectationFor(method);
        Record(new Observation(Id, layer.ToString(), Observation.Observed, outcome.Code,
            outcome.Succeeded ? null : outcome.NativeCode, outcome.Succeeded ? null : outcome.Message, detail, null));

        outcome.Code.Should().BeOneOf(expectation.Accepted,
            "the claim expects it on {0} ({1}){2}", HostOs.Require(), expectation.Source, detail is null ? "" : $"; {detail}");

        if (!outcome.Succeeded)
        {
            Snapshot.Verify(Snapshot.OfRefusal(outcome.Code, outcome.NativeCode, outcome.Message), GetType().Name, method, HostOs.Require());
        }
    }

    /// <summary>Records a measured value (not an outcome code), then asserts it is what the claim expects on this OS.</summary>
    protected void ObserveValue(string value, string? detail = null, [CallerMemberName] string method = "")
    {
        var (layer, expectation) = ExpectationFor(method);
        Record(new Observation(Id, layer.ToString(), Observation.Observed, value, null, null, detail, null));
        value.Should().BeOneOf(expectation.Accepted,
            "the claim expects it on {0} ({1}){2}", HostOs.Require(), expectation.Source, detail is null ? "" : $"; {detail}");
    }

    /// <summary>
    /// Skips, with the reason recorded for the docs, when the experiment itself finds this machine lacking (an option the
    /// kernel refuses, say). What a claim needs before it starts is declared with <see cref="NeedsAttribute"/> instead.
    /// </summary>
    protected void Require(bool capability, string reason, [CallerMemberName] string method = "")
    {
        if (capability)
        {
            return;
        }

        var (layer, _) = ExpectationFor(method);
        Record(new Observation(Id, layer.ToString(), Observation.Skipped, null, null, null, null, reason));
        Skip.If(true, reason);
    }

    /// <summary>The environment this test declared with <see cref="SandboxAttribute"/>, already checked.</summary>
    protected LinuxSandbox Sandbox([CallerMemberName] string method = "") =>
        GetType().GetMethod(method)?.GetCustomAttribute<SandboxAttribute>()?.Build()
        ?? throw new InvalidOperationException($"{GetType().Name}.{method} declares no [Sandbox].");

    private string Id => IdOf(GetType());

    private static string IdOf(Type type) => type.GetCustomAttribute<ClaimAttribute>()?.Id
        ?? throw new InvalidOperationException($"{type.Name} has no [Claim] attribute.");

    private (Layer Layer, Expectation Expectation) ExpectationFor(string method) =>
        ExpectationFor(GetType(), GetType().GetMethod(method), Output);

    /// <summary>
    /// Runs before a claim's body (<see cref="BeforeTheBodyAttribute"/>): skips a test whose expectation on this OS is n/a,
    /// so that a claim that does not apply here never looks for another OS's tools or files on its way to the skip, then
    /// a test this machine lacks a declared capability or sandbox for.
    /// </summary>
    internal static void CheckBeforeTheBody(MethodInfo method)
    {
        if (method.ReflectedType is not { } type || !type.IsSubclassOf(typeof(ClaimTest)) || method.GetCustomAttribute<ClaimFactAttribute>() is not { } fact)
        {
            return;
        }

        _ = ExpectationFor(type, method, output: null);
        var missing = method.GetCustomAttributes<NeedsAttribute>().Select(n => n.WhyMissing()).FirstOrDefault(m => m is not null)
            ?? method.GetCustomAttribute<SandboxAttribute>()?.Build().MissingCapability;
        if (missing is not null)
        {
            Record(type, new Observation(IdOf(type), fact.Layer.ToString(), Observation.Skipped, null, null, null, null, missing), output: null);
            Skip.If(true, missing);
        }
    }

    private static (Layer Layer, Expectation Expectation) ExpectationFor(Type type, MethodInfo? method, ITestOutputHelper? output)
    {
        var fact = method?.GetCustomAttribute<ClaimFactAttribute>()
            ?? throw new InvalidOperationException($"{type.Name}.{method?.Name} is not a [ClaimFact].");
        var variant = ClaimCatalog.For(type).Variants.Single(v => v.Layer == fact.Layer.ToString());
        var os = HostOs.Require().ToString();
        if (!variant.Expectations.TryGetValue(os, out var expectation))
        {
            throw new InvalidOperationException($"{type.Name}.{method.Name} states no expectation for {os}.");
        }

        if (expectation.Outcome == Expectation.NotApplicable)
        {
            var reason = $"does not apply on {os}: {expectation.Source}";
            Record(type, new Observation(IdOf(type), fact.Layer.ToString(), Observation.Skipped, null, null, null, null, reason), output);
            Skip.If(true, reason);
        }

        return (fact.Layer, expectation);
    }

    private void Record(Observation observation) => Record(GetType(), observation, Output);

    private static void Record(Type type, Observation observation, ITestOutputHelper? output)
    {
        // The hash of the body that ran, so that an observation made before the claim changed is shown as stale.
        var hash = ClaimCatalog.For(type).Variants.Single(v => v.Layer == observation.Layer).BodyHash;
        observation = observation with { BodyHash = hash };
        Run.Recorder.Record(observation);
        output?.WriteLine($"CLAIM {observation.Claim} [{observation.Layer}] {observation.Status}: "
            + (observation.Outcome ?? observation.SkipReason)
            + (observation.NativeCode is { } code ? $" ({code}: {observation.Message})" : "")
            + (observation.Detail is { } detail ? $" — {detail}" : ""));
    }
}

/// <summary>Runs <see cref="ClaimTest.CheckBeforeTheBody"/> before every test method, ahead of the claim's own body.</summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class BeforeTheBodyAttribute : BeforeAfterTestAttribute
{
    public override void Before(MethodInfo methodUnderTest) => ClaimTest.CheckBeforeTheBody(methodUnderTest);
}
