using BindingBehaviour.Results;
using static BindingBehaviour.Docs.Tests.Fixtures;

namespace BindingBehaviour.Docs.Tests;

public sealed class RenderingTests : IDisposable
{
    private const string TopicSameProtocol = "topics/01-same-protocol.md";
    private const string TopicTcpAndUdp = "topics/02-tcp-and-udp.md";
    private const string TopicReuseAddress = "topics/05-so-reuseaddr.md";

    private readonly Workspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public void Rendering_the_same_results_twice_gives_byte_identical_trees()
    {
        WriteResults(_workspace.Results, "linux.json", Linux());
        WriteResults(_workspace.Results, "windows.json", Windows());
        var second = Path.Combine(_workspace.Root, "elsewhere", "docs");

        _workspace.RenderOk();
        _workspace.Run("render", "--results", _workspace.Results, "--out", second).ExitCode.Should().Be(0);

        TreeHash(second).Should().Be(TreeHash(_workspace.Docs));
    }

    [Fact]
    public void The_order_of_claims_observations_and_settings_in_the_files_does_not_change_a_byte()
    {
        WriteResults(_workspace.Results, "linux.json", Linux());
        _workspace.RenderOk();

        var shuffled = Path.Combine(_workspace.Root, "shuffled");
        Directory.CreateDirectory(shuffled);
        var linux = Linux();
        linux = linux with
        {
            Run = linux.Run with { Settings = linux.Run.Settings.Reverse().ToDictionary() },
            Observations = [.. linux.Observations.Reverse()],
        };
        var catalog = Catalog();
        catalog = catalog with { Claims = [.. catalog.Claims.Reverse().Select(c => c with { Variants = [.. c.Variants.Reverse()] })] };
        File.WriteAllText(Path.Combine(shuffled, "catalog.json"), ResultsJson.Serialize(catalog));
        Directory.CreateDirectory(Path.Combine(shuffled, "runs"));
        File.WriteAllText(Path.Combine(shuffled, "runs", "linux.json"), ResultsJson.Serialize(linux));
        var docs = Path.Combine(_workspace.Root, "docs-shuffled");

        _workspace.Run("render", "--results", shuffled, "--out", docs).ExitCode.Should().Be(0);

        TreeHash(docs).Should().Be(TreeHash(_workspace.Docs));
    }

    [Fact]
    public void Pages_use_lf_line_endings_have_no_trailing_whitespace_and_no_machine_paths()
    {
        WriteResults(_workspace.Results, "linux.json", Linux());
        WriteResults(_workspace.Results, "windows.json", Windows());
        _workspace.RenderOk();

        var files = Directory.GetFiles(_workspace.Docs, "*", SearchOption.AllDirectories);
        files.Select(f => Path.GetRelativePath(_workspace.Docs, f).Replace('\\', '/')).Should().BeEquivalentTo(
            "README.md", "why-tcp-and-udp-share-a-port.md", "matrix.md", "rules.md", "runs.md", "recipes.md", "errors.md", TopicSameProtocol, TopicTcpAndUdp, TopicReuseAddress);
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            text.Should().NotContain("\r").And.EndWith("\n").And.NotEndWith("\n\n");
            text.Split('\n').Should().NotContain(l => l.EndsWith(' ') || l.EndsWith('\t'), $"{file} has no trailing whitespace");
            text.Should().NotContain(_workspace.Root).And.NotContain(Path.GetTempPath());
        }
    }

    [Fact]
    public void With_a_Linux_and_a_Windows_run_Windows_cells_are_observed_and_macOS_cells_are_expected_only()
    {
        WriteResults(_workspace.Results, "linux.json", Linux());
        WriteResults(_workspace.Results, "windows.json", Windows());
        _workspace.RenderOk();

        var page = _workspace.Read(TopicSameProtocol);
        var native = Section(page, UdpTwice, Layer.Native);
        var windows = Row(native, "Windows");
        windows[3].Should().Contain("`bind:AddressAlreadyInUse`").And.Contain("10048").And.Contain("Only one usage of each socket address");
        windows[4].Should().Be("✅ holds");
        Row(native, "Linux")[3].Should().Contain("98: Address already in use");

        foreach (var path in Directory.GetFiles(Path.Combine(_workspace.Docs, "topics")).Append(Path.Combine(_workspace.Docs, "why-tcp-and-udp-share-a-port.md")))
        {
            var rows = File.ReadAllLines(path).Where(l => l.StartsWith("| macOS |", StringComparison.Ordinal)).ToList();
            rows.Should().NotBeEmpty();
            foreach (var row in rows)
            {
                var cells = Cells(row);
                var observed = cells[^2];
                var verdict = cells[^1];
                observed.Should().Be("not observed — expected only");
                observed.Replace("not observed", "", StringComparison.Ordinal).Should().NotContain("observed");
                verdict.Should().BeOneOf("◻ expected only", "— n/a");
                row.Should().NotContainAny("✅", "❌", "⏭", "skipped", "holds", "differs");
            }
        }

        var index = _workspace.Read("README.md");
        index.Should().Contain("No run yet on macOS: those cells show attestations (☑) and expectations (◻) only.");
        Row(index, $"[{WindowsRun}](runs.md#{WindowsRun})")[1].Should().Be("Windows");
        _workspace.Read("runs.md").Should().Contain("Microsoft Windows 10.0.26100").And.Contain("`results/runs/windows.json`").And.Contain("- macOS: no run yet");
        var header = Cells(index.Split('\n').First(l => l.StartsWith("| Claim | Layer |", StringComparison.Ordinal)));
        var macOs = header.ToList().IndexOf("macOS");
        var gridRows = index.Split('\n').Where(l => l.StartsWith("| [", StringComparison.Ordinal) && l.Contains("(topics/", StringComparison.Ordinal)).Select(Cells).ToList();
        gridRows.Should().HaveCount(6, "four claims, two of them on two layers");
        gridRows.Should().AllSatisfy(r => r[macOs].Should().MatchRegex("(◻|— n/a)$").And.NotContainAny("✅", "❌", "⏭"));
    }

    [Fact]
    public void An_observation_that_the_expectation_does_not_accept_is_shown_as_a_finding()
    {
        WriteResults(_workspace.Results, "windows.json", Windows());
        _workspace.RenderOk();

        var managed = Row(Section(_workspace.Read(TopicSameProtocol), UdpTwice, Layer.Managed), "Windows");
        managed[1].Should().Be("`bind:AddressAlreadyInUse`");
        managed[3].Should().StartWith("`ok`");
        managed[4].Should().Be("❌ differs (a finding)");

        var grid = _workspace.Read("README.md").Split('\n').Single(l => l.Contains("(topics/01-same-protocol.md#udp-twice-same-address) | Managed |", StringComparison.Ordinal));
        Cells(grid)[3].Should().Be("`ok` ❌");
        Row(_workspace.Read("README.md"), "1")[4].Should().Be("✅ 1 of 2 hold, ❌ 1 differs, ⏭ 0 skipped · ☑ 0 attested · ◻ 0 expected");
    }

    [Theory]
    [InlineData("ok")]
    [InlineData(InUse)]
    public void An_uncertain_expectation_accepts_either_of_its_alternatives(string observed)
    {
        WriteResults(_workspace.Results, "linux.json", Linux(uncertainObserved: observed));
        _workspace.RenderOk();

        var linux = Row(Section(_workspace.Read(TopicReuseAddress), Uncertain, Layer.Native), "Linux");
        linux[1].Should().Be("either `ok` or `bind:AddressAlreadyInUse` (uncertain: sources disagree, the run settles it)");
        linux[3].Should().StartWith($"`{observed}`");
        linux[4].Should().Be("✅ holds");
    }

    [Fact]
    public void An_observation_outside_the_alternatives_of_an_uncertain_expectation_differs()
    {
        WriteResults(_workspace.Results, "linux.json", Linux(uncertainObserved: "listen:AddressAlreadyInUse"));
        _workspace.RenderOk();

        Row(Section(_workspace.Read(TopicReuseAddress), Uncertain, Layer.Native), "Linux")[4].Should().Be("❌ differs (a finding)");
    }

    [Fact]
    public void A_claim_that_does_not_apply_and_a_skip_are_told_apart()
    {
        WriteResults(_workspace.Results, "windows.json", Windows());
        _workspace.RenderOk();

        var notApplicable = Row(Section(_workspace.Read(TopicReuseAddress), Uncertain, Layer.Native), "Windows");
        notApplicable[1].Should().Be("does not apply");
        notApplicable[4].Should().Be("— n/a");

        var skipped = Row(Section(_workspace.Read(TopicTcpAndUdp), TcpAndUdp, Layer.Managed), "Windows");
        skipped[3].Should().Be($"skipped: no free port for both protocols after 5 tries<br>run `{WindowsRun}`");
        skipped[4].Should().Be("⏭ skipped");
    }

    [Fact]
    public void A_topic_page_shows_the_code_the_source_link_and_the_expectation_source_verbatim()
    {
        WriteResults(_workspace.Results, "linux.json", Linux());
        _workspace.RenderOk();

        var page = _workspace.Read(TopicSameProtocol);
        page.Should().StartWith("<!-- Generated by tools/BindingBehaviour.Docs")
            .And.Contain("# 1. Same protocol, same address")
            .And.Contain("> May two sockets of one protocol bind the same address and port?")
            .And.Contain("<a id=\"udp-twice-same-address\"></a>\n\n## Two UDP sockets cannot share 127.0.0.1:P.")
            .And.Contain("### Native layer: the OS call with nothing added\n\n```csharp\nusing var a = NativeSocket.Open(Transport.Udp, Loopback);\nObserve(b.Bind(a.LocalEndPoint));\n```")
            .And.Contain("### Managed layer: the C# a user writes")
            .And.Contain("(../../tests/BindingBehaviour.Tests/Claims/Fixture.cs#L12)");
        Row(Section(page, UdpTwice, Layer.Native), "macOS")[2]
            .Should().Be("xnu bsd/netinet/in_pcb.c, in_pcbbind()");
    }

    [Fact]
    public void A_pipe_or_a_line_break_in_the_data_cannot_break_a_table()
    {
        WriteResults(_workspace.Results, "linux.json", Linux());
        WriteResults(_workspace.Results, "windows.json", Windows());
        _workspace.RenderOk();

        // The uncertain claim's sentence holds a '|', the Windows settings value too, and details hold line breaks.
        var index = _workspace.Read("README.md");
        var settings = _workspace.Read("runs.md").Split('\n').Where(l => l.StartsWith("| Settings |", StringComparison.Ordinal)).Select(Cells).ToList();
        settings.Should().HaveCount(2).And.OnlyContain(c => c.Count == 2);
        settings[0][1].Should().Be(
            "`net.ipv4.ip_local_port_range` = `32768 60999`<br>`net.ipv4.ip_local_reserved_ports` = (empty)<br>`net.ipv6.bindv6only` = `0`");
        settings[1][1].Should().Contain("Start Port : 49152 \\| Number of Ports");
        var uncertainRow = index.Split('\n').Single(l => l.Contains("#reuseaddr-wildcard-then-loopback)", StringComparison.Ordinal));
        uncertainRow.Should().Contain("SO_REUSEADDR \\| the sources");
        Cells(uncertainRow).Should().HaveCount(5);
        Row(Section(_workspace.Read(TopicTcpAndUdp), TablesApart, Layer.Native), "Linux")[3]
            .Should().Be($"`tcp=1 udp=1`<br>detail: `tcp 127.0.0.1:40000 LISTEN`<br>`udp 127.0.0.1:40000`<br>run `{LinuxRun}`");
    }

    [Fact]
    public void The_why_page_links_the_kernel_sources_and_shows_the_evidence_per_OS()
    {
        WriteResults(_workspace.Results, "linux.json", Linux());
        _workspace.RenderOk();

        var page = _workspace.Read("why-tcp-and-udp-share-a-port.md");
        page.Should().Contain("```mermaid\nflowchart LR")
            .And.Contain("https://github.com/torvalds/linux/blob/master/net/ipv4/inet_connection_sock.c")
            .And.Contain("https://github.com/torvalds/linux/blob/master/net/ipv4/udp.c")
            .And.Contain("https://github.com/torvalds/linux/blob/master/include/net/inet_hashtables.h")
            .And.Contain("https://github.com/apple-oss-distributions/xnu/blob/main/bsd/netinet/in_pcb.c")
            .And.Contain("https://learn.microsoft.com/en-us/windows/win32/winsock/using-so-reuseaddr-and-so-exclusiveaddruse")
            .And.Contain("(topics/02-tcp-and-udp.md#tcp-and-udp-share-a-port)")
            .And.Contain("(topics/02-tcp-and-udp.md#protocol-tables-shown-apart)")
            .And.Contain("(topics/01-same-protocol.md#udp-twice-same-address)");
        var linuxTables = page.Split('\n').Single(l => l.StartsWith("| Linux | Native | `tcp=1", StringComparison.Ordinal));
        Cells(linuxTables)[3].Should().Contain("tcp 127.0.0.1:40000 LISTEN");
        page.Split('\n').Where(l => l.StartsWith("| Windows |", StringComparison.Ordinal))
            .Should().HaveCount(5).And.AllSatisfy(l => l.Should().Contain("not observed — expected only"));
    }

    [Fact]
    public void The_why_page_says_so_when_an_evidence_claim_is_absent()
    {
        var catalog = Catalog();
        WriteCatalog(_workspace.Results, catalog with { Claims = [.. catalog.Claims.Where(c => c.Id != TablesApart)] });
        WriteResults(_workspace.Results, "linux.json", Linux()); // its observation of the claim is of a claim no longer defined

        _workspace.RenderOk();

        _workspace.Read("why-tcp-and-udp-share-a-port.md")
            .Should().Contain("The claim `protocol-tables-shown-apart` is not in these results");
    }
}
