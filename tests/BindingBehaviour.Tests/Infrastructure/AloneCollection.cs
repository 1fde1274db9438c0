namespace BindingBehaviour.Tests.Infrastructure;

/// <summary>
/// For claims that count the process's own descriptors: xunit runs this collection after every parallel one, with nothing
/// beside it, so a socket that appears or closes during such a claim is the claim's.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AloneCollection
{
    public const string Name = "Alone: counts the process's own sockets";
}
