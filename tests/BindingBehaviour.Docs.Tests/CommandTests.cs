using BindingBehaviour.Results;
using static BindingBehaviour.Docs.Tests.Fixtures;

namespace BindingBehaviour.Docs.Tests;

public sealed class CommandTests : IDisposable
{
    private readonly Workspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    public static TheoryData<string> BadResults =>
    [
        "malformed", "truncated", "unknown schema version", "wrong schema", "unknown OS", "two files for one OS",
        "differing claim definitions", "a claim missing from one file", "empty",
    ];

    [Theory]
    [MemberData(nameof(BadResults))]
    public void Bad_results_fail_with_one_line_naming_the_file_and_leave_the_docs_untouched(string problem)
    {
        WriteResults(_workspace.Results, "linux.json", Linux());
        _workspace.RenderOk();
        var before = TreeHash(_workspace.Docs);
        var names = Break(problem);

        var (exitCode, _, stderr) = _workspace.Render();

        exitCode.Should().Be(1);
        var lines = Workspace.Lines(stderr);
        lines.Should().ContainSingle().Which.Should().StartWith("error: ").And.NotContain("   at ");
        foreach (var name in names)
        {
            lines[0].Should().Contain(name);
        }

        TreeHash(_workspace.Docs).Should().Be(before);
        _workspace.Leftovers().Should().BeEmpty();
    }

    /// <summary>Breaks the results directory in one way; returns what the error must name.</summary>
    private string[] Break(string problem)
    {
        var linux = Path.Combine(_workspace.Results, "linux.json");
        var text = File.ReadAllText(linux);
        switch (problem)
        {
            case "malformed":
                File.WriteAllText(linux, "{ \"schema\": \"bindingbehaviour/results\", oops }");
                return [linux];
            case "truncated":
                File.WriteAllText(linux, text[..(text.Length / 2)]);
                return [linux, "truncated"];
            case "unknown schema version":
                File.WriteAllText(linux, text.Replace("\"schemaVersion\": 1", "\"schemaVersion\": 2", StringComparison.Ordinal));
                return [linux, "schema version 2"];
            case "wrong schema":
                File.WriteAllText(linux, text.Replace("bindingbehaviour/results", "something/else", StringComparison.Ordinal));
                return [linux];
            case "unknown OS":
                File.WriteAllText(linux, text.Replace("\"os\": \"Linux\"", "\"os\": \"Plan9\"", StringComparison.Ordinal));
                return [linux, "Plan9"];
            case "two files for one OS":
                var copy = WriteResults(_workspace.Results, "linux-again.json", Linux());
                return [linux, copy];
            case "differing claim definitions":
                var windows = Windows();
                windows = windows with { Claims = [.. windows.Claims.Select(c => c.Id == UdpTwice ? c with { Sentence = "Changed." } : c)] };
                return [linux, WriteResults(_workspace.Results, "windows.json", windows), UdpTwice];
            case "a claim missing from one file":
                var fewer = Windows();
                fewer = fewer with
                {
                    Claims = [.. fewer.Claims.Where(c => c.Id != TablesApart)],
                    Observations = [.. fewer.Observations.Where(o => o.Claim != TablesApart)],
                };
                return [linux, WriteResults(_workspace.Results, "windows.json", fewer), TablesApart];
            case "empty":
                File.Delete(linux);
                Directory.CreateDirectory(Path.Combine(_workspace.Results, "matrix"));
                File.WriteAllText(Path.Combine(_workspace.Results, "matrix", "linux.json"), text);
                return [_workspace.Results];
            default:
                throw new ArgumentOutOfRangeException(nameof(problem));
        }
    }

    [Fact]
    public void Files_in_subfolders_of_the_results_directory_are_not_read()
    {
        WriteResults(_workspace.Results, "linux.json", Linux());
        Directory.CreateDirectory(Path.Combine(_workspace.Results, "matrix"));
        File.WriteAllText(Path.Combine(_workspace.Results, "matrix", "scenarios.json"), "not results at all");

        _workspace.RenderOk();
    }

    [Theory]
    [InlineData]
    [InlineData("frobnicate")]
    [InlineData("render")]
    [InlineData("render", "--results")]
    [InlineData("render", "--results", "r")]
    [InlineData("render", "--results", "r", "--out", "d", "extra")]
    [InlineData("render", "--results", "r", "--out", "d", "--bogus", "x")]
    [InlineData("render", "--results", "a", "--results", "b", "--out", "d")]
    [InlineData("check", "--results", "r", "--out", "d")]
    [InlineData("record", "--results", "r", "--out", "d")]
    [InlineData("refresh", "--run", "x")]
    [InlineData("check-definitions", "--run", "x")]
    public void Bad_command_lines_exit_2_with_one_error_line_and_a_usage_line(params string[] args)
    {
        var (exitCode, stdout, stderr) = _workspace.Run(args);

        exitCode.Should().Be(2);
        var lines = Workspace.Lines(stderr);
        lines.Should().HaveCount(2);
        lines[0].Should().StartWith("error: ");
        lines[1].Should().StartWith("usage: ");
        stdout.Should().BeEmpty();
        Directory.GetFileSystemEntries(_workspace.Root).Should().BeEmpty();
    }

    [Fact]
    public void Help_lists_the_commands()
    {
        var (exitCode, stdout, _) = _workspace.Run("--help");

        exitCode.Should().Be(0);
        stdout.Should().Contain("render --results").And.Contain("check-definitions --run");
    }

    [Fact]
    public void Check_passes_on_fresh_docs_and_fails_on_a_single_changed_byte_without_touching_them()
    {
        WriteResults(_workspace.Results, "linux.json", Linux());
        WriteResults(_workspace.Results, "windows.json", Windows());
        _workspace.RenderOk();
        string[] check = ["check", "--results", _workspace.Results, "--docs", _workspace.Docs];

        _workspace.Run(check).Should().Be((0, $"{_workspace.Docs} is up to date with {_workspace.Results} (9 pages).\n", ""));

        var page = Path.Combine(_workspace.Docs, "topics", "02-tcp-and-udp.md");
        var bytes = File.ReadAllBytes(page);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(page, bytes);
        var before = TreeHash(_workspace.Docs);

        var (exitCode, stdout, stderr) = _workspace.Run(check);

        exitCode.Should().Be(1);
        Workspace.Lines(stdout).Should().Equal($"differs: {Path.Join(_workspace.Docs, "topics/02-tcp-and-udp.md")}");
        Workspace.Lines(stderr).Should().ContainSingle().Which.Should().StartWith($"error: {_workspace.Docs} is stale");
        TreeHash(_workspace.Docs).Should().Be(before);
    }

    [Fact]
    public void Check_reports_missing_and_extra_pages()
    {
        WriteResults(_workspace.Results, "linux.json", Linux());
        _workspace.RenderOk();
        File.Delete(Path.Combine(_workspace.Docs, "README.md"));
        File.WriteAllText(Path.Combine(_workspace.Docs, "topics", "99-by-hand.md"), "edited by hand\n");

        var (exitCode, stdout, _) = _workspace.Run("check", "--results", _workspace.Results, "--docs", _workspace.Docs);

        exitCode.Should().Be(1);
        Workspace.Lines(stdout).Should().Equal(
            $"missing: {Path.Join(_workspace.Docs, "README.md")}",
            $"extra: {Path.Join(_workspace.Docs, "topics/99-by-hand.md")}");
    }

    [Fact]
    public void Render_replaces_the_whole_tree_and_leaves_nothing_beside_it()
    {
        WriteResults(_workspace.Results, "linux.json", Linux());
        Directory.CreateDirectory(Path.Combine(_workspace.Docs, "topics"));
        File.WriteAllText(Path.Combine(_workspace.Docs, "topics", "99-stale.md"), "a page of a claim that is gone\n");

        _workspace.RenderOk();

        File.Exists(Path.Combine(_workspace.Docs, "topics", "99-stale.md")).Should().BeFalse();
        File.Exists(Path.Combine(_workspace.Docs, "README.md")).Should().BeTrue();
        _workspace.Leftovers().Should().BeEmpty();
    }

    [Fact]
    public void Record_collects_a_run_into_the_os_file_and_renders()
    {
        var run = Path.Combine(_workspace.Root, "run");
        WriteRun(run, Linux());

        var (exitCode, _, stderr) = _workspace.Run("record", "--run", run, "--results", _workspace.Results, "--out", _workspace.Docs);

        exitCode.Should().Be(0, stderr);
        File.ReadAllText(Path.Combine(_workspace.Results, "linux.json")).Should().Be(ResultsJson.Write(RunRecorder.Collect(run)));
        Directory.GetFiles(_workspace.Results).Select(Path.GetFileName).Should().Equal("linux.json");
        _workspace.Read("README.md").Should().Contain("Debian GNU/Linux 12 (bookworm)");
    }

    [Fact]
    public void Record_of_an_incomplete_run_writes_nothing()
    {
        WriteResults(_workspace.Results, "windows.json", Windows());
        _workspace.RenderOk();
        var results = TreeHash(_workspace.Results);
        var docs = TreeHash(_workspace.Docs);
        var run = Path.Combine(_workspace.Root, "run");
        WriteRun(run, Linux());
        File.Delete(Path.Combine(run, "observations", $"{UdpTwice}.Managed.json"));

        var (exitCode, _, stderr) = _workspace.Run("record", "--run", run, "--results", _workspace.Results, "--out", _workspace.Docs);

        exitCode.Should().Be(1);
        Workspace.Lines(stderr).Should().ContainSingle().Which.Should().Contain(run).And.Contain("incomplete");
        TreeHash(_workspace.Results).Should().Be(results);
        TreeHash(_workspace.Docs).Should().Be(docs);
    }

    [Fact]
    public void Refresh_records_the_run_of_the_tests_when_they_pass()
    {
        var tests = new FakeTests(run => WriteRun(run, Linux()), exitCode: 0);

        var (exitCode, _, stderr) = _workspace.Run(tests, "refresh", "--results", _workspace.Results, "--out", _workspace.Docs);

        exitCode.Should().Be(0, stderr);
        tests.RunDirectory.Should().StartWith(Path.Combine(_workspace.Root, "artifacts", "runs", "refresh-"));
        File.Exists(Path.Combine(_workspace.Results, "linux.json")).Should().BeTrue();
        File.Exists(Path.Combine(_workspace.Docs, "README.md")).Should().BeTrue();
    }

    [Fact]
    public void Refresh_writes_nothing_when_the_tests_fail()
    {
        var tests = new FakeTests(run => WriteRun(run, Linux()), exitCode: 1);

        var (exitCode, _, stderr) = _workspace.Run(tests, "refresh", "--results", _workspace.Results, "--out", _workspace.Docs);

        exitCode.Should().Be(1);
        Workspace.Lines(stderr).Should().ContainSingle().Which.Should().Contain("the tests failed");
        Directory.Exists(_workspace.Results).Should().BeFalse();
        Directory.Exists(_workspace.Docs).Should().BeFalse();
    }

    [Fact]
    public void Check_definitions_ignores_observations_and_passes_when_the_claims_are_the_same()
    {
        WriteResults(_workspace.Results, "linux.json", Linux());
        var run = Path.Combine(_workspace.Root, "run");
        WriteRun(run, Linux(uncertainObserved: "ok"));

        var (exitCode, _, stderr) = _workspace.Run("check-definitions", "--run", run, "--results", _workspace.Results);

        exitCode.Should().Be(0, stderr);
    }

    [Fact]
    public void Check_definitions_lists_the_claims_that_differ_are_missing_or_extra()
    {
        var committed = Linux();
        committed = committed with
        {
            Claims = [.. committed.Claims.Where(c => c.Id != TablesApart)],
            Observations = [.. committed.Observations.Where(o => o.Claim != TablesApart)],
        };
        committed = committed with
        {
            Claims = [.. committed.Claims, new ClaimDefinition("a-removed-claim", "same-protocol", "Gone.", [Variant(Layer.Native, "ok", "ok", "ok", "")])],
            Observations = [.. committed.Observations, Observed("a-removed-claim", Layer.Native, "ok")],
        };
        var path = WriteResults(_workspace.Results, "linux.json", committed);
        var run = Path.Combine(_workspace.Root, "run");
        WriteRun(run, Linux(uncertainExpected: "ok"));

        var (exitCode, stdout, stderr) = _workspace.Run("check-definitions", "--run", run, "--results", _workspace.Results);

        exitCode.Should().Be(1);
        Workspace.Lines(stdout).Should().Equal(
            $"extra in {path} (no longer in the tests): a-removed-claim",
            $"missing from {path}: {TablesApart}",
            $"differs: {Uncertain}");
        Workspace.Lines(stderr).Should().ContainSingle().Which.Should().StartWith($"error: {path} is stale: re-run refresh");
    }

    private sealed class FakeTests(Action<string> record, int exitCode) : ITestRunner
    {
        public string? RunDirectory { get; private set; }

        public int Run(string workingDirectory, string runDirectory)
        {
            RunDirectory = runDirectory;
            record(runDirectory);
            return exitCode;
        }
    }
}
