using System.Globalization;
using BindingBehaviour.Results;

namespace BindingBehaviour.Docs.Rendering;

/// <summary>
/// docs/recipes.md: the tasks people have when a bind fails, each with the C# that does it right on every OS (compiled
/// and run by the test suite) and, for every step, the claims that show it holds and their status per OS.
/// </summary>
internal static class RecipesPage
{
    public const string FileName = "recipes.md";

    private const string TestsFile = "tests/BindingBehaviour.Tests/Recipes/RecipeTests.cs";

    /// <summary>Every claim id a recipe names must be a claim of the results: else one error naming the recipe, the step and the id.</summary>
    public static void Validate(LoadedRecipes recipes, MergedResults results)
    {
        foreach (var recipe in recipes.Recipes)
        {
            for (var i = 0; i < recipe.Steps.Count; i++)
            {
                foreach (var id in recipe.Steps[i].Claims.Where(id => AnswerEvidence.Find(results, id) is null))
                {
                    throw new DocsException(
                        $"{recipes.Path}: recipe \"{recipe.Id}\", step {(i + 1).ToString(CultureInfo.InvariantCulture)} names the claim \"{id}\", which no claim in the results has; "
                        + $"fix the step in {recipe.SourceFile} and rewrite the file with: {RecipesFile.RewriteCommand}");
                }
            }
        }
    }

    public static string Render(MergedResults results, LoadedRecipes recipes)
    {
        Validate(recipes, results);
        var page = new Markdown()
            .Line(Labels.GeneratedNotice)
            .Line()
            .Heading(1, "Recipes: doing it right on every OS")
            .Paragraph($"{Markdown.Link("← all topics", IndexPage.FileName)} · {Markdown.Link("error index", ErrorIndexPage.FileName)}")
            .Paragraph("The tasks people have when a bind fails. Each recipe is C# that compiles in this repository and that "
                + $"{Markdown.Link("its tests", "../" + TestsFile)} run on every run of the suite (binds, restarts, shares, keeps others out, "
                + "closes everything, on ports from port 0). Each step names the claims that show it holds, linked to their topic "
                + "page, with their status per OS: ✅ observed by a run of that OS (❌ where the run saw something else: a finding), "
                + "◻ expected only (what the sources say; no run of that OS observed it), ⏭ skipped by the run, — n/a.");

        if (!recipes.Exists)
        {
            return page.Paragraph($"No recipes: the results hold no {Markdown.Code(RecipesFile.RelativePath)}.").ToString();
        }

        var ordered = recipes.Recipes.OrderBy(r => r.Order).ToList();
        page.Heading(2, "Recipes");
        foreach (var recipe in ordered)
        {
            page.Line($"- {Markdown.Link(recipe.Title, Markdown.Fragment(recipe.Id))}: {Markdown.Text(recipe.Task)}");
        }

        page.Line();
        foreach (var recipe in ordered)
        {
            RenderRecipe(page, results, recipe);
        }

        return page.ToString();
    }

    private static void RenderRecipe(Markdown page, MergedResults results, RecipeDefinition recipe)
    {
        var file = recipe.SourceFile.Replace('\\', '/');
        var line = recipe.SourceLine.ToString(CultureInfo.InvariantCulture);
        page.Line(Markdown.Anchor(recipe.Id))
            .Line()
            .Heading(2, Markdown.Text(recipe.Title))
            .Paragraph("> " + Markdown.Text(recipe.Task))
            .CodeBlock("csharp", recipe.Code)
            .Paragraph($"Source: {Markdown.Link($"{file}, line {line}", $"../{file}#L{line}")}; run by {Markdown.Link("the recipe tests", "../" + TestsFile)}.")
            .Heading(3, "Why, step by step");

        for (var i = 0; i < recipe.Steps.Count; i++)
        {
            var step = recipe.Steps[i];
            page.Paragraph($"**{(i + 1).ToString(CultureInfo.InvariantCulture)}.** {Markdown.Text(step.Text)}")
                .Table(
                    ["Claim", "Layer", .. AnswerEvidence.AllOs.Select(Labels.OsName)],
                    step.Claims.SelectMany(id => AnswerEvidence.Rows(results, AnswerEvidence.Find(results, id)!)).Select(row => (IReadOnlyList<string>)
                    [
                        Markdown.Link(row.Claim.Id, AnswerEvidence.Link(row.Claim)),
                        row.Variant.Layer,
                        .. row.Cells.Select(AnswerEvidence.Status),
                    ]));
        }

        if (recipe.Notes.Count > 0)
        {
            page.Heading(3, "On each OS");
            foreach (var note in recipe.Notes)
            {
                page.Line($"- **{Labels.OsName(Enum.Parse<Os>(note.Os))}**: {Markdown.Text(note.Text)} (source: {Markdown.Text(note.Source)})");
            }

            page.Line();
        }
    }
}
