using System.Security.Cryptography;
using System.Text;
using BindingBehaviour.Results;

namespace BindingBehaviour.Docs.Tests;

/// <summary>Small results built in code: a catalog of four claims on three topics, a Linux run and a Windows run, and no macOS run.</summary>
internal static class Fixtures
{
    public const string UdpTwice = "udp-twice-same-address";
    public const string TcpAndUdp = "tcp-and-udp-share-a-port";
    public const string TablesApart = "protocol-tables-shown-apart";
    public const string Uncertain = "reuseaddr-wildcard-then-loopback";

    public const string InUse = "bind:AddressAlreadyInUse";

    public static IReadOnlyList<ClaimDefinition> Claims(string uncertainLinux = "ok | " + InUse) =>
    [
        new(UdpTwice, "same-protocol", "Two UDP sockets cannot share 127.0.0.1:P.",
        [
            Variant(Layer.Native, InUse, InUse, InUse, "using var a = NativeSocket.Open(Transport.Udp, Loopback);\nObserve(b.Bind(a.LocalEndPoint));"),
            Variant(Layer.Managed, InUse, InUse, InUse, "using var a = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));"),
        ]),
        new(TcpAndUdp, "tcp-and-udp", "A TCP listener and a UDP socket can both bind 127.0.0.1:P, whichever binds first.",
        [
            Variant(Layer.Native, "ok", "ok", "ok", "Observe(udp.Bind(tcp.LocalEndPoint));"),
            Variant(Layer.Managed, "ok", "ok", "ok", "Observe(ManagedCall.Try(Step.Bind, () => new UdpClient(endPoint)));"),
        ]),
        new(TablesApart, "tcp-and-udp", "The OS shows the two protocols' tables apart.",
        [
            Variant(Layer.Native, "tcp=1 udp=1", "tcp=1 udp=1", "tcp=1 udp=1", "Observe(ProtocolTables.Count(endPoint));"),
        ]),
        new(Uncertain, "so-reuseaddr", "A loopback bind after a wildcard bind with SO_REUSEADDR | the sources disagree.",
        [
            Variant(Layer.Native, uncertainLinux, Expectation.NotApplicable, "ok", "Observe(b.Bind(Loopback, port));"),
        ]),
    ];

    public const string LinuxRun = "linux-6.1.0-28-amd64";
    public const string WindowsRun = "windows-10.0.26100.0";

    /// <summary>The catalog: the claims, each body with its hash, and no snapshots unless given.</summary>
    public static CatalogFile Catalog(string uncertainLinux = "ok | " + InUse) =>
        ResultsJson.Canonical(new CatalogFile(CatalogFile.SchemaId, CatalogFile.CurrentVersion, [.. Claims(uncertainLinux).Select(Hashed)]));

    public static ClaimDefinition Hashed(ClaimDefinition claim) => claim with
    {
        Variants = [.. claim.Variants.Select(v => v with { BodyHash = BodyHash.Of(v.Code), Snapshots = v.Snapshots ?? new Dictionary<string, RefusalSnapshot>() })],
    };

    public static RunInfo LinuxInfo(string kernel = "6.1.0-28-amd64") =>
        new("Linux", "Debian GNU/Linux 12 (bookworm)", "Unix 6.1.0.0", kernel, ".NET 10.0.0", "2025-11-27", "uid 1000",
            new Dictionary<string, string>
            {
                ["net.ipv6.bindv6only"] = "0",
                ["net.ipv4.ip_local_port_range"] = "32768 60999",
                ["net.ipv4.ip_local_reserved_ports"] = "",
            },
            How: "host", Commit: "0123456789abcdef0123456789abcdef01234567", IPv6: true);

    public static RunFile Linux(string uncertainObserved = InUse) => Run(LinuxInfo(),
        [
            Observed(UdpTwice, Layer.Native, InUse, 98, "Address already in use"),
            Observed(UdpTwice, Layer.Managed, InUse, 98, "Address already in use"),
            Observed(TcpAndUdp, Layer.Native, "ok"),
            Observed(TcpAndUdp, Layer.Managed, "ok"),
            Observed(TablesApart, Layer.Native, "tcp=1 udp=1", detail: "tcp 127.0.0.1:40000 LISTEN\nudp 127.0.0.1:40000"),
            Observed(Uncertain, Layer.Native, uncertainObserved, uncertainObserved == "ok" ? 0 : 98, uncertainObserved == "ok" ? "" : "Address already in use"),
        ]);

    /// <summary>A Windows run: one finding (the managed UDP claim binds twice), one skip, one claim that does not apply.</summary>
    public static RunFile Windows() => Run(
        new RunInfo("Windows", "Microsoft Windows 10.0.26100", "Microsoft Windows NT 10.0.26100.0", "10.0.26100.0", ".NET 10.0.0", "2025-11-26", "windows user",
            new Dictionary<string, string> { ["netsh int ipv4 show dynamicport tcp"] = "Start Port : 49152 | Number of Ports : 16384" },
            How: "ci windows-latest", Commit: "0123456789abcdef0123456789abcdef01234567", IPv6: true),
        [
            Observed(UdpTwice, Layer.Native, InUse, 10048, "Only one usage of each socket address is normally permitted."),
            Observed(UdpTwice, Layer.Managed, "ok"),
            Observed(TcpAndUdp, Layer.Native, "ok"),
            Skipped(TcpAndUdp, Layer.Managed, "no free port for both protocols after 5 tries"),
            Observed(TablesApart, Layer.Native, "tcp=1 udp=1", detail: "TCP 127.0.0.1:50000 LISTENING\nUDP 127.0.0.1:50000 *:*"),
            Skipped(Uncertain, Layer.Native, "does not apply to Windows"),
        ]);

    /// <summary>A run file of the current version: its observations carry the hashes of the catalog's bodies.</summary>
    public static RunFile Run(RunInfo info, IReadOnlyList<Observation> observations)
    {
        var hashes = Catalog().Claims.SelectMany(c => c.Variants.Select(v => (c.Id, v.Layer, v.BodyHash))).ToDictionary(x => (x.Id, x.Layer), x => x.BodyHash);
        return ResultsJson.Canonical(new RunFile(RunFile.SchemaId, RunFile.CurrentVersion, RunName.Of(Enum.Parse<Os>(info.Os), info.Kernel, info.Qualifier ?? ""), info,
            [.. observations.Select(o => o with { BodyHash = hashes[(o.Claim, o.Layer)] })]));
    }

    /// <summary>Today's Linux run as a results file of schema version 1: the run, a copy of every claim, the observations.</summary>
    public static LegacyResultsFile LegacyLinux(string kernel = "5.10.0-legacy") => new(
        RunFile.SchemaId, LegacyResultsFile.Version,
        LinuxInfo(kernel) with { How = null, Commit = null, IPv6 = null },
        Claims(),
        [.. Linux().Observations.Select(o => o with { BodyHash = null })]);

    public static ClaimVariant Variant(Layer layer, string linux, string windows, string osx, string code) => new(
        layer.ToString(),
        new Dictionary<string, Expectation>
        {
            ["Linux"] = new(linux, $"man 7 socket ({layer})"),
            ["Windows"] = new(windows, "Microsoft Learn: Using SO_REUSEADDR and SO_EXCLUSIVEADDRUSE"),
            ["MacOS"] = new(osx, "xnu bsd/netinet/in_pcb.c, in_pcbbind()"),
        },
        code,
        "tests/BindingBehaviour.Tests/Claims/Fixture.cs",
        layer == Layer.Native ? 12 : 34);

    // Every field is set, none null; the engine writes null fields omitted, and such a file reads back too (see EngineRoundTripTests).
    public static Observation Observed(string claim, Layer layer, string outcome, int code = 0, string message = "", string detail = "") =>
        new(claim, layer.ToString(), Observation.Observed, outcome, code, message, detail, "");

    public static Observation Skipped(string claim, Layer layer, string reason) =>
        new(claim, layer.ToString(), Observation.Skipped, "", 0, "", "", reason);

    /// <summary>Writes the catalog into a results directory (canonical form).</summary>
    public static string WriteCatalog(string directory, CatalogFile catalog)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, CatalogFile.FileName);
        File.WriteAllText(path, ResultsJson.WriteCatalog(catalog));
        return path;
    }

    /// <summary>Writes a run file as runs/&lt;name&gt; of a results directory, and the fixture catalog if it has none.</summary>
    public static string WriteResults(string directory, string name, RunFile run)
    {
        if (!File.Exists(Path.Combine(directory, CatalogFile.FileName)))
        {
            WriteCatalog(directory, Catalog());
        }

        Directory.CreateDirectory(Path.Combine(directory, RunFile.Folder));
        var path = Path.Combine(directory, RunFile.Folder, name);
        File.WriteAllText(path, ResultsJson.WriteRun(run));
        return path;
    }

    /// <summary>Writes a run directory as the test suite would: run.json, claims.json (the manifest) and one file per observation.</summary>
    public static void WriteRun(string directory, RunFile run)
    {
        RunRecorder.WriteAtomically(Path.Combine(directory, RunRecorder.RunFileName), ResultsJson.Serialize(run.Run));
        RunRecorder.WriteAtomically(Path.Combine(directory, RunRecorder.ManifestFileName), ResultsJson.Serialize(
            Catalog().Claims.SelectMany(c => c.Variants.Select(v => new ManifestEntry(c.Id, v.Layer, v.BodyHash!))).ToList()));
        foreach (var observation in run.Observations)
        {
            RunRecorder.WriteAtomically(
                Path.Combine(directory, RunRecorder.ObservationsFolder, $"{observation.Claim}.{observation.Layer}.json"), ResultsJson.Serialize(observation));
        }
    }

    /// <summary>A hash of a directory tree: every file's relative path and bytes, in path order; "absent" when it does not exist.</summary>
    public static string TreeHash(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return "absent";
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in Directory.GetFiles(directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(Path.GetRelativePath(directory, file).Replace('\\', '/') + "\0"));
            hash.AppendData(File.ReadAllBytes(file));
            hash.AppendData("\0"u8);
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }

    /// <summary>The part of a topic page about one claim on one layer (from the layer heading to the next heading).</summary>
    public static string Section(string page, string claimId, Layer layer)
    {
        var start = page.IndexOf($"<a id=\"{claimId}\"></a>", StringComparison.Ordinal);
        start.Should().BeGreaterThanOrEqualTo(0, $"the page has an anchor for {claimId}");
        var end = page.IndexOf("<a id=\"", start + 1, StringComparison.Ordinal);
        var claim = end < 0 ? page[start..] : page[start..end];
        var heading = claim.IndexOf($"### {layer} layer", StringComparison.Ordinal);
        heading.Should().BeGreaterThanOrEqualTo(0, $"{claimId} has a {layer} layer");
        var next = claim.IndexOf("\n### ", heading + 1, StringComparison.Ordinal);
        return next < 0 ? claim[heading..] : claim[heading..next];
    }

    /// <summary>The cells of the table row that starts with <paramref name="first"/>, split on unescaped pipes.</summary>
    public static IReadOnlyList<string> Row(string markdown, string first)
    {
        var line = markdown.Split('\n').Single(l => l.StartsWith($"| {first} |", StringComparison.Ordinal));
        return Cells(line);
    }

    public static IReadOnlyList<string> Cells(string line) =>
        [.. System.Text.RegularExpressions.Regex.Split(line.Trim().Trim('|'), @"(?<!\\)\|").Select(c => c.Trim())];
}
