using System.Reflection;
using BindingBehaviour.Results;

namespace BindingBehaviour.Tests.Infrastructure;

/// <summary>
/// Every claim of this assembly, read from its attributes by reflection and built by <see cref="CatalogBuilder"/> (the
/// same builder the docs tool's <c>catalog</c> command runs on this assembly's metadata): the C# of each test as the docs
/// show it, its body hash, and its snapshots.
/// </summary>
public static class ClaimCatalog
{
    private static readonly Lazy<CatalogFile> Catalog = new(() =>
        CatalogBuilder.Build(ClaimClasses().Select(x => Source(x.Type, x.Claim)), Repository.Root, Snapshot.Directory));

    public static CatalogFile File => Catalog.Value;

    public static IReadOnlyList<ClaimDefinition> All => Catalog.Value.Claims;

    public static IEnumerable<(Type Type, ClaimAttribute Claim)> ClaimClasses() =>
        typeof(ClaimCatalog).Assembly.GetTypes()
            .Select(t => (Type: t, Claim: t.GetCustomAttribute<ClaimAttribute>()))
            .Where(x => x.Claim is not null)
            .Select(x => (x.Type, x.Claim!));

    public static ClaimDefinition For(Type type) =>
        All.Single(c => c.Id == type.GetCustomAttribute<ClaimAttribute>()!.Id);

    /// <summary>Every claim and layer with its body hash: what a complete run must observe.</summary>
    public static IReadOnlyList<ManifestEntry> Manifest() =>
        [.. All.SelectMany(c => c.Variants.Select(v => new ManifestEntry(c.Id, v.Layer, v.BodyHash!)))];

    private static ClaimSource Source(Type type, ClaimAttribute claim) => new(
        claim.Id,
        claim.Topic,
        claim.Sentence,
        type.Name,
        [.. type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Select(m => (Method: m, Fact: m.GetCustomAttribute<ClaimFactAttribute>()))
            .Where(m => m.Fact is not null)
            .Select(m => new ClaimMethodSource(
                m.Method.Name,
                m.Fact!.Layer,
                m.Fact.File,
                m.Fact.Line,
                [.. m.Method.GetCustomAttributes<ExpectAttribute>().Select(e => (e.Os, e.Outcome, e.Source))]))]);
}
