namespace BindingBehaviour.Docs.Rendering;

/// <summary>
/// Renders the whole docs tree in memory, as relative path ("/"-separated) → content. Deterministic: the output depends
/// only on the merged results (no clock, no machine paths), and every list is sorted.
/// </summary>
internal static class DocsRenderer
{
    public static SortedDictionary<string, string> Render(MergedResults results)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            [IndexPage.FileName] = IndexPage.Render(results),
            [WhyPage.FileName] = WhyPage.Render(results),
        };
        foreach (var topic in results.Topics)
        {
            files[TopicPage.PathOf(topic)] = TopicPage.Render(results, topic);
        }

        return files;
    }
}
