namespace BindingBehaviour.Docs.Rendering;

/// <summary>
/// Renders the whole docs tree in memory, as relative path ("/"-separated) → content. Deterministic: the output depends
/// only on the catalog, the runs, the attestations and the matrix exports (no clock, no machine paths), and every list is sorted.
/// </summary>
internal static class DocsRenderer
{
    public static SortedDictionary<string, string> Render(MergedResults results, MatrixResults matrix)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            [IndexPage.FileName] = IndexPage.Render(results, matrix),
            [WhyPage.FileName] = WhyPage.Render(results),
            [MatrixPage.FileName] = MatrixPage.Render(results, matrix),
            [RulesPage.FileName] = RulesPage.Render(results, matrix),
            [RunsPage.FileName] = RunsPage.Render(results, matrix),
        };
        foreach (var topic in results.Topics)
        {
            files[topic.PagePath] = TopicPage.Render(results, topic);
        }

        foreach (var (path, content) in RulesPage.DisagreementFiles(matrix))
        {
            files[path] = content;
        }

        return files;
    }
}
