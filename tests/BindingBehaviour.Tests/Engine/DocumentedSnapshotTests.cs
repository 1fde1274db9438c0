using BindingBehaviour.Results;
using BindingBehaviour.Tests.Infrastructure;

namespace BindingBehaviour.Tests.Engine;

/// <summary>
/// A run verifies the snapshots of the OS it runs on. The snapshots of the other OSes are written from what those
/// OSes document (<see cref="DocumentedErrors"/>), so that their CI run checks the documented number and text; this
/// test keeps every such snapshot present and in line with the table. An uncertain expectation has no expected
/// snapshot: the first run on that OS settles it.
/// </summary>
public sealed class DocumentedSnapshotTests
{
    [Fact]
    public void Every_expected_refusal_on_another_OS_has_its_documented_snapshot()
    {
        var problems = new List<string>();
        foreach (var (type, claim) in ClaimCatalog.ClaimClasses())
        {
            foreach (var method in type.GetMethods())
            {
                if (method.GetCustomAttributes(typeof(ClaimFactAttribute), false) is not [ClaimFactAttribute fact])
                {
                    continue;
                }

                var variant = ClaimCatalog.For(type).Variants.Single(v => v.Layer == fact.Layer.ToString());
                foreach (var os in Enum.GetValues<Os>().Where(os => os != HostOs.Current))
                {
                    if (Expected(variant.Expectations[os.ToString()], os) is not { } expected)
                    {
                        continue;
                    }

                    try
                    {
                        Snapshot.Verify(expected, type.Name, method.Name, os);
                    }
                    catch (Xunit.Sdk.XunitException e)
                    {
                        problems.Add($"{claim.Id} ({fact.Layer}) on {os}: {e.Message.Split('\n')[0]}");
                    }
                }
            }
        }

        problems.Should().BeEmpty();
    }

    private static string? Expected(Expectation expectation, Os os) =>
        expectation.IsUncertain || Outcome.ParseCode(expectation.Outcome) is not var (_, error)
            ? null
            : DocumentedErrors.For(os, error) is var (code, message)
                ? Snapshot.OfRefusal(expectation.Outcome, code, message)
                : throw new InvalidOperationException($"No documented error for {error} on {os}: add it to DocumentedErrors.");
}
