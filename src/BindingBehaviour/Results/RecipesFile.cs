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
