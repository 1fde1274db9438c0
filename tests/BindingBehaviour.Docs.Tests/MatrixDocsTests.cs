using BindingBehaviour.Matrix;
using static BindingBehaviour.Docs.Tests.Fixtures;

namespace BindingBehaviour.Docs.Tests;

/// <summary>The matrix exports beside the results files: read strictly, before anything is written.</summary>
public sealed class MatrixDocsTests : IDisposable
{
    private readonly Workspace _workspace = new();

    public MatrixDocsTests()
    {
        WriteResults(_workspace.Results, "linux.json", Linux());
    }

    public void Dispose() => _workspace.Dispose();

    private string Results => _workspace.Results;

    public static TheoryData<string> BadExports =>
    [
        "wrong header", "not a TSV at all", "no final line feed", "unknown option word", "unknown outcome", "an option the OS does not have",
        "a managed row in a native file", "rows out of order", "a repeated row", "no cells", "an unknown OS in the name", "osx instead of macos",
        "an unknown layer in the name", "a missing drawing", "a stale drawing", "an environment of another OS", "an environment of another export",
    ];

    [Theory]
    [MemberData(nameof(BadExports))]
    public void A_bad_export_fails_with_one_line_naming_the_file_and_leaves_the_docs_untouched(string problem)
    {
        MatrixFixtures.Write(Results, Os.Linux, Layer.Native);
        _workspace.RenderOk();
        var before = TreeHash(_workspace.Docs);
        var names = Break(problem);

        var (exitCode, _, stderr) = _workspace.Render();

        exitCode.Should().Be(1);
        var lines = Workspace.Lines(stderr);
        lines.Should().ContainSingle().Which.Should().StartWith("error: ").And.NotContain("   at ").And.NotContain("unexpected");
        foreach (var name in names)
        {
            lines[0].Should().Contain(name);
        }

        TreeHash(_workspace.Docs).Should().Be(before);
        _workspace.Leftovers().Should().BeEmpty();
        _workspace.Run("check", "--results", Results, "--docs", _workspace.Docs).ExitCode.Should().Be(1);
    }

    /// <summary>Breaks the matrix folder in one way; returns what the error must name.</summary>
    private string[] Break(string problem)
    {
        var folder = MatrixFixtures.Folder(Results);
        var tsv = Path.Combine(folder, "linux-native.tsv");
        var lines = File.ReadAllText(tsv).Split('\n').ToList();
        void Write(IEnumerable<string> rows) => File.WriteAllText(tsv, string.Join('\n', rows));
        string Replace(int line, string from, string to)
        {
            lines[line].Should().Contain(from);
            lines[line] = lines[line].Replace(from, to, StringComparison.Ordinal);
            Write(lines);
            return $"line {line + 1}";
        }

        switch (problem)
        {
            case "wrong header":
                return [tsv, Replace(0, "outcome", "result"), "header"];
            case "not a TSV at all":
                File.WriteAllText(tsv, "{ \"cells\": [] }\n");
                return [tsv, "line 1"];
            case "no final line feed":
                File.WriteAllText(tsv, string.Join('\n', lines).TrimEnd('\n'));
                return [tsv, "line feed"];
            case "unknown option word":
                return [tsv, Replace(1, "\t-\t", "\tSO_FOO\t"), "SO_FOO"];
            case "unknown outcome":
                lines[1] = string.Join('\t', lines[1].Split('\t')[..9].Append("bind:Frobnicated"));
                Write(lines);
                return [tsv, "line 2", "bind:Frobnicated"];
            case "an option the OS does not have":
                File.Move(tsv, Path.Combine(folder, "windows-native.tsv"));
                tsv = Path.Combine(folder, "windows-native.tsv");
                return [tsv, "REUSEPORT", "not a cell of the Windows native matrix"];
            case "a managed row in a native file":
                return [tsv, Replace(1, "native\t", "managed\t"), "a managed row in a native export"];
            case "rows out of order":
                (lines[1], lines[2]) = (lines[2], lines[1]);
                Write(lines);
                return [tsv, "line 3", "out of order"];
            case "a repeated row":
                lines.Insert(2, lines[1]);
                Write(lines);
                return [tsv, "line 3", "repeated"];
            case "no cells":
                File.WriteAllText(tsv, MatrixTsv.Header + "\n");
                return [tsv, "no cells"];
            case "an unknown OS in the name":
                File.Move(tsv, Path.Combine(folder, "plan9-native.tsv"));
                return [Path.Combine(folder, "plan9-native.tsv"), "linux, windows, macos"];
            case "osx instead of macos":
                File.Move(tsv, Path.Combine(folder, "osx-native.tsv"));
                return [Path.Combine(folder, "osx-native.tsv"), "macos"];
            case "an unknown layer in the name":
                File.Move(tsv, Path.Combine(folder, "linux-raw.tsv"));
                return [Path.Combine(folder, "linux-raw.tsv"), "native, managed"];
            case "a missing drawing":
                var drawing = Path.Combine(folder, "linux-native-udp-tcp.svg");
                File.Delete(drawing);
                return [drawing, "missing", "linux-native.tsv"];
            case "a stale drawing":
                Replace(1, InUse, "ok");
                return [Path.Combine(folder, "linux-native-tcp-tcp.svg"), "not the drawing of linux-native.tsv", "matrix --layer native"];
            case "an environment of another OS":
                var environment = Path.Combine(folder, "linux-native.environment.txt");
                File.WriteAllText(environment, File.ReadAllText(environment).Replace("os: Linux", "os: Windows", StringComparison.Ordinal));
                return [environment, "Windows"];
            case "an environment of another export":
                var other = Path.Combine(folder, "linux-native.environment.txt");
                File.WriteAllText(other, File.ReadAllText(other).Replace("cells: 576 run, 16848 skipped", "cells: 17424 run, 0 skipped", StringComparison.Ordinal));
                return [other, "17424 cells run", "576"];
            default:
                throw new ArgumentOutOfRangeException(nameof(problem));
        }
    }
}
