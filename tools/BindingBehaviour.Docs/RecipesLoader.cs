using BindingBehaviour.Results;

namespace BindingBehaviour.Docs;

/// <summary>The recipes as read from a results directory: where from, and what (none when the file is absent).</summary>
internal sealed record LoadedRecipes(string Path, bool Exists, IReadOnlyList<RecipeDefinition> Recipes);

/// <summary>Reads &lt;results&gt;/recipes/recipes.json strictly, if it is there.</summary>
internal static class RecipesLoader
{
    public static LoadedRecipes Load(string resultsDirectory)
    {
        var path = Path.Join(resultsDirectory, RecipesFile.RelativePath);
        return File.Exists(path)
            ? new LoadedRecipes(path, true, RecipesJson.Read(path).Recipes)
            : new LoadedRecipes(path, false, []);
    }
}
