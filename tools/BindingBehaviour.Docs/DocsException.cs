namespace BindingBehaviour.Docs;

/// <summary>A problem with the data or the files the generator works on; its message names the file.</summary>
public sealed class DocsException(string message) : Exception(message);
