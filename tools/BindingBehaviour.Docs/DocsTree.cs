using System.Text;

namespace BindingBehaviour.Docs;

/// <summary>Writes a rendered docs tree atomically, and compares one with what is on disk.</summary>
internal static class DocsTree
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>
    /// Replaces <paramref name="docsDirectory"/> with exactly <paramref name="files"/>: they are written into a sibling
    /// "&lt;docs&gt;.tmp-&lt;guid&gt;", the old tree is renamed away to "&lt;docs&gt;.old-&lt;guid&gt;", the new one renamed in,
    /// and the old one deleted. Until the renames, the docs directory is untouched. Returns a leftover directory that could
    /// not be deleted, or null.
    /// </summary>
    public static string? Replace(string docsDirectory, IReadOnlyDictionary<string, string> files)
    {
        var target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(docsDirectory));
        if (File.Exists(target))
        {
            throw new DocsException($"{docsDirectory}: is a file, not a docs directory.");
        }

        var parent = Path.GetDirectoryName(target) ?? throw new DocsException($"{docsDirectory}: cannot be the root of a drive.");
        var name = Path.GetFileName(target);
        var id = Guid.NewGuid().ToString("N");
        var temporary = Path.Combine(parent, $"{name}.tmp-{id}");
        var old = Path.Combine(parent, $"{name}.old-{id}");

        try
        {
            foreach (var (relative, content) in files)
            {
                var path = Path.Combine(temporary, relative.Replace('/', Path.DirectorySeparatorChar));
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, content, Utf8);
            }

            Directory.CreateDirectory(temporary);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }

        var hadOld = Directory.Exists(target);
        if (hadOld)
        {
            try
            {
                Directory.Move(target, old);
            }
            catch
            {
                TryDelete(temporary);
                throw;
            }
        }

        try
        {
            Directory.Move(temporary, target);
        }
        catch
        {
            if (hadOld)
            {
                Directory.Move(old, target);
            }

            TryDelete(temporary);
            throw;
        }

        return hadOld && !TryDelete(old) ? old : null;
    }

    /// <summary>How the tree on disk differs from <paramref name="files"/>: each path ("/"-separated) that is missing, differs or is extra.</summary>
    public static IReadOnlyList<(string Kind, string Path)> Differences(string docsDirectory, IReadOnlyDictionary<string, string> files)
    {
        var onDisk = Directory.Exists(docsDirectory)
            ? Directory.GetFiles(docsDirectory, "*", SearchOption.AllDirectories)
                .Select(p => Path.GetRelativePath(docsDirectory, p).Replace(Path.DirectorySeparatorChar, '/'))
                .ToHashSet(StringComparer.Ordinal)
            : [];

        var differences = new List<(string Kind, string Path)>();
        foreach (var (relative, content) in files)
        {
            if (!onDisk.Contains(relative))
            {
                differences.Add(("missing", relative));
            }
            else if (!File.ReadAllBytes(Path.Combine(docsDirectory, relative)).AsSpan().SequenceEqual(Utf8.GetBytes(content)))
            {
                differences.Add(("differs", relative));
            }
        }

        differences.AddRange(onDisk.Where(p => !files.ContainsKey(p)).Select(p => ("extra", p)));
        return [.. differences.OrderBy(d => d.Path, StringComparer.Ordinal)];
    }

    private static bool TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }

            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
