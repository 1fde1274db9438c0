using System.Text.RegularExpressions;

namespace BindingBehaviour.Results;

// results/recipes/recipes.json: the recipes (tasks people have, the C# that does each right on every OS, and the
// claims behind every step), written by the test project from tests/BindingBehaviour.Tests/Recipes/ and rendered by
// the docs generator. Schema version 1; recipes sorted by id, steps and notes in the order the recipe gives them.

public sealed record RecipesFile(string Schema, int SchemaVersion, IReadOnlyList<RecipeDefinition> Recipes)
{
    public const string SchemaId = "bindingbehaviour/recipes";
    public const int CurrentVersion = 1;

    /// <summary>Where the file lives, relative to the results directory.</summary>
    public const string RelativePath = "recipes/recipes.json";

    /// <summary>How the file is rewritten from the recipes' attributes and code (a test compares the two).</summary>
    public const string RewriteCommand =
        "BINDINGBEHAVIOUR_ACCEPT_SNAPSHOTS=1 dotnet test tests/BindingBehaviour.Tests --filter FullyQualifiedName~BindingBehaviour.Tests.Recipes";
}

/// <summary>One task and the C# that does it (<see cref="Order"/> places it on the page): its steps (each backed by claims), per-OS notes, and where the code lives.</summary>
public sealed record RecipeDefinition(
    string Id,
    int Order,
    string Title,
    string Task,
    IReadOnlyList<RecipeStep> Steps,
    IReadOnlyList<RecipeNote> Notes,
    string Code,
    string SourceFile,
    int SourceLine);

/// <summary>One step of a recipe, in words, and the ids of the claims that show it holds.</summary>
public sealed record RecipeStep(string Text, IReadOnlyList<string> Claims);

/// <summary>What differs on one OS (Linux, Windows, MacOS), with its source.</summary>
public sealed record RecipeNote(string Os, string Text, string Source);

/// <summary>Reads the recipes file strictly and writes it deterministically.</summary>
public static partial class RecipesJson
{
    public static string Write(IEnumerable<RecipeDefinition> recipes) =>
        ResultsJson.Serialize(new RecipesFile(RecipesFile.SchemaId, RecipesFile.CurrentVersion,
            [.. recipes.OrderBy(r => r.Id, StringComparer.Ordinal)]));

    /// <summary>Reads and validates a recipes file; any problem is one <see cref="ResultsFormatException"/> naming the file.</summary>
    public static RecipesFile Read(string path)
    {
        var file = ResultsJson.Deserialize<RecipesFile>(ResultsJson.ReadText(path), path);
        Validate(file, path);
        return file;
    }

    public static void Validate(RecipesFile file, string name)
    {
        void Fail(string what) => throw new ResultsFormatException($"{name}: {what}");

        if (file.Schema != RecipesFile.SchemaId || file.SchemaVersion != RecipesFile.CurrentVersion)
        {
            Fail($"is not a recipes file of schema {RecipesFile.SchemaId} version {RecipesFile.CurrentVersion} (it says {file.Schema} version {file.SchemaVersion}).");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var recipe in file.Recipes)
        {
            if (!IdPattern().IsMatch(recipe.Id))
            {
                Fail($"the recipe id \"{recipe.Id}\" is not lower-case words joined by hyphens.");
            }

            if (!seen.Add(recipe.Id))
            {
                Fail($"the recipe \"{recipe.Id}\" is defined twice.");
            }

            if (string.IsNullOrWhiteSpace(recipe.Title) || string.IsNullOrWhiteSpace(recipe.Task) || string.IsNullOrWhiteSpace(recipe.Code))
            {
                Fail($"the recipe \"{recipe.Id}\" lacks a title, a task or its code.");
            }

            if (recipe.Steps.Count == 0)
            {
                Fail($"the recipe \"{recipe.Id}\" has no steps.");
            }

            for (var i = 0; i < recipe.Steps.Count; i++)
            {
                if (string.IsNullOrWhiteSpace(recipe.Steps[i].Text) || recipe.Steps[i].Claims.Count == 0)
                {
                    Fail($"step {i + 1} of the recipe \"{recipe.Id}\" needs a text and at least one claim id.");
                }
            }

            foreach (var note in recipe.Notes)
            {
                if (!HostOs.TryParse(note.Os, out _) || string.IsNullOrWhiteSpace(note.Text) || string.IsNullOrWhiteSpace(note.Source))
                {
                    Fail($"a note of the recipe \"{recipe.Id}\" needs an OS (Linux, Windows or MacOS), a text and a source; it says OS \"{note.Os}\".");
                }
            }
        }

        if (file.Recipes.Select(r => r.Order).Distinct().Count() != file.Recipes.Count)
        {
            Fail("two recipes have the same order; give each its own place on the page.");
        }

        if (!file.Recipes.Select(r => r.Id).SequenceEqual(file.Recipes.Select(r => r.Id).Order(StringComparer.Ordinal)))
        {
            Fail($"the recipes are not sorted by id; rewrite the file with: {RecipesFile.RewriteCommand}");
        }
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex IdPattern();
}
