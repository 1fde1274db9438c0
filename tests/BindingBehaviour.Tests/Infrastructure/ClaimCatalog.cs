using System.Reflection;
using BindingBehaviour.Results;

namespace BindingBehaviour.Tests.Infrastructure;

/// <summary>Reads every claim of this assembly from its attributes, with the C# of each test as the docs show it.</summary>
public static class ClaimCatalog
{
    private static readonly Lazy<IReadOnlyList<ClaimDefinition>> Claims = new(Build);

    public static IReadOnlyList<ClaimDefinition> All => Claims.Value;

    public static IEnumerable<(Type Type, ClaimAttribute Claim)> ClaimClasses() =>
        typeof(ClaimCatalog).Assembly.GetTypes()
            .Select(t => (Type: t, Claim: t.GetCustomAttribute<ClaimAttribute>()))
            .Where(x => x.Claim is not null)
            .Select(x => (x.Type, x.Claim!));

    public static ClaimDefinition For(Type type) =>
        All.Single(c => c.Id == type.GetCustomAttribute<ClaimAttribute>()!.Id);

    private static List<ClaimDefinition> Build() =>
    [
        .. ClaimClasses()
            .Select(x => new ClaimDefinition(
                x.Claim.Id,
                x.Claim.Topic,
                x.Claim.Sentence,
                [.. x.Type.GetMethods()
                    .Select(m => (Method: m, Fact: m.GetCustomAttribute<ClaimFactAttribute>()))
                    .Where(m => m.Fact is not null)
                    .OrderBy(m => m.Fact!.Layer)
                    .Select(m => Variant(m.Method, m.Fact!))]))
            .OrderBy(c => c.Id, StringComparer.Ordinal),
    ];

    private static ClaimVariant Variant(MethodInfo method, ClaimFactAttribute fact) => new(
        fact.Layer.ToString(),
        method.GetCustomAttributes<ExpectAttribute>()
            .OrderBy(e => e.Os)
            .ToDictionary(e => e.Os.ToString(), e => new Expectation(e.Outcome, e.Source)),
        SourceCode.MethodBody(fact.File, fact.Line),
        Repository.Relative(fact.File),
        fact.Line);
}
