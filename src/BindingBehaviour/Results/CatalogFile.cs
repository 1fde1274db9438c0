namespace BindingBehaviour.Results;

/// <summary>The claim catalog: every claim as the tests define it, with the hash of each body. Generated, committed once.</summary>
public sealed record CatalogFile(string Schema, int SchemaVersion, IReadOnlyList<ClaimDefinition> Claims)
{
    public const string SchemaId = "bindingbehaviour/catalog";
    public const int CurrentVersion = 1;
    public const string FileName = "catalog.json";
}
