namespace BindingBehaviour;

/// <summary>
/// Native: the OS call with nothing added. Managed: the C# a user writes, with whatever .NET adds.
/// </summary>
public enum Layer
{
    Native,
    Managed,
}
