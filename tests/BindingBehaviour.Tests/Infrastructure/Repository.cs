using System.Reflection;

namespace BindingBehaviour.Tests.Infrastructure;

/// <summary>Where the repository and this project live, embedded at build time (PDB paths can be rewritten by CI builds).</summary>
public static class Repository
{
    public static string Root { get; } = Metadata("BindingBehaviour.RepoRoot");

    public static string ProjectDirectory { get; } = Metadata("BindingBehaviour.ProjectDirectory");

    public static string Relative(string path) =>
        Path.GetRelativePath(Root, path).Replace('\\', '/');

    private static string Metadata(string key) =>
        typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"Assembly metadata {key} is missing.");
}
