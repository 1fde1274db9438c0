namespace BindingBehaviour.Docs.Rendering;

/// <summary>The pages for the person who hit an error: the recipes and the error index, added to a rendered tree.</summary>
internal static class AnswerPages
{
    /// <summary>The paragraph of the index page that links them.</summary>
    public static string IndexLinks =>
        $"Hit an error? The {Markdown.Link("error index", ErrorIndexPage.FileName)} says what each error a bind or listen gives means "
        + $"on each OS and what to check first, and the {Markdown.Link("recipes", RecipesPage.FileName)} give the C# that does the "
        + "common tasks right on every OS (restart over TIME_WAIT, workers on one port, a port nobody can take, one socket for "
        + "IPv4 and IPv6, parallel tests, who holds a port), each step backed by claims.";

    public static SortedDictionary<string, string> With(SortedDictionary<string, string> files, MergedResults results, LoadedRecipes recipes)
    {
        files[RecipesPage.FileName] = RecipesPage.Render(results, recipes);
        files[ErrorIndexPage.FileName] = ErrorIndexPage.Render(results, recipes);
        return files;
    }
}
