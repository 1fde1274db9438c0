using BindingBehaviour.Results;
using BindingBehaviour.Tests.Infrastructure;

namespace BindingBehaviour.Tests.Engine;

/// <summary>
/// A run verifies the snapshots of the OS it runs on. The snapshots of the other OSes are written from what those
/// OSes document (<see cref="DocumentedErrors"/>), so that their CI run checks the documented number and text; this
/// test keeps every such snapshot present and in line with the table. An uncertain expectation has no expected
/// snapshot unless one is written for one of its alternatives; the first run on that OS settles it. Every documented
/// snapshot starts with <see cref="Snapshot.DocumentedMarker"/> and its source.
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
                    var expectation = variant.Expectations[os.ToString()];
                    if (expectation.IsUncertain)
                    {
                        CheckUncertain(expectation, type.Name, method.Name, os, $"{claim.Id} ({fact.Layer}) on {os}", problems);
                        continue;
                    }

                    if (Expected(expectation, os) is not { } expected)
                    {
                        if (DocumentedSnapshot(type.Name, method.Name, os) is { } stale)
                        {
                            problems.Add($"{claim.Id} ({fact.Layer}) on {os}: {stale} is documented, but \"{expectation.Outcome}\" expects no refusal");
                        }

                        continue;
                    }

                    try
                    {
                        Snapshot.VerifyDocumented(expected, DocumentedErrors.Source(os), type.Name, method.Name, os);
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

    /// <summary>
    /// An uncertain expectation may have a documented snapshot of one alternative (so a refusal on that OS is not
    /// "missing"); it must then be that alternative's documented text, under the marker.
    /// </summary>
    private static void CheckUncertain(Expectation expectation, string className, string methodName, Os os, string what, List<string> problems)
    {
        var file = Path.Combine(Snapshot.Directory, Snapshot.FileName(className, methodName, os, "verified"));
        if (!File.Exists(file))
        {
            return;
        }

        var text = File.ReadAllText(file).Replace("\r\n", "\n").TrimEnd('\n');
        if (Snapshot.WithoutMarker(text) is null)
        {
            return; // observed by a run of that OS
        }

        var alternatives = expectation.Accepted
            .Select(outcome => Expected(new Expectation(outcome, expectation.Source), os))
            .OfType<string>()
            .Select(content => Snapshot.DocumentedMarker + DocumentedErrors.Source(os) + "\n" + content);
        if (!alternatives.Contains(text))
        {
            problems.Add($"{what}: the documented snapshot {Path.GetFileName(file)} is none of the alternatives \"{expectation.Outcome}\"");
        }
    }

    /// <summary>The file name of a documented (not observed) snapshot, if there is one.</summary>
    private static string? DocumentedSnapshot(string className, string methodName, Os os)
    {
        var file = Path.Combine(Snapshot.Directory, Snapshot.FileName(className, methodName, os, "verified"));
        return File.Exists(file) && Snapshot.WithoutMarker(File.ReadAllText(file).Replace("\r\n", "\n")) is not null
            ? Path.GetFileName(file)
            : null;
    }

    private static string? Expected(Expectation expectation, Os os) =>
        expectation.IsUncertain || Outcome.ParseCode(expectation.Outcome) is not var (_, error)
            ? null
            : DocumentedErrors.For(os, error) is var (code, message)
                ? Snapshot.OfRefusal(expectation.Outcome, code, message)
                : throw new InvalidOperationException($"No documented error for {error} on {os}: add it to DocumentedErrors.");
}
