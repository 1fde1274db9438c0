using System.Reflection;
using BindingBehaviour.Results;
using BindingBehaviour.Tests.Infrastructure;

namespace BindingBehaviour.Tests.Engine;

/// <summary>Every claim is complete and well-formed, and results/catalog.json is exactly what the tests define.</summary>
public sealed class CatalogTests
{
    [Fact]
    public void Every_claim_states_a_sourced_expectation_for_every_OS_on_each_of_its_layers()
    {
        var claims = ClaimCatalog.All;
        claims.Should().NotBeEmpty();
        claims.Select(c => c.Id).Should().OnlyHaveUniqueItems();

        foreach (var claim in claims)
        {
            Topic.Find(claim.Topic).Should().NotBeNull($"{claim.Id} names topic {claim.Topic}");
            claim.Variants.Should().NotBeEmpty($"{claim.Id} needs at least one [ClaimFact]");
            foreach (var variant in claim.Variants)
            {
                variant.Expectations.Keys.Should().BeEquivalentTo(Enum.GetNames<Os>(), $"{claim.Id} ({variant.Layer}) expects something on every OS");
                foreach (var (os, expectation) in variant.Expectations)
                {
                    expectation.Source.Should().NotBeNullOrWhiteSpace($"{claim.Id} ({variant.Layer}) on {os} needs a source");
                    expectation.Accepted.Should().OnlyContain(a => a.Length > 0 && a.Trim() == a, $"{claim.Id} on {os}: \"{expectation.Outcome}\"");
                }

                variant.Code.Should().NotBeNullOrWhiteSpace();
            }
        }

        ResultsJson.ValidateClaims(claims, "the claim catalog", catalog: true);
    }

    /// <summary>The command that writes results/catalog.json (the docs tool reads this assembly's metadata, <see cref="CatalogBuilder"/>).</summary>
    public const string CatalogCommand = "dotnet run --project tools/BindingBehaviour.Docs -- catalog";

    [Fact]
    public void The_committed_catalog_is_what_the_tests_define()
    {
        var path = Path.Combine(Repository.Root, "results", CatalogFile.FileName);
        File.Exists(path).Should().BeTrue($"{Repository.Relative(path)} holds the claim catalog; write it with: {CatalogCommand}");

        var committed = ResultsJson.ReadCatalog(path);
        var defined = ClaimCatalog.File;
        var before = committed.Claims.ToDictionary(c => c.Id, c => ResultsJson.Serialize(c), StringComparer.Ordinal);
        var after = defined.Claims.ToDictionary(c => c.Id, c => ResultsJson.Serialize(c), StringComparer.Ordinal);
        var differences = before.Keys.Union(after.Keys).Order(StringComparer.Ordinal)
            .Where(id => before.GetValueOrDefault(id) != after.GetValueOrDefault(id))
            .Select(id => !before.ContainsKey(id) ? $"missing from the catalog: {id}"
                : !after.ContainsKey(id) ? $"in the catalog, no longer in the tests: {id}"
                : $"defined differently: {id}")
            .ToList();

        differences.Should().BeEmpty($"{Repository.Relative(path)} must be what the tests define; regenerate it with: {CatalogCommand}");
        ResultsJson.WriteCatalog(defined).Should().Be(File.ReadAllText(path), "the committed catalog is written in canonical form");
    }

    [Fact]
    public void Every_claim_class_uses_a_claim_fact_per_layer_and_derives_from_ClaimTest()
    {
        foreach (var (type, claim) in ClaimCatalog.ClaimClasses())
        {
            type.Should().BeAssignableTo<ClaimTest>($"{claim.Id} records through ClaimTest");
            var layers = type.GetMethods().Select(m => m.GetCustomAttribute<ClaimFactAttribute>()).OfType<ClaimFactAttribute>().Select(f => f.Layer);
            layers.Should().OnlyHaveUniqueItems($"{claim.Id} has one test per layer");
        }
    }

    [Fact]
    public void Every_claim_class_is_named_after_its_id()
    {
        // One name per claim: the id with '-' as '_' and its first letter upper case, so snapshots, test names and the
        // docs' anchors all say the same thing.
        foreach (var (type, claim) in ClaimCatalog.ClaimClasses())
        {
            var expected = char.ToUpperInvariant(claim.Id[0]) + claim.Id[1..].Replace('-', '_');
            type.Name.Should().Be(expected, $"the class of claim \"{claim.Id}\" is named after its id");
        }
    }

    [Fact]
    public void Every_snapshot_belongs_to_a_claim_test()
    {
        var tests = ClaimCatalog.ClaimClasses()
            .SelectMany(x => x.Type.GetMethods().Where(m => m.GetCustomAttribute<ClaimFactAttribute>() is not null).Select(m => $"{x.Type.Name}.{m.Name}"))
            .ToHashSet();
        var snapshots = Directory.Exists(Snapshot.Directory)
            ? Directory.GetFiles(Snapshot.Directory, "*.verified.txt").Select(Path.GetFileName).OfType<string>()
            : [];

        foreach (var file in snapshots)
        {
            var parts = file.Split('.');
            tests.Should().Contain($"{parts[0]}.{parts[1]}", $"{file} is a snapshot of a claim test that no longer exists");
        }
    }

    /// <summary>What a body would call to find out about the machine instead of declaring it with [Needs] or [Sandbox].</summary>
    private static readonly string[] CapabilityChecks =
        ["Capabilities.", "MissingCapability", "WhyUnavailable", "Socket.OSSupports", "IsPrivilegedProcess", "OperatingSystem.Is"];

    [Fact]
    public void Claim_bodies_declare_what_they_need_instead_of_checking_it()
    {
        var checking = ClaimCatalog.All
            .SelectMany(c => c.Variants.Select(v => (c.Id, v.Layer, v.Code)))
            .SelectMany(v => CapabilityChecks.Where(check => v.Code.Contains(check, StringComparison.Ordinal)).Select(check => $"{v.Id} ({v.Layer}): {check}"))
            .ToList();
        checking.Should().BeEmpty("a claim declares its capabilities on its fact ([Needs], [Sandbox]), so they are checked before the body runs");

        var undeclared = ClaimCatalog.ClaimClasses()
            .SelectMany(x => x.Type.GetMethods().Where(m => m.GetCustomAttribute<ClaimFactAttribute>() is not null).Select(m => (x.Type, Method: m)))
            .Where(x => ClaimCatalog.For(x.Type).Variants.Single(v => v.Layer == x.Method.GetCustomAttribute<ClaimFactAttribute>()!.Layer.ToString())
                .Code.Contains("Sandbox()", StringComparison.Ordinal) != (x.Method.GetCustomAttribute<SandboxAttribute>() is not null))
            .Select(x => $"{x.Type.Name}.{x.Method.Name}");
        undeclared.Should().BeEmpty("a body that runs in Sandbox() declares it with [Sandbox], and a [Sandbox] is used by its body");
    }

    /// <summary>The widest line a claim or recipe file may have: they are read like notebooks, on a page, in a diff.</summary>
    private const int NotebookLineWidth = 140;

    [Theory]
    [InlineData("Claims")]
    [InlineData("Recipes")]
    public void Notebook_files_fit_on_a_page(string folder)
    {
        var directory = Path.Combine(Repository.Root, "tests", "BindingBehaviour.Tests", folder);
        var wide = Directory.GetFiles(directory, "*.cs")
            .SelectMany(file => File.ReadLines(file).Select((line, index) => (file, line, number: index + 1)))
            .Where(x => x.line.Length > NotebookLineWidth)
            .Select(x => $"{Repository.Relative(x.file)}:{x.number} ({x.line.Length} columns)");
        wide.Should().BeEmpty($"a line of a {folder} file fits in {NotebookLineWidth} columns; wrap [Expect] and step texts with +");
    }
}
