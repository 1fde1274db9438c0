using System.Runtime.CompilerServices;

namespace BindingBehaviour.Tests.Recipes;

/// <summary>
/// Marks a method as a recipe: a task people have, done right on every OS. The docs show the method's body, cut out of
/// this file the way claim bodies are, so the page shows the very code that compiles and that RecipeTests run.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RecipeAttribute(
    string id, int order, string title, string task, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    : Attribute
{
    public string Id { get; } = id;

    /// <summary>The recipe's place on the page, most common task first.</summary>
    public int Order { get; } = order;

    public string Title { get; } = title;

    public string Task { get; } = task;

    public string File { get; } = file;

    public int Line { get; } = line;
}

/// <summary>One step of a recipe, numbered (attributes have no reliable order), and the claims that show it holds.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class RecipeStepAttribute(int number, string text, params string[] claims) : Attribute
{
    public int Number { get; } = number;

    public string Text { get; } = text;

    public IReadOnlyList<string> Claims { get; } = claims;
}

/// <summary>What a reader on one OS must know beyond the code, with the source that says so.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class RecipeNoteAttribute(Os os, string text, string source) : Attribute
{
    public Os Os { get; } = os;

    public string Text { get; } = text;

    public string Source { get; } = source;
}
