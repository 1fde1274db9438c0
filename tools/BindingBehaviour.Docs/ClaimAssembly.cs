using System.Reflection;
using System.Runtime.InteropServices;
using BindingBehaviour.Results;

namespace BindingBehaviour.Docs;

/// <summary>
/// Reads the claims out of the built test assembly (tests/BindingBehaviour.Tests) without loading or running it: a
/// <see cref="MetadataLoadContext"/> reads the [Claim], [ClaimFact] and [Expect] attributes as metadata (their
/// constructor arguments, including the file and line the compiler filled in for [ClaimFact]), and
/// <see cref="CatalogBuilder"/> (shared with the tests) turns them into the catalog. The assembly's own metadata says
/// where the repository and the test project were when it was built, so source files and snapshots are found there.
/// </summary>
internal static class ClaimAssembly
{
    public const string TestProject = "tests/BindingBehaviour.Tests/BindingBehaviour.Tests.csproj";

    /// <summary>Where <c>dotnet build</c> (Debug) puts the test assembly, relative to the repository root.</summary>
    public const string DefaultPath = "tests/BindingBehaviour.Tests/bin/Debug/net10.0/BindingBehaviour.Tests.dll";

    private const string Infrastructure = "BindingBehaviour.Tests.Infrastructure.";

    public static CatalogFile Read(string assemblyPath)
    {
        var full = Path.GetFullPath(assemblyPath);
        if (!File.Exists(full))
        {
            throw new DocsException($"{assemblyPath}: the test assembly does not exist; build it with: dotnet build {TestProject}");
        }

        try
        {
            using var context = new MetadataLoadContext(new PathAssemblyResolver(ReferencePaths(full)));
            var assembly = context.LoadFromAssemblyPath(full);
            var root = Metadata(assembly, "BindingBehaviour.RepoRoot", assemblyPath);
            var project = Metadata(assembly, "BindingBehaviour.ProjectDirectory", assemblyPath);
            var sources = assembly.GetTypes()
                .Select(t => (Type: t, Claim: Attribute(t.GetCustomAttributesData(), "ClaimAttribute")))
                .Where(x => x.Claim is not null)
                .Select(x => Source(x.Type, x.Claim!))
                .ToList();
            if (sources.Count == 0)
            {
                throw new DocsException($"{assemblyPath}: defines no claim ([Claim] classes); is it BindingBehaviour.Tests.dll?");
            }

            return CatalogBuilder.Build(sources, root, Path.Combine(project, "Snapshots"));
        }
        catch (Exception e) when (e is FileNotFoundException or BadImageFormatException or FileLoadException or TypeLoadException)
        {
            throw new DocsException($"{assemblyPath}: cannot be read as the test assembly: {e.Message}");
        }
        catch (InvalidOperationException e)
        {
            // SourceCode.MethodBody: the source file does not hold the method where the attribute says.
            throw new DocsException($"{assemblyPath}: {e.Message} (is the assembly older than the sources? build it again)");
        }
    }

    private static ClaimSource Source(Type type, CustomAttributeData claim) => new(
        (string)claim.ConstructorArguments[0].Value!,
        (string)claim.ConstructorArguments[1].Value!,
        (string)claim.ConstructorArguments[2].Value!,
        type.Name,
        [.. type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Select(m => (Method: m, Attributes: m.GetCustomAttributesData()))
            .Select(m => (m.Method, m.Attributes, Fact: Attribute(m.Attributes, "ClaimFactAttribute")))
            .Where(m => m.Fact is not null)
            .Select(m => new ClaimMethodSource(
                m.Method.Name,
                (Layer)(int)m.Fact!.ConstructorArguments[0].Value!,
                (string)m.Fact.ConstructorArguments[1].Value!,
                (int)m.Fact.ConstructorArguments[2].Value!,
                [.. m.Attributes
                    .Where(a => a.AttributeType.FullName == Infrastructure + "ExpectAttribute")
                    .Select(a => ((Os)(int)a.ConstructorArguments[0].Value!, (string)a.ConstructorArguments[1].Value!, (string)a.ConstructorArguments[2].Value!))]))]);

    private static CustomAttributeData? Attribute(IEnumerable<CustomAttributeData> attributes, string name) =>
        attributes.FirstOrDefault(a => a.AttributeType.FullName == Infrastructure + name);

    private static string Metadata(Assembly assembly, string key, string assemblyPath) =>
        assembly.GetCustomAttributesData()
            .Where(a => a.AttributeType.FullName == typeof(AssemblyMetadataAttribute).FullName)
            .Where(a => (string?)a.ConstructorArguments[0].Value == key)
            .Select(a => (string?)a.ConstructorArguments[1].Value)
            .FirstOrDefault()
        ?? throw new DocsException($"{assemblyPath}: has no assembly metadata \"{key}\"; is it BindingBehaviour.Tests.dll?");

    /// <summary>The assemblies metadata may refer to: the test assembly's folder, this runtime's and ASP.NET Core's shared frameworks.</summary>
    private static IEnumerable<string> ReferencePaths(string assemblyPath)
    {
        var runtime = RuntimeEnvironment.GetRuntimeDirectory();
        var folders = new List<string> { Path.GetDirectoryName(assemblyPath)!, runtime };
        var shared = Path.GetDirectoryName(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(runtime)));
        var aspnet = shared is null ? null : Path.Combine(shared, "Microsoft.AspNetCore.App");
        if (aspnet is not null && Directory.Exists(aspnet)
            && Directory.GetDirectories(aspnet).OrderBy(d => d, StringComparer.Ordinal).LastOrDefault() is { } version)
        {
            folders.Add(version);
        }

        return folders.SelectMany(f => Directory.GetFiles(f, "*.dll"));
    }
}
