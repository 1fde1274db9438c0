using System.Reflection;
using BindingBehaviour.Results;
using BindingBehaviour.Tests.Infrastructure;

namespace BindingBehaviour.Tests.Recipes;

/// <summary>Reads every recipe of this assembly from its attributes, with its body as the docs show it.</summary>
public static class RecipeCatalog
{
    private static readonly Lazy<IReadOnlyList<RecipeDefinition>> Recipes = new(Build);

    public static IReadOnlyList<RecipeDefinition> All => Recipes.Value;

    /// <summary>The committed file the docs generator reads.</summary>
    public static string CommittedPath { get; } = Path.Combine(Repository.Root, "results", RecipesFile.RelativePath);

    private static List<RecipeDefinition> Build() =>
    [
        .. typeof(RecipeCatalog).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Recipe: m.GetCustomAttribute<RecipeAttribute>()))
            .Where(m => m.Recipe is not null)
            .Select(m => Definition(m.Method, m.Recipe!))
            .OrderBy(r => r.Id, StringComparer.Ordinal),
    ];

    private static RecipeDefinition Definition(MethodInfo method, RecipeAttribute recipe) => new(
        recipe.Id,
        recipe.Order,
        recipe.Title,
        recipe.Task,
        [.. method.GetCustomAttributes<RecipeStepAttribute>().OrderBy(s => s.Number).Select(s => new RecipeStep(s.Text, s.Claims))],
        [.. method.GetCustomAttributes<RecipeNoteAttribute>()
            .OrderBy(n => n.Os).ThenBy(n => n.Text, StringComparer.Ordinal)
            .Select(n => new RecipeNote(n.Os.ToString(), n.Text, n.Source))],
        Method(recipe.File, recipe.Line),
        Repository.Relative(recipe.File),
        recipe.Line);

    /// <summary>The whole method, signature and body, dedented: a recipe's parameters are part of what a reader copies.</summary>
    private static string Method(string file, int attributeLine)
    {
        var lines = File.ReadAllLines(file);
        var signature = Array.FindIndex(lines, attributeLine - 1, l => l.TrimStart().StartsWith("public ", StringComparison.Ordinal));
        var body = SourceCode.MethodBody(file, attributeLine).Split('\n');
        return string.Join("\n", [lines[signature].Trim(), "{", .. body.Select(l => l.Length == 0 ? l : "    " + l), "}"]);
    }
}
