using BindingBehaviour.Results;
using static BindingBehaviour.Docs.Tests.Fixtures;

namespace BindingBehaviour.Docs.Tests;

public sealed class CommandTests : IDisposable
{
    private readonly Workspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    public static TheoryData<string> BadResults =>
    [
        "malformed", "truncated", "unknown schema version", "wrong schema", "unknown OS", "two files for one run",
        "no catalog", "a catalog whose body hash is not its code's", "a catalog in place of a run", "bad attestations",
        "a run without body hashes",
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
        var linux = Path.Combine(_workspace.Results, "runs", "linux.json");
        var catalog = Path.Combine(_workspace.Results, "catalog.json");
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
                File.WriteAllText(linux, text.Replace("\"schemaVersion\": 2", "\"schemaVersion\": 3", StringComparison.Ordinal));
                return [linux, "schema version 3"];
            case "wrong schema":
                File.WriteAllText(linux, text.Replace("bindingbehaviour/results", "something/else", StringComparison.Ordinal));
                return [linux];
            case "unknown OS":
                File.WriteAllText(linux, text.Replace("\"os\": \"Linux\"", "\"os\": \"Plan9\"", StringComparison.Ordinal));
                return [linux, "Plan9"];
            case "two files for one run":
                var copy = WriteResults(_workspace.Results, "linux-again.json", Linux());
                return [linux, copy, LinuxRun];
            case "no catalog":
                File.Delete(catalog);
                return [_workspace.Results, "catalog.json", "catalog"];
            case "a catalog whose body hash is not its code's":
                var hash = Catalog().Claims[0].Variants[0].BodyHash!;
                File.WriteAllText(catalog, File.ReadAllText(catalog).Replace(hash, "0000000000000000", StringComparison.Ordinal));
                return [catalog, "body hash"];
            case "a catalog in place of a run":
                File.Copy(catalog, linux, overwrite: true);
                return [linux, "bindingbehaviour/catalog"];
            case "bad attestations":
                var attestations = Path.Combine(_workspace.Results, "attestations.json");
                File.WriteAllText(attestations, "{ \"schema\": \"bindingbehaviour/attestations\", \"schemaVersion\": 9, \"attestations\": [] }");
                return [attestations];
            case "a run without body hashes":
                File.WriteAllText(linux, ResultsJson.Serialize(Linux() with { Observations = [.. Linux().Observations.Select(o => o with { BodyHash = null })] }));
                return [linux, "body hash"];
            default:
                throw new ArgumentOutOfRangeException(nameof(problem));
        }
    }

    [Fact]
    public void A_results_file_of_schema_version_1_from_an_older_commit_merges_and_a_changed_body_is_shown_stale()
    {
        WriteResults(_workspace.Results, "windows.json", Windows());
        var legacy = LegacyLinux();
        legacy = legacy with
        {
            Claims = [.. legacy.Claims.Select(c => c.Id == UdpTwice
                ? c with { Variants = [.. c.Variants.Select(v => v.Layer == "Native" ? v with { Code = "// the body before it changed" } : v)] }
                : c)],
        };
        File.WriteAllText(Path.Combine(_workspace.Results, "linux.json"), ResultsJson.Serialize(legacy));

        _workspace.RenderOk();

        var runs = _workspace.Read("runs.md");
        runs.Should().Contain("linux-5.10.0-legacy").And.Contain("not recorded (results schema 1)").And.Contain("1 stale");
        var section = Section(_workspace.Read("topics/01-same-protocol.md"), UdpTwice, Layer.Native);
        Row(section, "Linux")[3].Should().Contain("stale, not counted: `linux-5.10.0-legacy`").And.Contain("not observed");
        Row(section, "Linux")[4].Should().Be("◻ expected only");
        Row(Section(_workspace.Read("topics/01-same-protocol.md"), UdpTwice, Layer.Managed), "Linux")[4].Should().Be("✅ holds");
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
    [InlineData("check-catalog", "--run", "x")]
    [InlineData("catalog", "--tests")]
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
        stdout.Should().Contain("render --results").And.Contain("catalog [--tests").And.Contain("check-catalog");
    }

    [Fact]
    public void Check_passes_on_fresh_docs_and_fails_on_a_single_changed_byte_without_touching_them()
    {
        WriteResults(_workspace.Results, "linux.json", Linux());
        WriteResults(_workspace.Results, "windows.json", Windows());
        _workspace.RenderOk();
        string[] check = ["check", "--results", _workspace.Results, "--docs", _workspace.Docs];

        _workspace.Run(check).Should().Be((0, $"{_workspace.Docs} is up to date with {_workspace.Results} (10 pages).\n", ""));

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
    public void Record_collects_a_run_into_its_run_file_and_renders()
    {
        WriteCatalog(_workspace.Results, Catalog());
        var run = Path.Combine(_workspace.Root, "run");
        WriteRun(run, Linux());

        var (exitCode, _, stderr) = _workspace.Run("record", "--run", run, "--results", _workspace.Results, "--out", _workspace.Docs);

        exitCode.Should().Be(0, stderr);
        var path = Path.Combine(_workspace.Results, "runs", LinuxRun + ".json");
        File.ReadAllText(path).Should().Be(ResultsJson.WriteRun(RunRecorder.Collect(run)));
        Directory.GetFiles(Path.Combine(_workspace.Results, "runs")).Select(Path.GetFileName).Should().Equal(LinuxRun + ".json");
        _workspace.Read("runs.md").Should().Contain("Debian GNU/Linux 12 (bookworm)").And.Contain("0123456789abcdef0123456789abcdef01234567");
    }

    [Fact]
    public void Two_runs_of_one_OS_merge_one_cell_where_they_agree_and_name_the_runs_where_they_differ()
    {
        WriteResults(_workspace.Results, "linux.json", Linux());
        var other = Run(LinuxInfo("6.18.44-fc-v782") with { How = "user-mode-linux" },
            [.. Linux().Observations.Select(o => o.Claim == Uncertain ? o with { Outcome = "ok", NativeCode = 0, Message = "" } : o)]);
        WriteResults(_workspace.Results, "linux-6.18.json", other);

        _workspace.RenderOk();

        var agree = Row(Section(_workspace.Read("topics/01-same-protocol.md"), UdpTwice, Layer.Native), "Linux");
        agree[3].Should().Contain("all 2 runs: `linux-6.1.0-28-amd64`, `linux-6.18.44-fc-v782`");
        var differ = Row(Section(_workspace.Read("topics/05-so-reuseaddr.md"), Uncertain, Layer.Native), "Linux");
        differ[3].Should().Contain("the runs differ").And.Contain("`linux-6.1.0-28-amd64`: `bind:AddressAlreadyInUse`").And.Contain("`linux-6.18.44-fc-v782`: `ok`");
        _workspace.Read("README.md").Should().Contain("(linux-6.1.0-28-amd64)").And.Contain("(linux-6.18.44-fc-v782)");
        _workspace.Read("runs.md").Should().Contain("user-mode-linux");
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
        Directory.CreateDirectory(_workspace.Results);
        var tests = new FakeTests(run => WriteRun(run, Linux()), exitCode: 0);

        var (exitCode, _, stderr) = _workspace.Run(tests, "refresh", "--results", _workspace.Results, "--out", _workspace.Docs);

        exitCode.Should().Be(0, stderr);
        tests.RunDirectory.Should().StartWith(Path.Combine(_workspace.Root, "artifacts", "runs", "refresh-"));
        File.Exists(Path.Combine(_workspace.Results, "runs", LinuxRun + ".json")).Should().BeTrue();
        File.ReadAllText(Path.Combine(_workspace.Results, "catalog.json")).Should().Be(ResultsJson.WriteCatalog(Catalog()));
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
    public void Catalog_builds_the_tests_and_writes_what_they_define()
    {
        Directory.CreateDirectory(_workspace.Results);
        var tests = new FakeTests(_ => { }, exitCode: 0);

        var (exitCode, _, stderr) = _workspace.Run(tests, "catalog", "--results", _workspace.Results);

        exitCode.Should().Be(0, stderr);
        tests.Built.Should().BeTrue();
        File.ReadAllText(Path.Combine(_workspace.Results, "catalog.json")).Should().Be(ResultsJson.WriteCatalog(Catalog()));
    }

    [Fact]
    public void Check_catalog_passes_when_the_committed_catalog_is_what_the_tests_define()
    {
        WriteCatalog(_workspace.Results, Catalog());

        var (exitCode, _, stderr) = _workspace.Run(new FakeTests(_ => { }, 0), "check-catalog", "--tests", "some.dll", "--results", _workspace.Results);

        exitCode.Should().Be(0, stderr);
    }

    [Fact]
    public void Check_catalog_lists_the_claims_that_differ_are_missing_or_extra_and_writes_nothing()
    {
        var committed = Catalog();
        committed = committed with
        {
            Claims = [.. committed.Claims.Where(c => c.Id != TablesApart),
                Hashed(new ClaimDefinition("a-removed-claim", "same-protocol", "Gone.", [Variant(Layer.Native, "ok", "ok", "ok", "x")]))],
        };
        var path = WriteCatalog(_workspace.Results, committed);
        var before = TreeHash(_workspace.Results);
        var tests = new FakeTests(_ => { }, 0) { Defined = Catalog(uncertainLinux: "ok") };

        var (exitCode, stdout, stderr) = _workspace.Run(tests, "check-catalog", "--tests", "some.dll", "--results", _workspace.Results);

        exitCode.Should().Be(1);
        Workspace.Lines(stdout).Should().Equal(
            $"extra in {path} (no longer in the tests): a-removed-claim",
            $"missing from {path}: {TablesApart}",
            $"differs: {Uncertain}");
        Workspace.Lines(stderr).Should().ContainSingle().Which.Should().StartWith($"error: {path} is stale").And.Contain("-- catalog");
        TreeHash(_workspace.Results).Should().Be(before);
    }

    [Fact]
    public void An_attested_cell_is_attested_with_its_link_never_observed_and_FreeBSD_is_FreeBSD()
    {
        WriteResults(_workspace.Results, "linux.json", Linux());
        const string Commit = "1111111111111111111111111111111111111111";
        var attestations = new BindingBehaviour.Evidence.AttestationsFile("bindingbehaviour/attestations", 1,
        [
            new("go-reuse-macos", "MacOS", "golang/go", "src/net/listen_test.go", Commit, "TestDualStackUDPListener", "10-20", "macos CI", "ci-test",
                "two UDP sockets on one address", InUse, Claim: UdpTwice, Layer: "Native"),
            new("freebsd-reuse", "FreeBSD", "freebsd/freebsd-src", "tests/sys/netinet/so_reuseport.c", Commit, "reuse", "5", "FreeBSD CI", "ci-test",
                "two UDP sockets on one address", InUse, Claim: UdpTwice, Layer: "Native", Cells: ["native udp 127.0.0.1 - bound udp 127.0.0.1 - bound"]),
        ]);
        File.WriteAllText(Path.Combine(_workspace.Results, "attestations.json"), ResultsJson.Serialize(attestations));

        _workspace.RenderOk();

        var section = Section(_workspace.Read("topics/01-same-protocol.md"), UdpTwice, Layer.Native);
        var macOs = Row(section, "macOS");
        macOs[3].Should().Contain("not observed — attested on macOS by [golang/go src/net/listen_test.go:10-20](https://github.com/golang/go/blob/" + Commit + "/src/net/listen_test.go#L10-L20)");
        macOs[4].Should().Be("☑ attested, not observed");
        section.Should().Contain("Beyond these OSes: attested on FreeBSD by").And.NotContain("attested on macOS by [freebsd");
        Row(_workspace.Read("README.md"), "1")[5].Should().Contain("☑ 1 attested");
        var matrix = _workspace.Read("matrix.md");
        matrix.Should().Contain("| FreeBSD | `native udp 127.0.0.1 - bound udp 127.0.0.1 - bound` |").And.Contain("no runs on this OS");
    }

    [Fact]
    public void A_documented_snapshot_shows_under_an_expected_only_cell_as_documented_not_observed()
    {
        var catalog = Catalog();
        catalog = catalog with
        {
            Claims = [.. catalog.Claims.Select(c => c.Id != UdpTwice ? c : c with
            {
                Variants = [.. c.Variants.Select(v => v with { Snapshots = new Dictionary<string, RefusalSnapshot>
                {
                    ["MacOS"] = new("outcome: bind:AddressAlreadyInUse\nnative: 48\nmessage: Address already in use", true, "man 2 bind (macOS)"),
                    ["Linux"] = new("outcome: bind:AddressAlreadyInUse\nnative: 98\nmessage: Address already in use", false),
                } })],
            })],
        };
        WriteCatalog(_workspace.Results, catalog);
        WriteResults(_workspace.Results, "linux.json", Linux());

        _workspace.RenderOk();

        var section = Section(_workspace.Read("topics/01-same-protocol.md"), UdpTwice, Layer.Native);
        Row(section, "macOS")[3].Should().Contain("not observed — expected only<br>documented error, not observed: `outcome: bind:AddressAlreadyInUse; native: 48; message: Address already in use` (source: man 2 bind (macOS))");
        Row(section, "macOS")[4].Should().Be("◻ expected only");
        Row(section, "Linux")[3].Should().NotContain("documented");
    }

    private sealed class FakeTests(Action<string> record, int exitCode) : ITestRunner
    {
        public string? RunDirectory { get; private set; }

        public bool Built { get; private set; }

        public CatalogFile Defined { get; init; } = Fixtures.Catalog();

        public int Build(string workingDirectory)
        {
            Built = true;
            return exitCode;
        }

        public CatalogFile Catalog(string assemblyPath) => Defined;

        public int Run(string workingDirectory, string runDirectory)
        {
            RunDirectory = runDirectory;
            record(runDirectory);
            return exitCode;
        }
    }
}
