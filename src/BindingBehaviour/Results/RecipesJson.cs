using System.Text.RegularExpressions;

namespace BindingBehaviour.Results;

/// <summary>Reads the recipes file strictly and writes it deterministically.</summary>
public static partial class RecipesJson
{
    public static string Write(IEnumerable<RecipeDefinition> recipes) =>
        ResultsJson.Serialize(new RecipesFile(RecipesFile.SchemaId, RecipesFile.CurrentVersion,
            [.. recipes.OrderBy(r => r.Id, StringComparer.Ordinal)]));

    /// <summary>Reads and validates a recipes file; any problem is one <see cref="ResultsFormatException"/> naming the file.</summary>
    public static RecipesFile Read(string path) => ResultsJson.Read<RecipesFile>(path, Validate);

    public static void Validate(RecipesFile file, string name)
    {
        void Fail(string what) => throw new ResultsFormatException($"{name}: {what}");

        ResultsJson.RequireSchema(name, "a recipes file", (file.Schema, file.SchemaVersion), (RecipesFile.SchemaId, RecipesFile.CurrentVersion));

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
